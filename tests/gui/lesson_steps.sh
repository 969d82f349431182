#!/usr/bin/env bash
# The lesson player steps through "Multi-head attention" under Xvfb: step 1 as it opens, then step 2 after
# pressing Right (which trains, as the lesson says, for a while). Each screenshot's narrative and attention grid
# are drawn (not blank) and the layout JSON reports the step and its ticked observations. Then the arrow keys
# in a stepper lesson: Right walks the forward pass's sub-steps first, Left at its start goes back a step.
#   usage: lesson_steps.sh NOAMLAB SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LESSON="$SRC/lessons/aiayn-3-multi-head.json"

source "$SRC/tests/gui/lib.bash"  # gui, check

# ---- step 1, as the lesson opens
gui step1 "$LESSON" --frames 8
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step1.png" "$tmp/step1.json" lesson_narrative attention_grid lesson_counter
check step1 'j["mode"] == "lesson" and l["id"] == "aiayn-3-multi-head"' "the lesson should be open"
check step1 'l["step"] == 1 and l["steps"] == 4' "the layout should report step 1 of 4"
check step1 'l["step_title"] == "Many heads, one layer"' "step 1's title"
check step1 'l["run_step"] == 0 and l["phase"] == "idle"' "step 1 does not train"
check step1 'len(l["ticked"]) == 1 and l["ticked"][0]["at_step"] == 0' \
    "step 1's observation (no sharp head before training) should tick at step 0"

# ---- Right: step 2 trains until val_accuracy > 0.98 (at most 600 steps); screenshot once 120 steps are done
gui step2 "$LESSON" --frames 8 --keys Right --train-steps 120
python3 "$SRC/tests/gui/pngstats.py" check-regions "$tmp/step2.png" "$tmp/step2.json" lesson_narrative attention_grid loss_plot
check step2 'l["step"] == 2 and l["step_title"].startswith("Train: one head")' "Right should move to step 2"
check step2 'l["run_step"] >= 120' "step 2 should have trained (the lesson's own training, then --train-steps)"
check step2 'l["start_step"] == 0 and l["target_step"] == 600' "step 2 trains from step 0 for at most 600 steps"
check step2 'len(l["observations"]) == 2 and all((o["met"] and o["at_step"] is not None) or (not o["met"] and o["at_step"] is None) for o in l["observations"])' \
    "observations carry the step they ticked at"

# ---- Right and Left through the forward-pass stepper (lesson 1 shows it on steps 1 and 2)
STEPPER="$SRC/lessons/aiayn-1-scaled-dot-product.json"
gui stepper "$STEPPER" --frames 6 --keys "Right,Right,Right"
check stepper 'l["step"] == 1 and l["stepper_sub_step"] == 4' "Right should walk the stepper's sub-steps before the steps"
gui back "$STEPPER" --lesson-step 2 --frames 6 --keys "Left"
check back 'l["step"] == 1 and l["stepper_sub_step"] is not None and l["stepper_sub_step"] > 1' \
    "Left at the stepper's start should go back a step, into the stepper's last sub-step"
check back 'l["run_step"] == 0' "going back does not train"
echo "PASS"
