// Panel "speculative": speculative decoding (Leviathan et al. 2023) with the step's two runs: member 0 the target,
// member 1 a smaller draft trained beside it on the same data. One round per frame at most (the draft proposes
// gamma tokens, the target checks them in one cached pass): the text with kept proposals, the target's own tokens
// and the rejected proposals told apart, the acceptance rate, tokens per target pass, and a measured speed-up
// against plain cached decoding of the target, timed a few milliseconds per frame. Models built from copies of
// the runs' weights (Snapshot::weights), as the decoding panel does.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kv_cache.h"
#include "run_set.h"
#include "sampling.h"
#include "speculative.h"
#include "ui_context.h"

namespace noam::viz {

struct SpeculativePanel {
    int gamma = 4;                 // proposals per round (slider 1..8)
    bool auto_advance = true;
    float rounds_per_second = 3;   // slow enough to read
    int timed_tokens = 32;         // N: tokens each way in the speed measurement (fewer if the context is shorter)

    void Draw(RunSet& runs, UiContext& ui);

private:
    enum class Piece : uint8_t { Prompt, Accepted, Target, Rejected };
    struct Shown {
        std::string label;
        Piece kind;
        int round;                 // the round that wrote it (-1: the prompt)
    };
    std::shared_ptr<const ModelWeights> target_weights, draft_weights;
    std::unique_ptr<TransformerLM> target_model, draft_model;
    std::unique_ptr<KVCacheDecoder> target_dec, draft_dec;       // the text on screen
    std::unique_ptr<KVCacheDecoder> plain_dec, time_target_dec, time_draft_dec;  // the speed measurement
    std::unique_ptr<SpeculativeDecoder> spec, time_spec;
    std::unique_ptr<Sampler> plain_sampler;
    int g_max_built = 1;           // the gamma the decoders' buffers hold
    std::string error;             // why the pair cannot decode (shown instead)
    Rng rng{1}, time_rng{2};
    std::vector<int> tokens, prompt;
    std::vector<Shown> shown;
    std::vector<std::string> vocab;
    int rounds_shown = 0;
    double next_round_at = 0;
    uint64_t seen_target = ~0ull, seen_draft = ~0ull;
    int seen_generation = -1;

    // the speed measurement: N tokens by plain cached decoding of the target, then N speculatively
    enum class Timing { Plain, Speculative, Done } timing = Timing::Plain;
    std::vector<int> time_tokens;
    const float* plain_logits = nullptr;
    int time_produced = 0, time_n = 0;
    double plain_seconds = 0, spec_seconds = 0;

    void restart(const Snapshot& target, const Snapshot& draft);
    void round();
    void restart_timing();
    void time_slice(double budget_seconds);
};

}  // namespace noam::viz
