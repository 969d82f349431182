// Panel "Training": play / pause / step / reset, learning-rate and speed knobs, and the run's status
// (step, loss, accuracy, tokens per second, elapsed time, and the run's own error in red).
#pragma once
#include <cstdint>
#include <functional>

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
    // A lesson step trains through Step N, which the run does not report as playing: the lesson player then
    // owns play / pause. When set, the Train / Pause button calls this and shows Pause while `busy`.
    std::function<void()> on_toggle_play;
    bool busy = false;

    void Draw(RunView& run, UiContext& ui);

    // actions shared with the keyboard shortcuts and the menu
    static void toggle_play(RunView& run);
    void reset(RunView& run);
};

}  // namespace noam::viz
