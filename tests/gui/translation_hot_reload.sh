#!/usr/bin/env bash
# Hot reload of a translation: the window shows a lesson in Chinese while the test edits its sidecar
# (zh/<file>). A new step title appears; a sidecar that no longer matches the lesson shows the lesson in English
# with its one-line problem as the note; fixing it brings the Chinese back. Followed through --state-out.
#   usage: translation_hot_reload.sh NOAMLAB SOURCE_DIR
set -uo pipefail
BIN=$1
SRC=$2
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth)"; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- state"; cat "$tmp/state.json" 2>/dev/null; echo "--- window output"; cat "$tmp/out" "$tmp/err"; exit 1; }
mkdir -p "$tmp/zh"
cp "$SRC/tests/data/lessons/language_test.json" "$tmp/lesson.json"
sed 's/"translates": "language_test.json"/"translates": "lesson.json"/' "$SRC/tests/data/lessons/zh/language_test.json" >"$tmp/zh/lesson.json"

source "$SRC/tests/gui/live_state.bash"
edit() {  # edit 'python statement over j (the sidecar)'
    python3 - "$tmp/zh/lesson.json" "$1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
exec(sys.argv[2])
open(sys.argv[1], "w").write(json.dumps(j, ensure_ascii=False))
PY
}

XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui "$tmp/lesson.json" --lang zh --frames 900 \
    --state-out "$tmp/state.json" >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for 60 'l.get("title") == "复制一个序列"' "the lesson in Chinese"
sleep 1.1  # a new modification time
edit 'j["steps"][0]["title"] = "新的标题"'
wait_for 30 'l.get("step_title") == "新的标题"' "the edited translation"
sleep 1.1
edit 'j["steps"].pop()'
wait_for 30 'l.get("title") == "Copying a sequence" and "/steps: expected 3 steps" in l.get("translation_note", "")' \
    "a misaligned translation: English, with the problem as the note"
sleep 1.1
edit 'j["steps"].append({"title": "最后一步", "text": "最后一步。"})'
wait_for 30 'l.get("title") == "复制一个序列" and l.get("translation_note") == ""' "the fixed translation"
wait "$pid"; rc=$?; pid=
[ $rc -eq 0 ] || fail "the window exited with $rc"
echo "PASS"
