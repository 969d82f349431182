// The KV-cached incremental forward: the model's layers, one chunk of new positions at a time.
#include "kv_cache.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace noam {

// The score loop's tiling: keys per block (a (d_k, 256) block of K^T, 32 KB at d_k 32, stays in L1 while every
// query head sharing it runs), and keys per register chunk (four AVX-512 vectors).
constexpr int kKeyBlock = 256, kChunk = 64;

KVCacheDecoder::KVCacheDecoder(TransformerLM& m, int chunk) : model(m) {
    const ModelConfig& cfg = model.cfg;
    if (!cfg.causal)
        throw std::invalid_argument("decoding needs a causal model (model.causal is false): without the mask every "
                                    "position would change with each new token, and there is nothing to cache");
    if (cfg.moe.enabled() && cfg.moe.router == RouterKind::ExpertChoice)
        throw std::invalid_argument("decoding needs each token's experts to depend on that token alone: expert-choice "
                                    "routing (model.moe.router) lets each expert pick among all the tokens at once");
    max_T = cfg.seq_len;
    max_chunk = chunk > 0 ? std::min(chunk, max_T) : max_T;
    kt_stride = (max_T + kChunk - 1) / kChunk * kChunk;
    const int D = cfg.d_model, H = cfg.n_heads, hd = cfg.head_dim(), V = cfg.vocab_size;
    const size_t qs = (size_t)H * hd, kvs = (size_t)cfg.kv_heads() * hd;
    layers.resize(cfg.n_layers);
    for (LayerKVCache& L : layers) {
        L.k_t.assign((size_t)kt_stride * kvs, 0.0f);
        L.v.assign((size_t)max_T * kvs, 0.0f);
        if (cfg.attention_dconv > 0) {
            L.q_raw.assign((size_t)max_T * qs, 0.0f);
            L.k_raw.assign((size_t)max_T * kvs, 0.0f);
            L.v_raw.assign((size_t)max_T * kvs, 0.0f);
        }
    }
    for (auto* buf : {&x, &a, &s, &h, &c, &f}) buf->assign((size_t)max_chunk * D, 0.0f);
    q.assign((size_t)max_chunk * qs, 0.0f);
    ctx = q;
    k_new.assign((size_t)max_chunk * kvs, 0.0f);
    att.assign((size_t)H * max_T, 0.0f);
    if (cfg.talking_heads) att_mixed = att;
    last_attention.assign((size_t)cfg.n_layers * H * max_T, 0.0f);
    logits.assign((size_t)max_chunk * V, 0.0f);
}

void KVCacheDecoder::prefill(const int* tokens, int m) {
    for (int done = 0; done < m; done += max_chunk) forward(tokens + done, std::min(max_chunk, m - done));
}

void KVCacheDecoder::truncate(int n) {
    if (n < 0 || n > length)
        throw std::invalid_argument("decoder.truncate: " + std::to_string(n) + " is outside the cache's " +
                                    std::to_string(length) + " positions");
    length = n;  // rows >= n are simply overwritten by the next forward
}

double KVCacheDecoder::weight_floats_per_pass(int m) const {
    const ModelConfig& cfg = model.cfg;
    const double D = cfg.d_model, V = cfg.vocab_size;
    const double table = V * D, positions = cfg.positions == PosKind::Learned ? (double)cfg.seq_len * D : 0.0;
    // every parameter once, except the embedding tables, of which only the looked-up rows are read
    double floats = (double)model.num_params() - table - positions;
    floats += m * D + (positions > 0 ? m * D : 0.0);
    if (cfg.tie_embeddings) floats += table;  // the head reads the whole table: logits = h E^T
    return floats;
}

// sum_i a[i] b[i]; the simd reduction lets the compiler keep several partial sums (a fixed order, so still
// deterministic)
static inline float dot(const float* a, const float* b, int n) {
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int i = 0; i < n; i++) sum += a[i] * b[i];
    return sum;
}

