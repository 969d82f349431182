#!/usr/bin/env bash
# The free run's default layout (a run config) at 1920x1080 with the projector scale 1.5: every plot region is
# inside the window and drawn (not blank), and the loss line still descends.
#   usage: large_window.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1920x1080x24' "$BIN" gui "$SRC/configs/default.json" --size 1920x1080 --scale 1.5 \
    --frames 10 --train-steps 200 --screenshot "$tmp/shot.png" --layout-out "$tmp/layout.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; cat "$tmp/out" "$tmp/err"; exit 1; }
python3 "$SRC/tests/gui/pngstats.py" check-gui "$tmp/shot.png" "$tmp/layout.json"
echo "PASS"
