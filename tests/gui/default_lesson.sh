#!/usr/bin/env bash
# With no file, the window opens the first lesson of the lessons/ folder (sorted by file name), with the lesson
# list shown: every shipped lesson listed under its paper, none with an error. With --lessons DIR holding broken
# files first: they are listed with their one-line errors, and the first lesson that loads opens.
#   usage: default_lesson.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui --frames 5 \
    --screenshot "$tmp/shot.png" --layout-out "$tmp/layout.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 0 ] || { echo "FAIL: noamlab gui --frames 5 exited with $rc"; cat "$tmp/out" "$tmp/err"; exit 1; }
first=aiayn-1-scaled-dot-product.json  # the earliest paper's first lesson (the list follows the papers' years)
python3 - "$tmp/layout.json" "$first" "$(ls "$SRC"/lessons/*.json | wc -l)" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
first, count = sys.argv[2], int(sys.argv[3])
l = j.get("lesson") or {}
fails = []
if j.get("mode") != "lesson": fails.append(f"mode is {j.get('mode')}, expected lesson")
if l.get("id") != "aiayn-1-scaled-dot-product": fails.append(f"opened {l.get('id')}, expected aiayn-1-scaled-dot-product")
if not str(l.get("file", "")).endswith("/" + first): fails.append(f"opened {l.get('file')}, expected the first lesson {first}")
if l.get("step") != 1: fails.append(f"at step {l.get('step')}, expected 1")
if not l.get("list_shown"): fails.append("the lesson list should be shown")
if len(j.get("lessons", [])) != count: fails.append(f"{len(j.get('lessons', []))} lessons listed, expected {count}")
bad = [e for e in j.get("lessons", []) if e.get("error")]
if bad: fails.append(f"shipped lessons with errors: {bad}")
for f in fails: print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/shot.png" "$tmp/layout.json" lesson_list lesson_narrative stepper_matrices

# ---- a folder with broken lessons before a good one
mkdir "$tmp/lessons"
echo '{"id": "broken", "title": "x",' >"$tmp/lessons/a-malformed.json"
sed 's/"minutes": 7/"minutes": 700/' "$SRC/lessons/aiayn-1-scaled-dot-product.json" >"$tmp/lessons/b-out-of-range.json"
cp "$SRC/lessons/aiayn-4-positions.json" "$tmp/lessons/c-good.json"
set +e
XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui --lessons "$tmp/lessons" --frames 5 \
    --screenshot "$tmp/broken.png" --layout-out "$tmp/broken.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 0 ] || { echo "FAIL: broken lessons in the folder must not stop the window (exit $rc)"; cat "$tmp/out" "$tmp/err"; exit 1; }
python3 - "$tmp/broken.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
l, lessons = j.get("lesson") or {}, j.get("lessons", [])
fails = []
if l.get("id") != "aiayn-4-positions": fails.append(f"opened {l.get('id')}, expected the first lesson that loads")
errs = {e["file"].rsplit("/", 1)[-1]: e["error"] for e in lessons}
if "malformed JSON" not in errs.get("a-malformed.json", ""): fails.append(f"a-malformed.json: {errs.get('a-malformed.json')!r}")
if "/minutes" not in errs.get("b-out-of-range.json", ""): fails.append(f"b-out-of-range.json: {errs.get('b-out-of-range.json')!r}")
if errs.get("c-good.json") != "": fails.append("c-good.json should load")
if any("\n" in e for e in errs.values()): fails.append("errors must be one line")
for f in fails: print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/broken.png" "$tmp/broken.json" lesson_list positions_matrix
echo "PASS"
