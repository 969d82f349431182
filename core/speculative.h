// Speculative decoding (Leviathan, Kalman, Matias 2023; Chen et al. 2023): a small draft model proposes gamma
// tokens one at a time, the target model scores all of them in one pass, and each proposal x is kept with
// probability min(1, p(x) / q(x)) (p the target's distribution, q the draft's). At the first rejection a token is
// drawn from normalize(max(0, p - q)) instead; when all gamma are kept, the target's pass already holds the
// distribution of one more token (the bonus). The tokens then follow the target's distribution exactly, and
// every round yields between 1 and gamma + 1 tokens for one target pass.
#pragma once
#include <vector>

#include "kv_cache.h"
#include "sampling.h"

namespace noam {

struct SpeculativeStats {
    long long rounds = 0;         // target passes
    long long drafted = 0;        // proposals made
    long long accepted = 0;       // proposals kept
    long long tokens = 0;         // tokens appended (accepted + one per round)
    double acceptance_rate() const { return drafted ? (double)accepted / drafted : 0.0; }
    double tokens_per_round() const { return rounds ? (double)tokens / rounds : 0.0; }
};

struct SpeculativeDecoder {
    KVCacheDecoder& draft;
    KVCacheDecoder& target;
    Sampler draft_sampler, target_sampler;  // one configuration, applied to both models' logits
    int gamma = 4;
    SpeculativeStats stats;
    std::vector<float> q;          // (gamma, V) the draft's distributions of its proposals
    std::vector<float> p;          // (gamma+1, V) the target's, at the same positions and one more
    std::vector<float> residual;   // (V) max(0, p - q) of a rejected position
    std::vector<int> chunk;        // (gamma+1) the last token and the proposals: the target's one pass

    int vocab = 0;                 // tokens drawn from: the first `vocab` logits (a config may declare more ids
                                   // than its data uses)

    // The two models must share the vocabulary and context length (the draft's seq_len at least the target's).
    // Throws std::invalid_argument otherwise, or for gamma < 1. sample_vocab 0: the models' whole vocabulary.
    SpeculativeDecoder(KVCacheDecoder& draft_decoder, KVCacheDecoder& target_decoder, const SamplingConfig& sampling,
                       int gamma, int sample_vocab = 0);

    // Appends n tokens to tokens (at least one token: the prompt). Same context-window rule as generate_cached.
    void generate(std::vector<int>& tokens, int n, Rng& rng);

    // ---- [speculative panel] one round at a time. round() appends between 1 and min(gamma, max_tokens - 1) + 1
    // tokens and returns how many; generate() is these rounds in a loop. restart() before a new text (the caches
    // are rebuilt at the next round). After a round, chunk[1 .. last_drafted] are its proposals, the first
    // last_accepted of them kept; the token after them (tokens.back()) is the target's.
    int round(std::vector<int>& tokens, int max_tokens, Rng& rng);
    void restart() { window_start = -1; }
    int last_drafted = 0, last_accepted = 0;
    int window_start = -1;         // the first token both caches hold; -1: no window yet
};

}  // namespace noam
