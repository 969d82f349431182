#!/usr/bin/env bash
# Saved runs and the replay scrubber in the window, under Xvfb:
#  - a free run trains 40 steps; Ctrl+S (pressed while it trains: the save waits for the steps asked for) writes
#    RUNS/reverse-step40.noamrun, which `noamlab info` accepts with its kept pictures;
#  - `noamlab gui RUN.noamrun` opens the run at step 40 with its whole history (steps 1..40); Ctrl+S there
#    never overwrites the first file (reverse-step40-2);
#  - File > Open run (Ctrl+O): a damaged file shows its line and leaves the run as it was, a good one opens;
#  - a damaged file on the command line: its one-line message and exit 2, no window;
#  - Shift+Left (x3) scrubs back three kept pictures, Home to the first (step 0): the state says so, and the
#    attention maps differ from the live frame's far more than End's (the newest picture, the live step) do;
#  - Space after scrubbing trains on from the live end: scrubbing off, the history still starts at step 1.
#   usage: replay.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"  # the default runs folder, ./noamlab-runs, would be here

source "$SRC/tests/gui/lib.bash"  # gui, check, pixels
RUNS="$tmp/runs"
fail() { echo "FAIL: $*"; exit 1; }

# ---- save with Ctrl+S while Step N trains; a second save at the same step gets its own name
gui save "$SRC/configs/default.json" --frames 8 --train-steps 40 --runs-dir "$RUNS" --keys "Ctrl+S,,,,"
[ -f "$RUNS/reverse-step40.noamrun" ] || { ls -la "$RUNS" || true; fail "Ctrl+S should have written runs/reverse-step40.noamrun"; }
RUN="$RUNS/reverse-step40.noamrun"
"$BIN" info "$RUN" >"$tmp/info.txt" || { cat "$tmp/info.txt"; fail "noamlab info refused the window's save"; }
grep -q "format version 2" "$tmp/info.txt" || fail "the window's save should be format version 2: $(head -1 "$tmp/info.txt")"
grep -q "step: *40 of" "$tmp/info.txt" || fail "the save should hold step 40: $(cat "$tmp/info.txt")"
grep -q "pictures: *41 kept for the window's replay, every 1 steps" "$tmp/info.txt" || fail "the save should hold the pictures of steps 0..40: $(cat "$tmp/info.txt")"

# ---- open it: the saved step and the whole history
gui open "$RUN" --frames 6
check open 'j["run"]["step"] == 40 and j["run"]["history"] == 40 and j["run"]["first_history_step"] == 1' \
    "the opened run should be at step 40 with the history of steps 1..40: $(cat "$tmp/open.json" | head -c 0)"
check open 'j["run"]["opened"].endswith("reverse-step40.noamrun") and not j["replay"]["active"] and j["replay"]["kept"] == 41' \
    "the opened run should be live (not scrubbing) with its 41 kept pictures"
pixels open 'columns("loss_plot", layout["colors"]["loss_train"]) >= 10' "the loaded history should draw a loss curve"
# saved again at the same step: a new name, the first file untouched
cp "$RUN" "$tmp/first_save.noamrun"
gui resave "$RUN" --frames 60 --runs-dir "$RUNS" --keys "Ctrl+S"
[ -f "$RUNS/reverse-step40-2.noamrun" ] || { ls -la "$RUNS"; fail "saving the opened run should write reverse-step40-2.noamrun"; }
cmp -s "$RUN" "$tmp/first_save.noamrun" || fail "a save must never overwrite an existing run file"
check resave 'j["run"]["status"] == "saved '"$RUNS"'/reverse-step40-2.noamrun"' "the menu bar should say where the run was saved"

# ---- File > Open run (Ctrl+O): the newest file, damaged, is refused with its line and the run stays as it was;
# Down, Enter opens the next one
mkdir "$tmp/open_dir"
cp "$RUN" "$tmp/open_dir/good.noamrun"
touch -d '1 minute ago' "$tmp/open_dir/good.noamrun"
head -c 5000 "$RUN" >"$tmp/open_dir/bad.noamrun"
gui openbad "$SRC/configs/default.json" --frames 8 --runs-dir "$tmp/open_dir" --keys "Ctrl+O,Enter"
check openbad '"bad.noamrun: truncated: the file has 5000 bytes" in j["run"]["file_error"] and j["run"]["file_error"] == j["run"]["status"]' \
    "a damaged file chosen in Open run should show its one-line message (modal and menu bar)"
