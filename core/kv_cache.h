// Incremental (autoregressive) decoding with a key/value cache (Shazeer 2019, "Fast Transformer Decoding"):
// each layer keeps the keys and values of every position so far, so a new token costs one row through every
// layer plus one pass over the cache, instead of the whole context again. The decoder reuses the model's
// weights and layers (Linear, Norm, FFN of TransformerLM's blocks) and owns only the cache and its scratch,
// both sized once (cache at seq_len), so decoding a token allocates nothing.
// It counts what every pass reads and computes, so the paper's memory-to-arithmetic ratio comes from real
// counts: per token, multi-head attention reads 2 * n * n_heads * d_k cache floats per layer, multi-query 1/h of it.
#pragma once
#include <vector>

#include "transformer.h"

namespace noam {

// One layer's cache: what attention reads (after dconv, if any). Values as rows of positions, heads side by side
// (the training forward's layout); keys transposed, so that one query's scores over many keys are a vector loop.
struct LayerKVCache {
    std::vector<float> k_t;                  // (KV, hd, kt_stride): K_g^T of every key/value head g, rows padded
    std::vector<float> v;                    // (max_T, KV*hd)
    std::vector<float> q_raw, k_raw, v_raw;  // dconv only, (max_T, H*hd | KV*hd): projections before the
                                             // convolution, whose last width-1 rows the next position needs
};

// Totals since the decoder was built (or reset_counts()).
struct DecodeCounts {
    long long tokens = 0;     // positions run through the model
    long long passes = 0;     // forward() calls (a pass reads every weight once, for all its positions)
    double kv_bytes = 0;      // K and V cache bytes attention read
    double conv_bytes = 0;    // dconv: bytes of earlier projected rows the convolutions read
    double weight_bytes = 0;  // parameter bytes read: every matrix and vector once per pass, the rows of the
                              // embedding table that were looked up (and the whole table again as a tied head)
    double flops = 0;         // 2 per multiply-add: TransformerLM::flops_per_token_at(keys) summed over positions
};

struct KVCacheDecoder {
    TransformerLM& model;
    int max_T = 0;       // cache capacity: the model's seq_len (its positions go no further)
    int max_chunk = 0;   // most positions one forward() takes
    int length = 0;      // positions in the cache
    int kt_stride = 0;   // row stride of the transposed keys: max_T rounded up to the score loop's chunk
    std::vector<LayerKVCache> layers;
    DecodeCounts counts;

    // scratch, sized once: (max_chunk, D) rows through the blocks; q and ctx (max_chunk, H*hd);
    // one query's attention row per head (H, max_T), twice for talking heads; logits (max_chunk, V)
    std::vector<float> x, a, s, h, c, f, q, ctx, k_new, att, att_mixed, logits;  // k_new (max_chunk, KV*hd)
    // ---- [decoding panel] the attention weights (of the values: talking heads after the second mix) of the last
    // position forward() ran, per layer and head, kept
    // only when keep_attention is set (the window draws them); (L, H, max_T), row (l, h) valid up to length
    bool keep_attention = false;
    std::vector<float> last_attention;

    // max_chunk 0: seq_len (a whole prompt in one pass). Throws std::invalid_argument for a non-causal model,
    // whose earlier positions would change with every new token.
    explicit KVCacheDecoder(TransformerLM& model, int max_chunk = 0);
    KVCacheDecoder(const KVCacheDecoder&) = delete;
    KVCacheDecoder& operator=(const KVCacheDecoder&) = delete;

    // Runs tokens (m) at positions length .. length+m-1, appends their keys and values to the cache and returns
    // their logits (m, V): row i scores the token after tokens[i]. The same numbers as the model's full forward
    // over the whole sequence, up to float round-off. Uses the layers' forward scratch: do not call it between a
    // training forward and its backward.
    const float* forward(const int* tokens, int m);
    // forward() over any number of tokens (that fit the cache), max_chunk at a time; the logits are not kept
    void prefill(const int* tokens, int m);
    // Forgets positions >= n (speculative decoding drops the rejected drafts this way).
    void truncate(int n);
    void reset() { truncate(0); }
    void reset_counts() { counts = DecodeCounts{}; }

    // parameter floats one pass over m positions reads (the DecodeCounts::weight_bytes rule, in floats)
    double weight_floats_per_pass(int m) const;

private:
    void attend(int layer, const float* xin, float* y, int m);
};

// The position-wise half of a block for m rows in the incremental path: pre-norm out = h + FFN(LN2(h)),
// post-norm out = LN2(h + FFN(h)); c and f are (m, D) scratch. The one place the decoder calls the FFN.
void decode_position_wise(Block& block, const float* h, float* out, float* c, float* f, int m);

}  // namespace noam
