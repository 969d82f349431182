// Panel "Optimizer memory": how many floats (and bytes) of state the optimizer keeps, per parameter tensor and
// in total: Adam's first and second moments (2 n m for an n x m matrix) against Adafactor's factored second
// moment (n + m), both worked out from the run's parameter shapes (noam::optimizer_memory), beside what every
// run of the RunSet really keeps (its snapshot's OptimizerMemory), with the ratio printed. A pending model
// change (a model-size knob moved, not yet applied) adds both figures for the model it would build.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "optimizer_state.h"
#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct OptimizerMemoryPanel {
    // worked out once per parameter layout (the primary run's)
    std::string shapes_key;           // the parameter names and shapes they were computed for
    OptimizerMemory adam, adafactor;  // the analytic yardsticks (Adafactor at the paper's defaults: no momentum)
    std::vector<std::string> tensor_labels, tensor_tips;
    std::vector<float> tensor_floats;  // (2 per tensor: Adam, Adafactor)
    // the pending change's model (noam::model_param_shapes builds it once per change)
    std::string preview_key;
    OptimizerMemory preview_adam, preview_adafactor;

    // preview: the config a pending knob change would give (null: none)
    void Draw(RunSet& runs, UiContext& ui, const RunConfig* preview = nullptr);

private:
    void compute(const OptimizerMemory& live);
};

}  // namespace noam::viz
