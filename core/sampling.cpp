// Sampling filters over one row of logits, and the inverse-CDF draw they all end in.
#include "sampling.h"

#include <algorithm>
#include <cmath>

namespace noam {

const char* to_string(SamplingKind k) {
    switch (k) {
        case SamplingKind::Greedy: return "greedy";
        case SamplingKind::Temperature: return "temperature";
        case SamplingKind::TopK: return "top_k";
        case SamplingKind::TopP: return "top_p";
    }
    return "?";
}

bool parse_sampling_kind(const std::string& s, SamplingKind& out) {
    for (SamplingKind k : {SamplingKind::Greedy, SamplingKind::Temperature, SamplingKind::TopK, SamplingKind::TopP})
        if (s == to_string(k)) {
            out = k;
            return true;
        }
    return false;
}

Sampler::Sampler(const SamplingConfig& config, int vocab_size) : cfg(config), vocab(vocab_size) {
    probs.assign(vocab, 0.0f);
    order.assign(vocab, 0);
}

void softmax_with_temperature(const float* z, float* p, int n, float temperature) {
    float maxv = z[0];
    for (int j = 1; j < n; j++) maxv = std::max(maxv, z[j]);
    double sum = 0.0;
    for (int j = 0; j < n; j++) sum += p[j] = std::exp((z[j] - maxv) / temperature);
    for (int j = 0; j < n; j++) p[j] = (float)(p[j] / sum);
}

const float* Sampler::distribution(const float* z) {
    const int V = vocab;
    float* p = probs.data();
    if (cfg.kind == SamplingKind::Greedy) {
        int best = 0;
        for (int j = 1; j < V; j++)
            if (z[j] > z[best]) best = j;
        std::fill(p, p + V, 0.0f);
        p[best] = 1.0f;
        return p;
    }
    softmax_with_temperature(z, p, V, cfg.temperature);
    if (cfg.kind == SamplingKind::Temperature) return p;

    // Sort the ids by probability, most probable first (ties: lower id first, so the result is well defined),
    // decide how many to keep, zero the rest and renormalize the kept ones.
    for (int j = 0; j < V; j++) order[j] = j;
    std::sort(order.begin(), order.end(), [p](int a, int b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
    int keep = V;
    if (cfg.kind == SamplingKind::TopK) {
        keep = std::min(cfg.top_k, V);
    } else {  // top-p: the smallest prefix whose mass reaches top_p (at least one token)
        double mass = 0.0;
        for (keep = 0; keep < V;) {
            mass += p[order[keep++]];
            if (mass >= cfg.top_p) break;
        }
    }
    double kept = 0.0;
    for (int r = 0; r < keep; r++) kept += p[order[r]];
    for (int r = keep; r < V; r++) p[order[r]] = 0.0f;
    for (int r = 0; r < keep; r++) p[order[r]] = (float)(p[order[r]] / kept);
    return p;
}

int sample_from(const float* p, int n, Rng& rng) {
    double sum = 0.0;
    int last_nonzero = 0;
    for (int j = 0; j < n; j++)
        if (p[j] > 0.0f) {
            sum += p[j];
            last_nonzero = j;
        }
    const double u = rng.uniform() * sum;
    double acc = 0.0;
    for (int j = 0; j < n; j++) {
        if (p[j] <= 0.0f) continue;
        acc += p[j];
        if (u < acc) return j;
    }
    return last_nonzero;  // u within round-off of the total
}

int Sampler::sample(const float* logits, Rng& rng) {
    const float* p = distribution(logits);
    if (cfg.kind == SamplingKind::Greedy) return (int)(std::max_element(p, p + vocab) - p);
    return sample_from(p, vocab, rng);
}

}  // namespace noam
