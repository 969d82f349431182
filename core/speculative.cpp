// Speculative decoding: draft, verify in one target pass, accept or resample; the caches roll back to the kept
// tokens.
#include "speculative.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "generate.h"

namespace noam {

static int sampled_vocab(const KVCacheDecoder& t, int sample_vocab) {
    const int V = t.model.cfg.vocab_size;
    return sample_vocab > 0 && sample_vocab < V ? sample_vocab : V;
}

SpeculativeDecoder::SpeculativeDecoder(KVCacheDecoder& d, KVCacheDecoder& t, const SamplingConfig& sampling, int g,
                                       int sample_vocab)
    : draft(d), target(t), draft_sampler(sampling, sampled_vocab(t, sample_vocab)),
      target_sampler(sampling, sampled_vocab(t, sample_vocab)), gamma(g), vocab(sampled_vocab(t, sample_vocab)) {
    const int V = t.model.cfg.vocab_size;
    if (d.model.cfg.vocab_size != V)
        throw std::invalid_argument("speculative decoding: the draft's vocabulary (" +
                                    std::to_string(d.model.cfg.vocab_size) + ") differs from the target's (" +
                                    std::to_string(V) + "): train both on the same data");
    if (d.max_T < t.max_T)
        throw std::invalid_argument("speculative decoding: the draft's seq_len (" + std::to_string(d.max_T) +
                                    ") is shorter than the target's (" + std::to_string(t.max_T) + ")");
    if (gamma < 1 || gamma + 1 > t.max_chunk)
        throw std::invalid_argument("speculative decoding: gamma " + std::to_string(gamma) + " must be between 1 and " +
                                    std::to_string(t.max_chunk - 1));
    q.assign((size_t)gamma * vocab, 0.0f);
    p.assign((size_t)(gamma + 1) * vocab, 0.0f);
    residual.assign(vocab, 0.0f);
    chunk.assign(gamma + 1, 0);
}

// Both caches hold tokens[window_start .. length-2]; the last token is the first input of the next round.
void SpeculativeDecoder::generate(std::vector<int>& tokens, int n, Rng& rng) {
    if (tokens.empty()) throw std::invalid_argument("generate: the prompt needs at least one token");
    tokens.reserve(tokens.size() + n + gamma + 1);
    restart();  // no window yet: the first round builds the caches
    int produced = 0;
    while (produced < n) produced += round(tokens, n - produced, rng);
}

int SpeculativeDecoder::round(std::vector<int>& tokens, int max_tokens, Rng& rng) {
    if (tokens.empty()) throw std::invalid_argument("generate: the prompt needs at least one token");
    const int V = vocab, model_V = target.model.cfg.vocab_size, seq_len = target.max_T;
    int& start = window_start;
    const int length = (int)tokens.size();
    // g proposals: no more than the tokens still wanted (a round yields up to g + 1), and room in the window
    // for the last token and the proposals
    const int new_start = context_start(std::max(start, 0), length, seq_len);
    const int g = std::min({gamma, max_tokens - 1, seq_len - (length - new_start)});  // g = 0: a plain step
    if (new_start != start) {
        start = new_start;
        for (KVCacheDecoder* dec : {&draft, &target}) {
            dec->reset();
            dec->prefill(tokens.data() + start, length - 1 - start);
        }
    }
    const int cached = target.length;  // = length - 1 - start, in both caches

    // 1. the draft proposes x_1 .. x_g, one pass each: x_i ~ q_i = the draft's distribution after x_{i-1}
    chunk[0] = tokens[length - 1];
    for (int i = 0; i < g; i++) {
        const float* qi = draft_sampler.distribution(draft.forward(&chunk[i], 1));
        std::copy(qi, qi + V, q.begin() + (size_t)i * V);
        chunk[i + 1] = sample_from(qi, V, rng);
    }
    // 2. the target scores the last token and all proposals in one pass: p_1 .. p_{g+1}
    const float* z = target.forward(chunk.data(), g + 1);
    for (int i = 0; i <= g; i++) {
        const float* pi = target_sampler.distribution(z + (size_t)i * model_V);
        std::copy(pi, pi + V, p.begin() + (size_t)i * V);
    }
    // 3. keep x_i with probability min(1, p_i(x_i) / q_i(x_i)); at the first rejection draw from
    //    normalize(max(0, p_i - q_i)); after g acceptances draw the bonus token from p_{g+1}
    int accepted = 0, next = -1;
    for (int i = 0; i < g; i++) {
        const int x = chunk[i + 1];
        const float px = p[(size_t)i * V + x], qx = q[(size_t)i * V + x];  // qx > 0: x was drawn from q_i
        if (rng.uniform() < std::min(1.0f, px / qx)) {
            accepted++;
            continue;
        }
        double mass = 0.0;
        for (int t = 0; t < V; t++) mass += residual[t] = std::max(0.0f, p[(size_t)i * V + t] - q[(size_t)i * V + t]);
        // p <= q everywhere only when p == q up to round-off, where rejection has probability ~0: draw from p
        next = sample_from(mass > 0.0 ? residual.data() : &p[(size_t)i * V], V, rng);
        break;
    }
    if (next < 0) next = sample_from(&p[(size_t)g * V], V, rng);
    for (int i = 1; i <= accepted; i++) tokens.push_back(chunk[i]);
    tokens.push_back(next);

    // 4. both caches keep the last token and the accepted proposals; the draft has not yet seen x_g when
    //    everything was accepted (or the last token, when g = 0), so it takes that one now
    target.truncate(cached + 1 + accepted);
    if (draft.length > cached + 1 + accepted) draft.truncate(cached + 1 + accepted);
    if (draft.length < target.length) draft.forward(&chunk[draft.length - cached], 1);

    stats.rounds++;
    stats.drafted += g;
    stats.accepted += accepted;
    stats.tokens += accepted + 1;
    last_drafted = g;
    last_accepted = accepted;
    return accepted + 1;
}

}  // namespace noam
