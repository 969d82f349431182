#!/usr/bin/env bash
# The window in Chinese: a lesson with a translation (tests/data/lessons/zh/) opened with --lang zh at 1280x800
# shows its Chinese text with CJK glyphs from the atlas (every character of the step and of the interface has its
# glyph: none would be drawn as '?'), the narrative has ink; the English start-up does not read the CJK font.
# F2 switches the language at the same step on the same run, keeping the ticks.
#   usage: language.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LESSON="$SRC/tests/data/lessons/language_test.json"
source "$SRC/tests/gui/lib.bash"  # gui, check, pixels

if ! fc-list :lang=zh | grep -q .; then
  echo "FAIL: no CJK font installed (tools/install-deps.sh run installs fonts-wqy-microhei)"; exit 1
fi

# ---- Chinese from the start
gui zh "$LESSON" --lang zh --frames 8
check zh 'j["language"] == "zh" and l["language"] == "zh" and l["translation_note"] == ""' "the lesson should open in Chinese"
check zh 'l["title"] == "复制一个序列" and l["step_title"] == "注意力负责复制"' "the sidecar's title and step title"
check zh 'j["cjk_font_loaded"] and j["missing_glyphs"] == 0' "every character shown should have its glyph (no '?' boxes)"
check zh 'l["observations"][0]["text"] == "损失降到 3 以下" and l["observations"][0]["condition"] == "loss < 3"' \
    "the observation's text is translated, its condition is not"
pixels zh 'stats("lesson_narrative")["std_max"] > 30 and stats("lesson_narrative")["distinct_colours"] > 20' \
    "the Chinese narrative should be drawn (ink in its region)"
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/zh.png" "$tmp/zh.json" lesson_narrative lesson_counter loss_plot

# ---- English: no CJK font read at start-up; the same regions (IDs do not change with the language)
gui en "$LESSON" --frames 8
check en 'j["language"] == "en" and l["title"] == "Copying a sequence" and not j["cjk_font_loaded"]' \
    "English opens in English without reading the CJK font"
check en 'j["missing_glyphs"] == 0' "every English character has its glyph"
"$PY" - "$tmp/en.json" "$tmp/zh.json" <<'PY'
import json, sys
en, zh = (json.load(open(p)) for p in sys.argv[1:3])
if sorted(en["regions"]) != sorted(zh["regions"]):
    print("FAIL: the layout's region names change with the language:", sorted(set(en["regions"]) ^ set(zh["regions"]))); sys.exit(1)
PY

# ---- F2 once the step has trained: Chinese at the same step, on the same run, with its tick
BLANKS=$(printf ',%.0s' $(seq 1 60))
gui switch "$LESSON" --frames 8 --train-steps 40 --keys "${BLANKS}F2" --state-out "$tmp/switch_state.json"
check switch 'j["language"] == "zh" and l["title"] == "复制一个序列" and l["step"] == 1' "F2 should switch to Chinese at the same step"
check switch 'l["run_step"] >= 40 and l["run_id"] == 1' "the run goes on (not restarted: the same run, its steps kept)"
check switch 'len(l["ticked"]) == 1 and l["ticked"][0]["text"] == "损失降到 3 以下"' "the tick stays, in Chinese"
check switch 'j["missing_glyphs"] == 0' "the glyphs of the switched-to text are in the atlas"
grep -q '"language": "zh"' "$tmp/switch_state.json" || { echo "FAIL: --state-out should report the language"; exit 1; }

# ---- and back: F2 twice is English again
gui back "$LESSON" --frames 8 --train-steps 40 --keys "${BLANKS}F2,,F2"
check back 'j["language"] == "en" and l["title"] == "Copying a sequence" and l["run_id"] == 1' "F2 twice: English, same run"

# ---- a lesson without a translation: English, and the step says so
mkdir -p "$tmp/lessons" && cp "$LESSON" "$tmp/lessons/"
gui untranslated "$tmp/lessons/language_test.json" --lang zh --frames 6
check untranslated 'j["language"] == "zh" and l["title"] == "Copying a sequence" and l["translation_note"].startswith("not yet translated")' \
    "an untranslated lesson stays English with a note"
pixels untranslated 'stats("lesson_translation_note")["std_max"] > 20' "the step should say it is not yet translated"
echo "PASS"
