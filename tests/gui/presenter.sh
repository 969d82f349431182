#!/usr/bin/env bash
# Presenter mode at 1920x1080 under Xvfb: --presenter fills the screen with the lesson step's narrative and its
# panels (no menu bar, no lesson list) in large type; F5 toggles it, Escape leaves it; ? shows the key-help
# overlay; the themes (--theme, T) change the background: bright for light, black for high contrast.
#   usage: presenter.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LESSON="$SRC/lessons/aiayn-3-multi-head.json"
SCREEN=1920x1080

source "$SRC/tests/gui/lib.bash"  # gui, check, pixels

# ---- windowed at the same size, for comparison: the menu bar above the step view, the normal scale
gui windowed "$LESSON" --size 1920x1080 --scale 1 --frames 6
check windowed 'not j["presenter"] and j["theme"] == "dark" and not j["key_help"]' "windowed: not presenting, dark theme"
check windowed 'j["regions"]["lesson_step_view"]["y"] > 10' "windowed: the menu bar sits above the step view"

# ---- --presenter: full screen, the presenter scale, the step view at the very top and left, the panels beside it
gui pres "$LESSON" --presenter --frames 6
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/pres.png" "$tmp/pres.json" lesson_narrative attention_grid lesson_counter
check pres 'j["presenter"] and j["window"] == {"width": 1920, "height": 1080}' "--presenter should fill the 1920x1080 screen"
check pres '1.6 <= j["scale"] <= 1.8' "the presenter scale at 1920x1080 should be about 1.75"
check pres 'j["regions"]["lesson_step_view"]["y"] == 0 and j["regions"]["lesson_step_view"]["x"] == 0' \
    "no menu bar and no lesson list: the step view starts at the top-left corner"
check pres 'j["regions"]["attention_grid"]["x"] > j["regions"]["lesson_step_view"]["w"]' "the panels sit beside the narrative"
check pres '"presenter_hint" in j["regions"] and j["regions"]["presenter_hint"]["x"] > 1500 and j["regions"]["presenter_hint"]["y"] < 40' \
    "the '? keys  F5 exit' hint sits in the top-right corner"
# large type: the narrative's lines of text are at least 1.5 times as tall as at the normal scale 1 (and 24 px at least)
big=$("$PY" - "$SRC/tests/gui" "$tmp" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import pngstats
def median_line(name):
    img = pngstats.read_png(f"{sys.argv[2]}/{name}.png")
    layout = json.load(open(f"{sys.argv[2]}/{name}.json"))
    bands = sorted(b for b in pngstats.text_rows(img, *pngstats.rect_of(layout, "lesson_narrative")) if b >= 6)
    return bands[len(bands) // 2] if bands else 0
w, p = median_line("windowed"), median_line("pres")
print(f"{w} {p}")
PY
)
read -r w_line p_line <<<"$big"
echo "narrative line height: windowed $w_line px, presenter $p_line px"
[ "$p_line" -ge 24 ] && [ $((p_line * 2)) -ge $((w_line * 3)) ] || { echo "FAIL: presenter type is not large enough ($p_line px vs $w_line px windowed)"; exit 1; }

# ---- F5 toggles: on from the window, off again back to the window's size and scale
gui f5on "$LESSON" --size 1280x800 --frames 6 --keys F5
check f5on 'j["presenter"] and j["window"]["width"] == 1920 and j["regions"]["lesson_step_view"]["y"] == 0' "F5 should enter presenter mode"
gui f5off "$LESSON" --size 1280x800 --presenter --frames 6 --keys F5
check f5off 'not j["presenter"] and j["window"] == {"width": 1280, "height": 800} and j["scale"] == 1.0' \
    "F5 should leave presenter mode: the window's size and scale come back"
check f5off 'j["regions"]["lesson_step_view"]["y"] > 10' "the menu bar comes back"
gui esc "$LESSON" --presenter --frames 6 --keys Escape
check esc 'not j["presenter"]' "Escape should leave presenter mode"

# ---- ?: the key-help overlay, large and centred; Escape closes it first, presenter mode stays
gui help "$LESSON" --presenter --frames 6 --keys "?"
check help 'j["key_help"] and j["presenter"]' "? should show the key help"
check help '"key_help" in j["regions"] and abs(j["regions"]["key_help"]["x"] * 2 + j["regions"]["key_help"]["w"] - 1920) <= 2' "the overlay is centred"
check help 'j["regions"]["key_help"]["h"] > 500 and "presenter_hint" not in j["regions"]' "the overlay is large and replaces the corner hint"
pixels help 'columns("key_help", [92, 156, 255], 40) > 0.9 * width("key_help")' "the overlay's accent border"
pixels help 'len([b for b in text_rows("key_help", 12) if b >= 20]) >= 12' \
    "the overlay lists the keys in large type (a line per key)"
gui help2 "$LESSON" --presenter --frames 6 --keys "?,Escape"
check help2 'not j["key_help"] and j["presenter"]' "Escape closes the key help before it leaves presenter mode"
gui help3 "$LESSON" --presenter --frames 6 --keys "F1,F1"
check help3 'not j["key_help"]' "F1 toggles the key help"

# ---- themes: light is bright, contrast is black; T cycles dark -> light -> contrast -> dark
gui light "$LESSON" --presenter --theme light --frames 6
check light 'j["theme"] == "light"' "--theme light"
pixels light 'min(background()) >= 200' "the light theme's background should be bright"
gui contrast "$LESSON" --presenter --theme contrast --frames 6
check contrast 'j["theme"] == "contrast"' "--theme contrast"
pixels contrast 'background() == (0, 0, 0)' "the high-contrast theme's background should be black"
pixels pres 'max(background()) < 60' "the dark theme's background should be dark"
gui t1 "$LESSON" --presenter --frames 6 --keys T
check t1 'j["theme"] == "light"' "T: dark -> light"
pixels t1 'min(background()) >= 200' "T recolours the background"
gui t3 "$LESSON" --frames 6 --keys T,T,T
check t3 'j["theme"] == "dark"' "T three times comes back to dark"
echo "PASS"
