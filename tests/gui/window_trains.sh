#!/usr/bin/env bash
# The window opens under Xvfb on a run config (the free run, every panel), trains the default run for 300 steps
# while rendering, and its screenshot shows a loss plot whose training line descends and attention maps that are
# not blank.
# Frame times are printed (measured, never asserted: the machine is shared).
#   usage: window_trains.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth; tools/install-deps.sh test)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

set +e
XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui "$SRC/configs/default.json" --frames 20 --train-steps 300 \
    --screenshot "$tmp/shot.png" --layout-out "$tmp/layout.json" --frame-stats "$tmp/frames.json" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
if [ $rc -ne 0 ]; then
    echo "FAIL: noamlab gui exited with $rc"; cat "$tmp/out" "$tmp/err"; exit 1
fi
[ -s "$tmp/shot.png" ] || { echo "FAIL: no screenshot written"; exit 1; }
[ -s "$tmp/layout.json" ] || { echo "FAIL: no layout written"; exit 1; }
[ ! -e "$tmp/config/noamlab/imgui.ini" ] || { echo "FAIL: --frames must not write imgui.ini"; exit 1; }
python3 "$SRC/tests/gui/pngstats.py" check-gui "$tmp/shot.png" "$tmp/layout.json"
echo "frame times while training (reported, not asserted):"
cat "$tmp/frames.json"
echo "PASS"
