// Panel "Schedule": the learning-rate schedule of the run's config, noam::learning_rate(optim, t, d_model,
// steps), against the step, with the current step marked and the rate the run really used (which includes
// the live multiplier) over it. A pending change (a knob moved, not yet applied) is drawn as a second curve.
#pragma once
#include <string>
#include <vector>

#include "config.h"
#include "line_plot.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct SchedulePanel {
    struct Curve {
        std::string key;             // what it was computed for (the optimizer settings, d_model, steps)
        std::vector<float> x, y;
        float peak = 0;
        int peak_step = 0;
        void compute(const RunConfig& c, int last_step);
    };
    Curve now, preview;
    LinePlot plot;

    // preview: the config a pending knob change would give (null: none)
    void Draw(RunView& run, UiContext& ui, const RunConfig* preview_config = nullptr);
};

}  // namespace noam::viz
