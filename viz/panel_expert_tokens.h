// Panel "Expert tokens": the watched example's tokens, each box coloured by the expert that processed it first
// (evaluation routing: no noise, the eval capacity factor) with a legend of the experts' colours; a token no
// expert processed (dropped past capacity) is left grey. Hovering a token lists its routes and their gates.
// The primary run only.
#pragma once
#include <string>
#include <vector>

#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct ExpertTokensPanel {
    int layer = -1;                 // the block (lesson option "layer"); -1: the first MoE block
    std::vector<float> value;       // (T) the colour value of each token's expert
    std::vector<bool> dropped;      // (T) no expert processed the token
    std::vector<int> expert;        // (T) the expert the colour stands for, -1 none

    void Draw(RunSet& runs, UiContext& ui);
};

}  // namespace noam::viz
