#!/usr/bin/env bash
# Hot reload: the window plays a copy of a lesson while the test edits the copy. A new step title appears in
# the window's state; an invalid edit shows its one-line error in a red panel while the previous version keeps
# running; fixing the file clears the error; the window exits 0. The test follows the window through
# --state-out (rewritten when the state changes), so it does not depend on how fast frames are on this machine.
#   usage: lesson_hot_reload.sh NOAMLAB SOURCE_DIR
set -uo pipefail
BIN=$1
SRC=$2
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth)"; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- state"; cat "$tmp/state.json" 2>/dev/null; echo "--- window output"; cat "$tmp/out" "$tmp/err"; exit 1; }
cp "$SRC/lessons/aiayn-3-multi-head.json" "$tmp/lesson.json"

source "$SRC/tests/gui/live_state.bash"

XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui "$tmp/lesson.json" --frames 700 \
    --state-out "$tmp/state.json" --screenshot "$tmp/shot.png" --layout-out "$tmp/layout.json" >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for 60 'l.get("step") == 1 and l.get("step_title") == "Many heads, one layer"' "the lesson to open"

# 1. a valid edit: step 1's title
sed -i 's/"title": "Many heads, one layer"/"title": "Many heads, one layer (edited)"/' "$tmp/lesson.json"
wait_for 20 'l["step_title"] == "Many heads, one layer (edited)" and l["reload_error"] == ""' "the new title"
state 'l["run_step"] == 0 and l["step"] == 1' || fail "a title edit should keep the run and the step"

# 2. an invalid edit: the error is shown, the previous version keeps running
sed -i 's/"minutes": 8/"minutes": "eight"/' "$tmp/lesson.json"
wait_for 20 '"lesson.json" in l["reload_error"] and "/minutes" in l["reload_error"]' "the reload error naming /minutes"
state 'l["step_title"] == "Many heads, one layer (edited)"' || fail "the previous version should keep running"
state '"\n" not in l["reload_error"]' || fail "the error should be one line"
cp "$tmp/state.json" "$tmp/state_error.json"

# 3. fixed again: the error goes away
sed -i 's/"minutes": "eight"/"minutes": 9/' "$tmp/lesson.json"
wait_for 20 'l["reload_error"] == ""' "the error to clear once the file is valid"

# 4. broken once more, and left broken: the window must still exit 0 and show the red panel at the end
printf '{ "id": "aiayn-3-multi-head", ' >"$tmp/lesson.json"
wait_for 20 'l["reload_error"] != ""' "the error of a truncated file"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || fail "the window exited with $rc"
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/shot.png" "$tmp/layout.json" lesson_error lesson_narrative || fail "the error panel"
python3 - "$tmp/layout.json" <<'PY' || fail "the final layout state"
import json, sys
l = json.load(open(sys.argv[1]))["lesson"]
assert l["reload_error"], "the error should still be shown"
assert l["step_title"] == "Many heads, one layer (edited)", l["step_title"]
PY
echo "PASS"
