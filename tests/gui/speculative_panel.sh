#!/usr/bin/env bash
# The speculative decoding panel under Xvfb, on lessons/decode-2-attention-variants.json step 3 (a target and a
# draft run side by side): the text and the speed lines must be drawn inside the window and not blank; the text
# region must hold both runs' shades (kept proposals in the draft's colour, the target's tokens in its own) once a
# few rounds have run.
#   usage: speculative_panel.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LESSON="$SRC/lessons/decode-2-attention-variants.json"

source "$SRC/tests/gui/lib.bash"  # gui NAME ARGS...

gui step3 "$LESSON" --lesson-step 3 --frames 60
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step3.png" "$tmp/step3.json" speculative_text speculative_speed
echo "PASS"
