#!/usr/bin/env bash
# The MoE panels under Xvfb, on the shipped MoE lessons: moe-1's step 2 (no balancing vs balanced side by side)
# draws expert_load, expert_history and router for both runs, and the balanced run's bars cover every expert;
# moe-2's step 2 (capacity 0.5 vs 2.0) marks the dropped tokens in red on the small-capacity run's bars; moe-1's
# step 3 draws the watched tokens coloured by expert. Each panel's regions are drawn (not blank).
#   usage: moe_panels.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source "$SRC/tests/gui/lib.bash"  # gui, check, pixels

# ---- moe-1 step 2: the two runs side by side
gui balance "$SRC/lessons/moe-1-sparse-gating.json" --frames 8 --keys Right --train-steps 100
"$PY" "$SRC/tests/gui/pngstats.py" check-regions "$tmp/balance.png" "$tmp/balance.json" \
    expert_load_0 expert_load_1 expert_history_0 router_logits router_importance
check balance 'l["step"] == 2 and l["run_step"] >= 100' "moe-1 step 2 should have trained 100 steps"
check balance 'any("uneven" in t["text"] for t in l["ticked"])' "the no-balancing run's higher load CV should tick"
pixels balance 'columns("expert_load_1", layout["colors"]["expert_load_1"]) > 0.5 * width("expert_load_1")' \
    "the balanced run's bars should stand over every expert (more than half the chart's columns)"
pixels balance 'columns("expert_load_0", layout["colors"]["expert_load_0"]) > 0' \
    "the unbalanced run's bars should be drawn in its colour"
# the balanced run's history is an even field (nearly one colour); the unbalanced run's has bright and dark rows
pixels balance 'stats("expert_history_0")["std_max"] > 2 * stats("expert_history_1")["std_max"] and stats("expert_history_1")["distinct_colours"] > 5' \
    "the unbalanced run's expert history should vary far more than the balanced run's (and that one is drawn)"

# ---- moe-2 step 2: capacity 0.5 drops tokens, drawn red
gui capacity "$SRC/lessons/moe-2-capacity.json" --frames 8 --keys Right --train-steps 60
"$PY" "$SRC/tests/gui/pngstats.py" check-regions "$tmp/capacity.png" "$tmp/capacity.json" expert_load_0 expert_load_1
check capacity 'l["step"] == 2' "Right should show moe-2's step 2"
pixels capacity 'columns("expert_load_0", layout["colors"]["expert_load_dropped"]) > 0.3 * width("expert_load_0")' \
    "capacity 0.5 should show dropped tokens (red) on most experts' bars"
pixels capacity 'columns("expert_load_0", layout["colors"]["expert_load_dropped"]) > columns("expert_load_1", layout["colors"]["expert_load_dropped"])' \
    "capacity 0.5 should drop more (more red) than capacity 2.0"

# ---- moe-1 step 3: the watched tokens by expert
gui tokens "$SRC/lessons/moe-1-sparse-gating.json" --frames 8 --keys Right,Right --train-steps 60
"$PY" "$SRC/tests/gui/pngstats.py" check-regions "$tmp/tokens.png" "$tmp/tokens.json" expert_tokens expert_load_0
check tokens 'l["step"] == 3 and l["panels"][0] == "expert_tokens"' "Right Right should show moe-1's step 3"
if [ -n "${NOAM_KEEP_SHOTS:-}" ]; then cp "$tmp"/*.png "$NOAM_KEEP_SHOTS"/; fi
echo "PASS"
