#!/usr/bin/env bash
# Exports from the window: the whole window (Ctrl+P, and --export-window), one panel (Ctrl+Shift+P, and
# --export-panel): its PNG is the panel's rectangle of the frame (the same size as its region in --layout-out,
# the same pixels as that crop of the screenshot of the same frame); the loss history CSV holds the run's history
# (the steps, and the losses `noamlab train` writes for the same config, seed and steps); the attention JSON has a
# map per layer and head whose rows sum to 1. Two pictures of the window never share a file. An unwritable export
# folder fails the run with one line; an unknown panel name is refused.
#   usage: export.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$SRC/tests/gui/lib.bash"
STEPS=40

gui free "$SRC/configs/default.json" --paused --frames 8 --train-steps $STEPS --export-dir "$tmp/ex" \
    --export-panel loss --export-panel attention --export-window --keys "Ctrl+P,Ctrl+Shift+P" --state-out "$tmp/state.json"
ls "$tmp/ex" >"$tmp/files"
# an MoE lesson step (Switch, 8 experts): the expert-load panel's expert assignments of the watched tokens
gui moe "$SRC/lessons/moe-2-capacity.json" --lesson-step 1 --frames 8 --train-steps 20 --export-dir "$tmp/moe" \
    --export-panel expert_load
# an export that cannot be written says so in one line and fails the headless run (exit 1); an unknown panel
# name is refused before any window opens (exit 2)
touch "$tmp/a-file"
set +e
XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui "$SRC/configs/default.json" --paused \
    --frames 4 --export-window --export-dir "$tmp/a-file/sub" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
"$BIN" gui "$SRC/configs/default.json" --frames 4 --export-panel nosuch >"$tmp/bad2.out" 2>"$tmp/bad2.err"
rc2=$?
set -e
[ $rc -eq 1 ] && grep -q "export failed" "$tmp/bad.err" || { echo "FAIL: an unwritable export folder: exit $rc"; cat "$tmp/bad.err"; exit 1; }
[ $rc2 -eq 2 ] && [ "$(wc -l <"$tmp/bad2.err")" -eq 1 ] && grep -q "no such panel" "$tmp/bad2.err" \
    || { echo "FAIL: --export-panel nosuch: exit $rc2"; cat "$tmp/bad2.err"; exit 1; }

# the same run headless, with its schedule intact (the window's run has the config's step count too)
"$BIN" train "$SRC/configs/default.json" --stop-at $STEPS --threads 1 --out "$tmp/train.json" 2>/dev/null

"$PY" - "$tmp" "$SRC/tests/gui" "$STEPS" <<'PY'
import csv, json, os, struct, sys
tmp, lib, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, lib)
import pngstats
ex = os.path.join(tmp, "ex")
files = sorted(os.listdir(ex))
def fail(msg):
    print("FAIL:", msg); print("files:", files); sys.exit(1)
state = json.load(open(os.path.join(tmp, "state.json")))
written = [os.path.basename(p) for p in state["exports"]]
if sorted(written) != files: fail(f"--state-out's exports {written} are not the files in the folder")

# pictures of the window: Ctrl+P (at some step) and --export-window (at the last step); names never collide
windows = [f for f in files if f.startswith("default-window-t") and f.endswith(".png")]
if len(windows) != 2: fail(f"expected two pictures of the window, got {windows}")
if len(set(windows)) != 2: fail("two exports wrote the same file")
layout = json.load(open(os.path.join(tmp, "free.json")))
shot = pngstats.read_png(os.path.join(tmp, "free.png"))
last = pngstats.read_png(os.path.join(ex, [w for w in windows if f"-t{steps}" in w][-1]))
if last != shot: fail("--export-window's picture differs from --screenshot of the same frame")

# Ctrl+Shift+P with no pointer: the last focused panel, a picture of its own
keyed = [f for f in files if f.endswith(".png") and "-window-" not in f and f != f"default-loss-t{steps}.png"
         and f != f"default-attention-t{steps}.png"]
