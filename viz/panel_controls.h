// Panel "Training": play / pause / step / reset, learning-rate and speed knobs, and the run's status
// (step, loss, accuracy, tokens per second, elapsed time, and the run's own error in red).
#pragma once
#include <cstdint>

#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct ControlsPanel {
    int step_n = 100;          // "Step N"
    int seed = 1;              // the seed a reset uses
    float lr_scale = 1.0f;     // multiplier on the schedule
    int steps_per_picture = 1; // steps between snapshots
    int speed_index = 0;       // index into the speed limits (0: as fast as the CPU goes)
    uint64_t seen_run_id = 0;

    void Draw(RunView& run, UiContext& ui);

    // actions shared with the keyboard shortcuts and the menu
    static void toggle_play(RunView& run);
    void reset(RunView& run);
};

}  // namespace noam::viz