// y (m, D) = attention of m new rows xin (m, D) at positions length.., over the cache plus themselves.
void KVCacheDecoder::attend(int layer, const float* xin, float* y, int m) {
    Attention& at = model.blocks[layer].attn;
    LayerKVCache& L = layers[layer];
    const int H = at.n_heads, KV = at.n_kv_heads, hd = at.head_dim, heads_per_kv = H / KV, p0 = length;
    const size_t qs = (size_t)H * hd, kvs = (size_t)KV * hd;
    const float scale = at.score_scale();

    // q, k, v of the new rows; v goes straight into the cache at its positions, k through k_new into K^T
    if (at.dconv_width > 0) {
        // Primer: the convolution of position t reads the projections of t-1 .. t-width+1, kept in the cache
        at.wq.forward(xin, L.q_raw.data() + p0 * qs, m);
        at.wk.forward(xin, L.k_raw.data() + p0 * kvs, m);
        at.wv.forward(xin, L.v_raw.data() + p0 * kvs, m);
        const ParamStore& ps = model.params;
        causal_dconv_forward(ps.w(at.dconv_index[0]), at.dconv_width, L.q_raw.data(), q.data(), (int)qs, p0, p0 + m);
        causal_dconv_forward(ps.w(at.dconv_index[1]), at.dconv_width, L.k_raw.data(), k_new.data(), (int)kvs, p0,
                             p0 + m);
        causal_dconv_forward(ps.w(at.dconv_index[2]), at.dconv_width, L.v_raw.data(), L.v.data() + p0 * kvs,
                             (int)kvs, p0, p0 + m);
        for (int i = 0; i < m; i++)
            counts.conv_bytes += sizeof(float) * (double)std::min(at.dconv_width - 1, p0 + i) * (qs + 2 * kvs);
    } else {
        at.wq.forward(xin, q.data(), m);
        at.wk.forward(xin, k_new.data(), m);
        at.wv.forward(xin, L.v.data() + p0 * kvs, m);
    }
    for (int i = 0; i < m; i++)
        for (size_t e = 0; e < kvs; e++) L.k_t[e * kt_stride + p0 + i] = k_new[i * kvs + e];

    for (int i = 0; i < m; i++) {
        const int n = p0 + i + 1;  // keys 0 .. p0+i: the cache and the new rows up to this one (causal)
        const float* qi = q.data() + (size_t)i * qs;
        float* ci = ctx.data() + (size_t)i * qs;
        // scores: att[h][j] = q_h . k_g[j] / sqrt(d_k) = sum_e q_h[e] K_g^T[e][j] / sqrt(d_k): kChunk keys at a time
        // in registers, summed over e. Block by block, every query head that shares the block's K/V head reads it
        // while it is in L1: the cache comes from memory once per token whatever the number of query heads
        // (MQA: 1/h of MHA's bytes).
        for (int j0 = 0; j0 < n; j0 += kKeyBlock)
            for (int hq = 0; hq < H; hq++) {
                const int g = hq / heads_per_kv;
                const float* kt_g = L.k_t.data() + (size_t)g * hd * kt_stride;
                float* sc = att.data() + (size_t)hq * max_T;
                for (int j = j0; j < std::min(j0 + kKeyBlock, n); j += kChunk) {
                    float acc[kChunk] = {};
                    for (int e = 0; e < hd; e++) {
                        const float qe = qi[hq * hd + e] * scale;
                        const float* kt = kt_g + (size_t)e * kt_stride + j;  // rows padded to kt_stride: no overrun
                        for (int u = 0; u < kChunk; u++) acc[u] += qe * kt[u];
                    }
                    for (int u = 0; u < kChunk && j + u < n; u++) sc[j + u] = acc[u];
                }
            }
        float* w = att.data();  // (H, n) the weights of the values
        if (at.talking_heads) {
            // logits mixed across heads, softmax, weights mixed across heads (see Attention::attend_talking_heads)
            const ParamStore& ps = model.params;
            mix_heads(ps.w(at.talk_pre_index), false, H, att.data(), max_T, att_mixed.data(), max_T, n);
            for (int hq = 0; hq < H; hq++) softmax_row(att_mixed.data() + (size_t)hq * max_T, n);
            mix_heads(ps.w(at.talk_post_index), false, H, att_mixed.data(), max_T, att.data(), max_T, n);
        } else {
            for (int hq = 0; hq < H; hq++) softmax_row(att.data() + (size_t)hq * max_T, n);
        }
        if (keep_attention && i == m - 1)  // [decoding panel] the newest position's rows, for the picture
            for (int hq = 0; hq < H; hq++)
                std::copy(w + (size_t)hq * max_T, w + (size_t)hq * max_T + n,
                          last_attention.begin() + ((size_t)layer * H + hq) * max_T);
        // ctx_h = sum_j w_h[j] v_g[j]: 16 channels at a time in registers, two keys interleaved (two independent
        // sums); block by block, so the query heads sharing a value head read its rows from L1
        for (size_t e = 0; e < qs; e++) ci[e] = 0.0f;
        for (int j0 = 0; j0 < n; j0 += kKeyBlock) {
            const int j1 = std::min(j0 + kKeyBlock, n);
            for (int hq = 0; hq < H; hq++) {
                const float* wh = w + (size_t)hq * max_T;
                const float* vg = L.v.data() + (hq / heads_per_kv) * hd;
                float* ch = ci + hq * hd;
                for (int e0 = 0; e0 < hd; e0 += 16) {
                    if (hd - e0 < 16) {  // a ragged last chunk (d_k not a multiple of 16)
                        for (int j = j0; j < j1; j++)
                            for (int e = e0; e < hd; e++) ch[e] += wh[j] * vg[(size_t)j * kvs + e];
                        break;
                    }
                    float a0[16] = {}, a1[16] = {};
                    int j = j0;
                    for (; j + 1 < j1; j += 2) {
                        const float* v0 = vg + (size_t)j * kvs + e0;
                        const float* v1 = v0 + kvs;
                        for (int u = 0; u < 16; u++) {
                            a0[u] += wh[j] * v0[u];
                            a1[u] += wh[j + 1] * v1[u];
                        }
                    }
                    if (j < j1)
                        for (int u = 0; u < 16; u++) a0[u] += wh[j] * vg[(size_t)j * kvs + e0 + u];
                    for (int u = 0; u < 16; u++) ch[e0 + u] += a0[u] + a1[u];
                }
            }
        }
        counts.kv_bytes += sizeof(float) * 2.0 * (double)n * kvs;  // every K and V row of the cache, once
    }
    at.wo.forward(ctx.data(), y, m);
}

