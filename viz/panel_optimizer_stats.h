// Panel "Optimizer statistics": what Adafactor did at every step, for every run of the RunSet (in its colour):
// the RMS of the update U_t = G_t / sqrt(Vhat_t) before clipping (the largest over the tensors, which is what
// the threshold d is compared with, and over all parameters), dots where clipping fired, d as a dashed line;
// below, the schedules on one log axis: the step size alpha_t = max(eps2, RMS(X)) rho_t (mean over the
// parameters), rho_t = min(1e-2, 1/sqrt(t)), and 1 - beta2hat_t = t^-0.8 (the newest gradient's weight in the
// second moment; beta2hat_t itself is printed above the plots). Runs with other optimizers are named and left
// out (their StepRecord carries zeros there).
#pragma once
#include <cstdint>
#include <vector>

#include "line_plot.h"
#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct OptimizerStatsPanel {
    int x_max = 0;  // the x axis ends here (0: the run's step count); a lesson step's budget
    // per run: the history as plot columns, extended as it grows
    struct Columns {
        uint64_t run_id = ~0ull, history_version = ~0ull;
        size_t n = 0;
        bool adafactor = false;
        std::vector<float> step, rms_max, rms_all, alpha, rho, one_minus_beta2hat;
        std::vector<float> clip_step, clip_rms;  // the steps where clipping fired (and the RMS there)
        int clipped_steps = 0;
        void update(const RunView& run);
    };
    std::vector<Columns> cols;
    LinePlot rms_plot, schedule_plot;
    float axis_w = 0;  // the wider y-label column of the two plots last frame: their x axes line up

    void Draw(RunSet& runs, UiContext& ui);
};

}  // namespace noam::viz
