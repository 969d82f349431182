// Autoregressive generation: append tokens one at a time, each drawn from the model's next-token distribution,
// with the KV cache (one pass per token) or without it (the full forward over the context for every token).
// Both see the same context window, so with the same sampler and seed they give the same tokens.
#pragma once
#include <vector>

#include "kv_cache.h"
#include "sampling.h"

namespace noam {

// The model's positions stop at seq_len. The context of the next prediction is tokens[start ..]; when it would
// grow past seq_len, it restarts from the last seq_len / 2 tokens (the cache is rebuilt from them once, rather
// than shifted every token). Returns the new start.
int context_start(int start, int length, int seq_len);

// Appends n tokens to tokens (at least one token: the prompt) using the cache.
void generate_cached(KVCacheDecoder& dec, Sampler& sampler, std::vector<int>& tokens, int n, Rng& rng);
// The same without a cache: the model's full forward over the whole context for every new token.
void generate_uncached(TransformerLM& model, Sampler& sampler, std::vector<int>& tokens, int n, Rng& rng);

}  // namespace noam