check openbad 'j["run"]["step"] == 0 and j["run"]["opened"] == ""' "a refused file should leave the current run as it was"
gui opengood "$SRC/configs/default.json" --frames 8 --runs-dir "$tmp/open_dir" --keys "Ctrl+O,Down,Enter"
check opengood 'j["run"]["step"] == 40 and j["run"]["opened"].endswith("good.noamrun") and j["run"]["file_error"] == ""' \
    "Down, Enter in Open run should open the good file at its step 40"

# ---- a damaged run file: one line, exit 2, no window
head -c 3000 "$RUN" >"$tmp/cut.noamrun"
set +e
XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui "$tmp/cut.noamrun" --frames 3 >"$tmp/cut.out" 2>"$tmp/cut.err"
rc=$?
set -e
[ $rc -eq 2 ] || { cat "$tmp/cut.err"; fail "a damaged run file should exit 2, not $rc"; }
grep -q "^noamlab gui: $tmp/cut.noamrun: truncated: " "$tmp/cut.err" || { cat "$tmp/cut.err"; fail "the damaged file's one-line message"; }
[ "$(wc -l <"$tmp/cut.err")" -eq 1 ] || { cat "$tmp/cut.err"; fail "one line only"; }

# ---- scrub: three pictures back, the first, the last (the live step)
gui back "$RUN" --frames 6 --keys "Shift+Left,Shift+Left,Shift+Left"
check back 'j["replay"]["active"] and j["replay"]["step"] == 37 and j["replay"]["picture_step"] == 37' \
    "three Shift+Left from step 40 should show the picture of step 37"
check back 'j["run"]["step"] == 40' "scrubbing should leave the run at its live step"
"$PY" "$SRC/tests/gui/pngstats.py" check-regions "$tmp/back.png" "$tmp/back.json" replay_strip attention_grid
# the cursor and its values in the replay colour (amber 255,176,32) on the loss plot; none on the live frame's
pixels back 'columns("loss_plot", [255, 176, 32], 20) >= 20' "the loss plot should draw the replay cursor with its values in amber"
pixels open 'columns("loss_plot", [255, 176, 32], 20) == 0' "the live frame should draw no replay cursor"
gui first "$RUN" --frames 6 --keys "Shift+Left,Home"
check first 'j["replay"]["active"] and j["replay"]["picture_step"] == 0' "Home should show the first kept picture (step 0)"
gui last "$RUN" --frames 6 --keys "Shift+Left,Home,End"
check last 'j["replay"]["active"] and j["replay"]["picture_step"] == 40' "End should show the newest kept picture (step 40)"
# the attention maps (grid region, sampled on a 64 x 32 lattice relative to each frame's own region): step 0's
# differ from the live step's; step 40's replayed picture is the live one
"$PY" - "$SRC/tests/gui" "$tmp" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import pngstats
tmp = sys.argv[2]
def lattice(name):
    img = pngstats.read_png(f"{tmp}/{name}.png")
    x, y, w, h = pngstats.rect_of(json.load(open(f"{tmp}/{name}.json")), "attention_grid")
    _, height, ch, rows = img
    out = []
    for j in range(32):
        yy = y + int((j + 0.5) * h / 32)
        for i in range(64):
            xx = x + int((i + 0.5) * w / 64)
            out.append(tuple(rows[yy][xx * ch:xx * ch + 3]))
    return out
def diff(a, b):
    return sum(abs(p[k] - q[k]) for p, q in zip(a, b) for k in range(3)) / (3 * len(a))
live, first, last = lattice("open"), lattice("first"), lattice("last")
d_first, d_last = diff(live, first), diff(live, last)
print(f"attention grid, mean |difference| from the live frame: step 0 picture {d_first:.2f}, step 40 picture {d_last:.2f}")
if not (d_first > 3 * d_last + 1.0):
    print("FAIL: the step 0 picture should differ from the live maps far more than the step 40 picture does"); sys.exit(1)
PY

# ---- Space: training resumes from the live end; the history is not rewritten
gui resume "$RUN" --frames 6 --keys "Shift+Left,Shift+Left,Space" --train-steps 45
check resume 'not j["replay"]["active"] and j["run"]["step"] >= 45' "Space should leave the replay and train on past step 40"
check resume 'j["run"]["first_history_step"] == 1 and j["run"]["history"] == j["run"]["step"]' \
    "the history should still run from step 1 to the live step"
echo "PASS"
