#!/usr/bin/env bash
# The decoding panels under Xvfb, on lessons/decode-1-kv-cache.json: step 2 shows "decode_cost" (bytes and timing
# bars) and "decoding" (text, attention rows, the KV cache); every region must be inside the window and not blank.
# The cache picture must have one K strip per key/value head and layer: 4 x 2 layers for the multi-head model of
# step 2, 1 x 2 for the multi-query model of step 3.
#   usage: decode_panels.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LESSON="$SRC/lessons/decode-1-kv-cache.json"

source "$SRC/tests/gui/lib.bash"  # gui NAME ARGS...

# the K strips crossed by a vertical line through the first cached position (the cache holds the prompt at least)
count_k_strips() {
    python3 - "$SRC/tests/gui" "$1" "$2" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from pngstats import read_png, pixels, rect_of
img = read_png(sys.argv[2]); layout = json.load(open(sys.argv[3]))
x, y, w, h = rect_of(layout, "decoding_cache_cells")
k = layout["colors"]["decoding_cache_k"]
column = [c for _, _, c in pixels(img, x + 2, y, 1, h)]
strips, inside = 0, False
for c in column:
    is_k = sum(abs(c[i] - k[i]) for i in range(3)) <= 30
    if is_k and not inside: strips += 1
    inside = is_k
print(strips)
PY
}

gui step2 "$LESSON" --lesson-step 2 --frames 30
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step2.png" "$tmp/step2.json" \
    decode_cost_bytes decode_cost_time decoding_text decoding_attention decoding_cache
n=$(count_k_strips "$tmp/step2.png" "$tmp/step2.json")
[ "$n" = 8 ] || { echo "FAIL: multi-head, 2 layers x 4 K/V heads: expected 8 K strips in the cache, found $n"; exit 1; }

gui step3 "$LESSON" --lesson-step 3 --frames 30
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step3.png" "$tmp/step3.json" decoding_text decoding_cache
n=$(count_k_strips "$tmp/step3.png" "$tmp/step3.json")
[ "$n" = 2 ] || { echo "FAIL: multi-query, 2 layers x 1 K/V head: expected 2 K strips in the cache, found $n"; exit 1; }
echo "PASS"
