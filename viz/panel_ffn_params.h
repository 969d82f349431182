// Panel "FFN parameters": one row per run of the RunSet (the primary and its companions, each in its colour):
// the FFN kind, its hidden size, parameters per FFN layer, the whole model's parameters and the difference
// from a ReLU FFN of the same d_model and d_ff (the 2/3 rounding); the run's latest validation loss; and
// beside it the GLU paper's held-out log-perplexity for that kind (Table 1, assets/glu_paper_table.json).
// Given a race (core/race.h), the mean and spread over its seeds join each kind's row.
#pragma once
#include <string>

#include "race.h"
#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct FfnParamsPanel {
    PaperTable paper;
    std::string paper_error;   // the table file could not be read: the panel says so and goes on
    bool paper_loaded = false;

    // race: optional, a finished race over model.ffn (its variants' labels are kind names)
    void Draw(const RunSet& runs, UiContext& ui, const RaceResult* race = nullptr);
};

}  // namespace noam::viz
