// Panel "Model": the architecture in one line, parameters per component (bar chart), FLOPs per token, and
// the arithmetic throughput the CPU reaches right now (tokens/s x FLOPs per training token).
#pragma once
#include <string>
#include <vector>

#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct SummaryPanel {
    uint64_t seen_run_id = ~0ull;
    std::vector<std::string> labels, tooltips;
    std::vector<float> params;
    std::vector<unsigned int> colors;
    std::string arch;

    void Draw(RunView& run, UiContext& ui);
};

}  // namespace noam::viz
