// Panel "Expert load": for one MoE layer, the tokens each expert was sent in the last training step, as bars:
// first choices (the run's colour) under further choices (lighter), the part refused by capacity in red on top,
// the capacity C as a dashed line; the dropped fraction and the load's coefficient of variation printed. Side-by-
// side runs are small multiples, one row each in its colour.
#pragma once
#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct ExpertLoadPanel {
    int layer = -1;  // the block (lesson option "layer"); -1: the first MoE block

    void Draw(RunSet& runs, UiContext& ui);
};

}  // namespace noam::viz