if len(keyed) != 1: fail(f"Ctrl+Shift+P should have written one panel picture, got {keyed}")

# the loss panel's picture: its region's size, the screenshot's pixels there
def crop(img, x, y, w, h):
    W, H, ch, rows = img
    return [bytes(r[x * ch:(x + w) * ch]) for r in rows[y:y + h]]
for panel in ("loss", "attention"):
    r = layout["regions"]["panel_" + panel]
    p = pngstats.read_png(os.path.join(ex, f"default-{panel}-t{steps}.png"))
    if (p[0], p[1]) != (r["w"], r["h"]): fail(f"{panel}: picture {p[0]}x{p[1]}, region {r['w']}x{r['h']}")
    if crop(p, 0, 0, r["w"], r["h"]) != crop(shot, r["x"], r["y"], r["w"], r["h"]):
        fail(f"{panel}: the picture's pixels are not the screenshot's in the panel's region")

# the loss history: one row per step, the losses noamlab train writes (float32 bits)
f32 = lambda v: struct.unpack("f", struct.pack("f", float(v)))[0]
rows = list(csv.DictReader(open(os.path.join(ex, f"default-loss-t{steps}-history.csv"))))
train = json.load(open(os.path.join(tmp, "train.json")))["history"]
if [int(r["step"]) for r in rows] != list(range(1, steps + 1)): fail("the CSV's steps are not 1..%d" % steps)
if len(train) != steps: fail(f"noamlab train wrote {len(train)} steps")
for r, t in zip(rows, train):
    for k in ("loss", "nll", "accuracy", "lr", "grad_norm"):
        if f32(r[k]) != f32(t[k]): fail(f"step {r['step']}: {k} {r[k]} in the CSV, {t[k]} from noamlab train")
hj = json.load(open(os.path.join(ex, f"default-loss-t{steps}-history.json")))
if hj["runs"][0]["loss"] != [f32(r["loss"]) for r in rows]: fail("the history JSON's losses differ from the CSV's")

# attention: a map per (layer, head), each T x T, rows summing to 1
a = json.load(open(os.path.join(ex, f"default-attention-t{steps}-attention.json")))
T = len(a["tokens"])
if len(a["maps"]) != a["layers"] * a["heads"] or T == 0: fail("attention JSON: wrong number of maps")
for m in a["maps"]:
    if len(m["probs"]) != T or any(len(row) != T for row in m["probs"]): fail("attention JSON: a map is not T x T")
    for row in m["probs"]:
        if abs(sum(row) - 1) > 1e-4: fail(f"attention row sums to {sum(row)}")
# expert assignments: every watched token of every MoE layer has its Switch route (one), an expert of the 8,
# a gate in (0, 1], and is processed or dropped, never both
moe = [f for f in os.listdir(os.path.join(tmp, "moe")) if f.endswith("-experts.json")]
if len(moe) != 1: fail(f"expert assignments: {moe}")
e = json.load(open(os.path.join(tmp, "moe", moe[0])))
if not e["layers"] or not e["tokens"]: fail("expert assignments: no layers or no tokens")
for lj in e["layers"]:
    if lj["experts"] != 8 or lj["routes_per_token"] != 1: fail(f"expert assignments: layer {lj['layer']}: {lj['experts']} experts, k {lj['routes_per_token']}")
    if len(lj["tokens"]) != len(e["tokens"]): fail("expert assignments: not one entry per watched token")
    for t in lj["tokens"]:
        if len(t["routes"]) != 1: fail(f"expert assignments: token {t['token']!r} has {len(t['routes'])} routes (Switch: 1)")
        r = t["routes"][0]
        if not 0 <= r["expert"] < 8 or not 0 < r["gate"] <= 1 or r["processed"] == r["dropped"]:
            fail(f"expert assignments: a bad route {r}")
print(f"PASS ({len(files)} files, {len(e['layers'])} MoE layers x {len(e['tokens'])} tokens)")
PY
