#!/usr/bin/env bash
# The feed-forward panels under Xvfb, on a test lesson (tests/data/gui_ffn_lesson.json, a SwiGLU character model):
# step 1 draws the activation functions (every requested kind's colour is on the plot, and the run's own kind)
# and the parameter table; step 2 the gate and product histograms of layer 1; step 3 switches the run to ReLU,
# which has no product histogram. Each region must be inside the window and not blank.
#   usage: ffn_panels.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LESSON="$SRC/tests/data/gui_ffn_lesson.json"

source "$SRC/tests/gui/lib.bash"  # gui NAME ARGS...

gui step1 "$LESSON" --lesson-step 1 --frames 8
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step1.png" "$tmp/step1.json" activations_plot activations_grad_plot ffn_params_table
# every curve is drawn: pixels of each kind's colour inside the plot (the legend's swatch alone is ~20 pixels)
python3 - "$SRC/tests/gui" "$tmp/step1.png" "$tmp/step1.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from pngstats import read_png, pixels, rect_of
img = read_png(sys.argv[2]); layout = json.load(open(sys.argv[3]))
x, y, w, h = rect_of(layout, "activations_plot")
want = ["relu", "gelu", "squared_relu", "swiglu"]  # swish lies under swiglu's gate (the same function)
missing = [k for k in want if "activations_" + k not in layout["colors"]]
if missing: print("FAIL: no colour recorded for", missing); sys.exit(1)
counts = {k: 0 for k in want}
for _, _, c in pixels(img, x, y, w, h):
    for k in want:
        col = layout["colors"]["activations_" + k]
        if sum(abs(c[i] - col[i]) for i in range(3)) <= 30: counts[k] += 1
print("activation curve pixels:", counts)
bad = [k for k, n in counts.items() if n < 60]
if bad: print("FAIL: curves not drawn:", bad); sys.exit(1)
PY

gui step2 "$LESSON" --lesson-step 2 --frames 8
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step2.png" "$tmp/step2.json" ffn_gate_hist ffn_product_hist activations_plot

gui step3 "$LESSON" --lesson-step 3 --frames 8
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step3.png" "$tmp/step3.json" ffn_gate_hist ffn_params_table
python3 - "$tmp/step3.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
if "ffn_product_hist" in j["regions"]: print("FAIL: a ReLU FFN has no gated product to draw"); sys.exit(1)
if j["lesson"]["step"] != 3: print("FAIL: not on step 3:", j["lesson"]); sys.exit(1)
PY
echo "PASS"
