// Panel "Router": how large the router logits grow and what the auxiliary losses say, over the training steps,
// from the history (means over the MoE layers): the logsumexp of a token's router logits (the max over tokens
// thick, the mean thin: what the ST-MoE z-loss keeps small), then each auxiliary loss term the router has,
// unscaled (Switch/GShard's balance loss, noisy top-k's CV(Importance)² and CV(Load)², the z-loss). Every run of
// the RunSet in its colour.
#pragma once
#include <cstdint>
#include <vector>

#include "line_plot.h"
#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct RouterPanel {
    struct Columns {  // one run's history as plot columns, rebuilt when it grows
        const RunView* view = nullptr;  // whose: a companion replaced by a new one restarts its counters
        uint64_t history_version = ~0ull, run_id = ~0ull;
        size_t n = 0;
        std::vector<float> step, lse_mean, lse_max, balance, importance, load, z;
    };
    std::vector<Columns> cols;
    LinePlot logits_plot, balance_plot, importance_plot, load_plot, z_plot;

    void Draw(RunSet& runs, UiContext& ui);
};

}  // namespace noam::viz
