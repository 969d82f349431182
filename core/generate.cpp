// The two generation loops, cached and uncached, over one context-window rule.
#include "generate.h"

#include <stdexcept>

namespace noam {

int context_start(int start, int length, int seq_len) {
    return length - start > seq_len ? length - seq_len / 2 : start;
}

// The cache holds tokens[start .. length-2]; the last token is fed next, and its logits give the new token.
void generate_cached(KVCacheDecoder& dec, Sampler& sampler, std::vector<int>& tokens, int n, Rng& rng) {
    if (tokens.empty()) throw std::invalid_argument("generate: the prompt needs at least one token");
    const int seq_len = dec.max_T;
    tokens.reserve(tokens.size() + n);
    int start = context_start(0, (int)tokens.size(), seq_len);
    dec.reset();
    dec.prefill(tokens.data() + start, (int)tokens.size() - 1 - start);
    for (int i = 0; i < n; i++) {
        const int length = (int)tokens.size();
        const int new_start = context_start(start, length, seq_len);
        if (new_start != start) {  // the window moved: rebuild the cache from its first tokens
            start = new_start;
            dec.reset();
            dec.prefill(tokens.data() + start, length - 1 - start);
        }
        const float* z = dec.forward(&tokens[length - 1], 1);
        tokens.push_back(sampler.sample(z, rng));
    }
}

void generate_uncached(TransformerLM& model, Sampler& sampler, std::vector<int>& tokens, int n, Rng& rng) {
    if (tokens.empty()) throw std::invalid_argument("generate: the prompt needs at least one token");
    const int seq_len = model.cfg.seq_len;
    tokens.reserve(tokens.size() + n);
    int start = 0;
    for (int i = 0; i < n; i++) {
        const int length = (int)tokens.size();
        start = context_start(start, length, seq_len);
        model.forward(tokens.data() + start, nullptr, 1, length - start);
        tokens.push_back(sampler.sample(model.logits_at(0, length - start - 1), rng));
    }
}

}  // namespace noam