// The block's FFN, or its Mixture-of-Experts (routing the new positions only: each token's experts depend on
// that token alone for the token-choice routers, as long as no expert is over capacity).
static void position_wise(Block& block, const float* x, float* y, int m) {
    if (block.use_moe) block.moe.forward(x, y, m);
    else block.ffn.forward(x, y, m);
}

void decode_position_wise(Block& block, const float* h, float* out, float* c, float* f, int m) {
    const size_t sz = (size_t)m * block.norm2.d;
    if (block.placement == NormPlacement::PreNorm) {
        // out = h + FFN(LN2(h))
        block.norm2.forward(h, c, m);
        position_wise(block, c, f, m);
        for (size_t i = 0; i < sz; i++) out[i] = h[i] + f[i];
    } else {
        // out = LN2(h + FFN(h))
        position_wise(block, h, f, m);
        for (size_t i = 0; i < sz; i++) c[i] = h[i] + f[i];
        block.norm2.forward(c, out, m);
    }
}

const float* KVCacheDecoder::forward(const int* tokens, int m) {
    const ModelConfig& cfg = model.cfg;
    const int D = cfg.d_model, V = cfg.vocab_size;
    if (m <= 0 || m > max_chunk)
        throw std::invalid_argument("decoder.forward: " + std::to_string(m) + " tokens in one pass (1 to " +
                                    std::to_string(max_chunk) + ")");
    if (length + m > max_T)
        throw std::length_error("decoder.forward: the cache holds " + std::to_string(max_T) + " positions (seq_len); " +
                                std::to_string(length) + " are used and " + std::to_string(m) + " more do not fit");
    for (int i = 0; i < m; i++)
        if (tokens[i] < 0 || tokens[i] >= V)
            throw std::invalid_argument("decoder.forward: token id " + std::to_string(tokens[i]) +
                                        " outside the vocabulary");
    const size_t sz = (size_t)m * D;

    model.embed.embed_at(tokens, x.data(), m, length);
    for (int l = 0; l < cfg.n_layers; l++) {
        Block& b = model.blocks[l];
        // the attention half; x becomes the block's output, as in Block::forward
        if (b.placement == NormPlacement::PreNorm) {
            b.norm1.forward(x.data(), a.data(), m);  // h = x + Attn(LN1(x))
            attend(l, a.data(), s.data(), m);
            for (size_t i = 0; i < sz; i++) h[i] = x[i] + s[i];
        } else {
            attend(l, x.data(), s.data(), m);  // h = LN1(x + Attn(x))
            for (size_t i = 0; i < sz; i++) a[i] = x[i] + s[i];
            b.norm1.forward(a.data(), h.data(), m);
        }
        decode_position_wise(b, h.data(), x.data(), c.data(), f.data(), m);
    }
    const float* hf = x.data();
    if (cfg.placement == NormPlacement::PreNorm) {
        model.final_norm.forward(x.data(), a.data(), m);
        hf = a.data();
    }
    if (cfg.tie_embeddings) {
        // logits = h E^T, one dot product per vocabulary row of E
        const float* E = model.params.w(model.embed.tok_index);
        for (int i = 0; i < m; i++)
            for (int t = 0; t < V; t++) logits[(size_t)i * V + t] = dot(hf + (size_t)i * D, E + (size_t)t * D, D);
    } else {
        model.lm_head.forward(hf, logits.data(), m);
    }

    counts.passes++;
    counts.tokens += m;
    counts.weight_bytes += sizeof(float) * weight_floats_per_pass(m);
    for (int i = 0; i < m; i++) counts.flops += model.flops_per_token_at(length + i + 1);
    length += m;
    return logits.data();
}

}  // namespace noam
