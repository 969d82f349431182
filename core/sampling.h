// Choosing the next token from the logits: greedy, temperature, top-k (Fan et al. 2018) and top-p / nucleus
// (Holtzman et al. 2020) sampling, all seeded. distribution() gives the exact distribution a draw comes from,
// which speculative decoding needs for both of its models.
#pragma once
#include <string>
#include <vector>

#include "rng.h"

namespace noam {

enum class SamplingKind { Greedy, Temperature, TopK, TopP };

const char* to_string(SamplingKind k);
bool parse_sampling_kind(const std::string& s, SamplingKind& out);  // false if unknown

struct SamplingConfig {
    SamplingKind kind = SamplingKind::Greedy;
    float temperature = 1.0f;  // > 0; divides the logits before the softmax (all kinds but greedy)
    int top_k = 40;            // TopK: keep the k most probable tokens
    float top_p = 0.9f;        // TopP: keep the fewest most probable tokens whose probability sums to >= top_p
};

struct Sampler {
    SamplingConfig cfg;
    int vocab = 0;
    std::vector<float> probs;  // (V) the last distribution()
    std::vector<int> order;    // (V) scratch: token ids sorted by probability

    Sampler(const SamplingConfig& config, int vocab_size);

    // probs = the distribution the next token is drawn from, given logits (V):
    //   greedy: one-hot at argmax (the lowest id among ties)
    //   temperature: softmax(z / T)
    //   top-k / top-p: softmax(z / T) restricted to the kept tokens, renormalized
    // Returns probs.data(). No allocation.
    const float* distribution(const float* logits);
    // a token drawn from distribution(logits); greedy draws no random number
    int sample(const float* logits, Rng& rng);
};

// A draw from p (n), which need not be normalized: the first i with u * sum(p) < p_0 + ... + p_i, u uniform in
// [0, 1). Zero-probability tokens are never drawn.
int sample_from(const float* p, int n, Rng& rng);

// p (n) = softmax(z / temperature), starting from the row's max
void softmax_with_temperature(const float* z, float* p, int n, float temperature);

}  // namespace noam
