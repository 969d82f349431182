// Panel "Token probabilities": the watched example as a token strip, each token tinted by the probability
// the model gave it at the position before (Snapshot::target_prob): the tokens it already predicts glow,
// the ones it cannot (the question of a task, the start of a word) stay dark. Unscored tokens are grey.
#pragma once
#include <string>
#include <vector>

#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct TokenProbsPanel {
    uint64_t seen_version = ~0ull;
    std::vector<std::string> labels;   // T + 1: the example and the answer after its last position
    std::vector<float> prob;           // p(this token | the tokens before it); 0 where not scored
    std::vector<bool> unscored;        // drawn grey
    double mean_prob = 0;
    int scored = 0;

    void Draw(RunView& run, UiContext& ui);

private:
    void rebuild(const Snapshot& s, const std::vector<std::string>& vocab);
};

}  // namespace noam::viz
