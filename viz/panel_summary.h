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
    std::string seen_language;  // the labels are in the interface's language
    std::vector<std::string> labels, tooltips;
    std::vector<float> params;
    std::vector<unsigned int> colors;
    std::string arch;

    void Draw(RunView& run, UiContext& ui);
};

}  // namespace noam::viz
