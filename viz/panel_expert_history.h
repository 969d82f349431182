// Panel "Expert history": for one MoE layer, a heatmap experts x training steps of each expert's share of the
// routed tokens (first and further choices over all choices) over time: balanced routing is an even dim field,
// collapse onto one expert is one bright row. The panel keeps the snapshots' loads in a ring buffer per run
// (the history holds only the means over layers), cleared when the run restarts. Side-by-side runs stack.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "expert_share_ring.h"
#include "heatmap.h"
#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct ExpertHistoryPanel {
    int layer = -1;                      // the block (lesson option "layer"); -1: the first MoE block
    static constexpr int kColumns = 200; // snapshots kept per run (one column each)

    struct Track {                       // one run's ring buffer
        const RunView* view = nullptr;   // whose: a companion replaced by a new one restarts its counters
        uint64_t run_id = ~0ull, history_version = ~0ull, snapshot_version = 0;
        int layer = -2, experts = 0, last_step = -1;
        ExpertShareRing shares;          // (kColumns, E)
        std::vector<float> image;        // (E, count) the heatmap's values, oldest column first
        std::vector<int> steps;          // (count) the step of each column
        std::vector<std::string> row_labels;
        uint64_t image_version = 0;
        Heatmap map;
    };
    std::vector<std::unique_ptr<Track>> tracks;

    void Draw(RunSet& runs, UiContext& ui);

private:
    void update(Track& t, const RunView& v);
};

}  // namespace noam::viz
