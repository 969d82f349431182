#!/usr/bin/env bash
# noamlab render: the same command twice gives the same picture, byte for byte (the step trains to its target,
# the final snapshot is awaited, nothing time-dependent is drawn); without a display, with a step the lesson does
# not have, or with a missing lesson: one line on stderr and exit code 2.
#   usage: render.sh NOAMLAB SOURCE_DIR
set -uo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth)"; exit 1; }
fail() { echo "FAIL: $*"; for f in "$tmp"/*.err; do echo "--- $f"; cat "$f"; done; exit 1; }
LESSON="$SRC/lessons/${RENDER_LESSON:-aiayn-3-multi-head.json}"
STEP=${RENDER_STEP:-2}

for i in 1 2; do
    XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" render "$LESSON" --step $STEP \
        --out "$tmp/shot$i.png" >"$tmp/render$i.out" 2>"$tmp/render$i.err"
    rc=$?
    [ $rc -eq 0 ] || fail "noamlab render exited with $rc"
    [ -s "$tmp/shot$i.png" ] || fail "no picture written"
done
cmp -s "$tmp/shot1.png" "$tmp/shot2.png" || fail "two renders of the same step differ"
python3 "$SRC/tests/gui/pngstats.py" stats "$tmp/shot1.png" 0 0 1280 800 | python3 -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s["distinct_colours"] > 50 else 1)' || fail "the rendered picture is nearly blank"

expect2() {  # expect2 WHAT ENV... -- ARGS...: exit 2, one line mentioning WHAT
    local what=$1; shift
    "$@" >"$tmp/x.out" 2>"$tmp/x.err"
    local rc=$?
    [ $rc -eq 2 ] || fail "'$*' exited with $rc, expected 2"
    [ "$(wc -l <"$tmp/x.err")" -eq 1 ] || fail "'$*': expected one line on stderr"
    grep -q -- "$what" "$tmp/x.err" || fail "'$*': the message should mention '$what'"
}
expect2 "no display found" env -u DISPLAY -u WAYLAND_DISPLAY "$BIN" render "$LESSON" --step 1 --out "$tmp/x.png"
expect2 "--step 99" "$BIN" render "$LESSON" --step 99 --out "$tmp/x.png"
expect2 "missing.json" "$BIN" render "$tmp/missing.json" --step 1 --out "$tmp/x.png"
expect2 "--step K is required" "$BIN" render "$LESSON" --out "$tmp/x.png"
expect2 "--out" "$BIN" render "$LESSON" --step 1
[ ! -e "$tmp/x.png" ] || fail "a failed render wrote a picture"
"$BIN" render --help | grep -q "not measured in render" || fail "--help should say what render mode hides"
echo "PASS"
