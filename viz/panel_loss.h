// Panel "Loss": training loss (raw and smoothed) and validation loss against the step, with a log-y
// toggle and a smoothing slider; the learning rate on its own small plot underneath. Side-by-side runs
// share the plots, one colour per run.
#pragma once
#include <vector>

#include "line_plot.h"
#include "replay.h"
#include "run_set.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct LossPanel {
    bool log_y = false;
    float smoothing = 0.6f;   // EMA weight (TensorBoard style)
    bool show_accuracy = false;
    int x_max = 0;            // the x axis ends here (0: the run's step count); a lesson step's budget
    ReplayScrubber* replay = nullptr;  // [replay] its strip under the loss plot and its cursor on it (the app's)
    LinePlot loss_plot, lr_plot;
    std::vector<float> smoothed_;  // scratch: the smoothed training loss
    size_t smoothed_n_ = 0;
    uint64_t smoothed_history_ = ~0ull;  // RunView::history_version the smoothing was computed for
    float smoothed_w_ = -1;
    float axis_w_ = 0;             // y-label width of both plots last frame: their x axes line up

    std::vector<std::vector<float>> compare_smoothed_;  // scratch: each side-by-side run's smoothed loss
    std::vector<std::vector<float>> aux_;               // scratch: each run's MoE auxiliary loss per step

    // With side-by-side runs (set->comparing()), one smoothed training curve and one validation curve per run,
    // in the run's colour, named by its label.
    void Draw(RunView& run, UiContext& ui, const RunSet* set = nullptr);
};

}  // namespace noam::viz
