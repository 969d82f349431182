#!/usr/bin/env bash
# The optimizer panels under Xvfb, on an Adafactor run (tests/data/gui/optimizer_panels.json): step 1 shows the
# memory bars and the update statistics after 150 steps, step 2 (Right) the second moment of the first block's FFN
# W1 (exact V, the rank-1 estimate with its R and C strips, the error map). Each panel's regions are drawn (not
# blank), Adam's total bar is long and Adafactor's short, clipping events are dotted on the RMS plot, and the
# lesson's optimizer conditions (memory ratio, clipping) tick.
#   usage: optimizer_panels.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LESSON="$SRC/tests/data/gui/optimizer_panels.json"

source "$SRC/tests/gui/lib.bash"  # gui, check, pixels

# ---- step 1: memory and statistics after 150 steps
gui step1 "$LESSON" --frames 8 --train-steps 150
"$PY" "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step1.png" "$tmp/step1.json" \
    optimizer_memory_totals optimizer_memory_tensors optimizer_stats_rms optimizer_stats_schedules
check step1 'l["step"] == 1 and l["run_step"] >= 150' "step 1 should have trained 150 steps"
check step1 'len(l["ticked"]) == 2' "both optimizer observations (memory ratio < 0.1, clipping fired) should tick"
pixels step1 'columns("optimizer_memory_totals", layout["colors"]["optimizer_memory_adam"]) > 0.5 * width("optimizer_memory_totals")' \
    "Adam's total bar should span most of the chart"
pixels step1 '0 < columns("optimizer_memory_totals", layout["colors"]["optimizer_memory_adafactor"]) < 0.1 * width("optimizer_memory_totals")' \
    "Adafactor's total bar should be there and short (under a tenth of Adam's)"
pixels step1 'columns("optimizer_stats_rms", layout["colors"]["optimizer_stats_clipped"], 60) >= 10' \
    "clipping events should be dotted on the RMS plot"

# ---- step 2 (Right): the second moment of blocks.0.ffn.w1.w
gui step2 "$LESSON" --frames 8 --keys Right --train-steps 120
"$PY" "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step2.png" "$tmp/step2.json" \
    second_moment_v second_moment_vhat second_moment_error second_moment_R second_moment_C optimizer_stats_rms
check step2 'l["step"] == 2 and l["panels"][0] == "second_moment"' "Right should show step 2 with the second moment"
pixels step2 'abs(width("second_moment_v") - width("second_moment_vhat")) <= 1 and abs(width("second_moment_v") - width("second_moment_error")) <= 1' \
    "the three maps should have the same size (they are compared cell by cell)"
if [ -n "${NOAM_KEEP_SHOTS:-}" ]; then cp "$tmp"/step*.png "$NOAM_KEEP_SHOTS"/; fi
echo "PASS"
