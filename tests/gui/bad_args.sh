#!/usr/bin/env bash
# Wrong flags, bad values and bad config files give one line on stderr and exit 2, before any window opens
# (so this test needs no display).
#   usage: bad_args.sh NOAMLAB SOURCE_DIR
set -uo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- stderr"; cat "$tmp/err"; exit 1; }

expect2() {  # expect2 PATTERN ARGS...
    local pattern=$1; shift
    env -u DISPLAY -u WAYLAND_DISPLAY "$BIN" gui "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ $rc -eq 2 ] || fail "'noamlab gui $*' exited with $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "'noamlab gui $*': expected exactly one line on stderr"
    grep -qF -- "$pattern" "$tmp/err" || fail "'noamlab gui $*': stderr should contain: $pattern"
}
expect2 "noamlab gui: unknown flag '--bogus' (see noamlab gui --help)" --bogus
expect2 "bad value 'ten' for --frames" --frames ten
expect2 "--screenshot needs a value" --screenshot
expect2 "bad value '12' for --size" --size 12
expect2 "bad value 'fr' for --lang (expected en or zh)" --lang fr
expect2 "noamlab gui:" "$tmp/missing.json"
echo '{"model": {"d_model": "wide"}}' >"$tmp/bad.json"
expect2 "noamlab gui:" "$tmp/bad.json"
# lessons: a broken lesson, a step it does not have, --lesson-step on a run config, a key name that does not exist
echo '{"id": "x", "title": "t", "steps": [{"title": 3}]}' >"$tmp/bad_lesson.json"
expect2 "noamlab gui: $tmp/bad_lesson.json:" "$tmp/bad_lesson.json"
expect2 "has 4 steps" "$SRC/lessons/aiayn-3-multi-head.json" --lesson-step 9
expect2 "--lesson-step needs a lesson" "$SRC/configs/default.json" --lesson-step 2
expect2 "bad key 'Rigth' in --keys" --keys "Right,Rigth"

"$BIN" gui --help >"$tmp/out" 2>"$tmp/err" || fail "--help should exit 0"
grep -q -- "--train-steps" "$tmp/out" || fail "--help should list --train-steps"
grep -q -- "--lesson-step" "$tmp/out" || fail "--help should list --lesson-step"
echo "PASS"
