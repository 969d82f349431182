#!/usr/bin/env bash
# Without a display the window command says so in one line, points at the headless commands, exits 1.
#   usage: no_display.sh NOAMLAB SOURCE_DIR
set -uo pipefail
BIN=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; exit 1; }

for cmd in "gui --frames 1" ""; do
    env -u DISPLAY -u WAYLAND_DISPLAY "$BIN" $cmd >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 1 ] || fail "'noamlab $cmd' without a display exited with $rc, expected 1"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "expected exactly one line on stderr"
    grep -q "no display found" "$tmp/err" || fail "the message should say no display was found"
    grep -q "noamlab train" "$tmp/err" || fail "the message should name the headless commands"
done
# a display that cannot be opened: the same message, naming it
env -u WAYLAND_DISPLAY DISPLAY=:12345 "$BIN" gui --frames 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "an unreachable DISPLAY exited with $rc, expected 1"
grep -q "no display found (cannot open display ':12345')" "$tmp/err" || fail "message should name the display"
echo "PASS"
