// Scaled dot-product attention, multi-head, with shared key/value heads (MQA/GQA): forward and backward.
#include "attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "matmul.h"

namespace noam {

void Attention::declare(ParamStore& ps, const std::string& name, int d, int heads, int kv_heads, bool is_causal) {
    d_model = d;
    n_heads = heads;
    n_kv_heads = kv_heads;
    head_dim = d / heads;
    causal = is_causal;
    wq.declare(ps, name + ".wq", d, heads * head_dim, false);
    wk.declare(ps, name + ".wk", d, kv_heads * head_dim, false);
    wv.declare(ps, name + ".wv", d, kv_heads * head_dim, false);
    wo.declare(ps, name + ".wo", heads * head_dim, d, false);
}

void Attention::reserve(int max_B, int max_T) {
    const size_t n = (size_t)max_B * max_T;
    for (Linear* l : {&wq, &wk, &wv, &wo}) l->reserve((int)n);
    q.assign(n * n_heads * head_dim, 0.0f);
    k.assign(n * n_kv_heads * head_dim, 0.0f);
    v.assign(n * n_kv_heads * head_dim, 0.0f);
    ctx.assign(n * n_heads * head_dim, 0.0f);
    dq = q;
    dk = k;
    dv = v;
    dctx = ctx;
    probs.assign((size_t)max_B * n_heads * max_T * max_T, 0.0f);
    drow.assign((size_t)max_B * n_kv_heads * max_T, 0.0f);
    k_t = k;
    v_t = v;
}

void Attention::init(Rng& rng, float init_scale) {
    const float s = init_scale / std::sqrt((float)d_model);
    wq.init(rng, s);
    wk.init(rng, s);
    wv.init(rng, s);
    wo.init(rng, init_scale / std::sqrt((float)(n_heads * head_dim)));
}

// out (B*KV, hd, T) = the key (or value) heads of in (B, T, KV*hd), each transposed to (hd, T)
void Attention::transpose_heads(const float* in, float* out) const {
    const int KV = n_kv_heads, hd = head_dim;
#pragma omp parallel for schedule(static) if (B * KV > 1)
    for (int bg = 0; bg < B * KV; bg++) {
        const int b = bg / KV, g = bg % KV;
        for (int j = 0; j < T; j++)
            for (int c = 0; c < hd; c++)
                out[((size_t)bg * hd + c) * T + j] = in[((size_t)b * T + j) * KV * hd + (size_t)g * hd + c];
    }
}

void Attention::forward(const float* x, float* y, int batch, int seq) {
    B = batch;
    T = seq;
    const int n = B * T, H = n_heads, KV = n_kv_heads, hd = head_dim;
    const int heads_per_kv = H / KV;
    const size_t qs = (size_t)H * hd, kvs = (size_t)KV * hd;  // row strides of q and k/v
    wq.forward(x, q.data(), n);
    wk.forward(x, k.data(), n);
    wv.forward(x, v.data(), n);
    const float scale = scale_scores ? 1.0f / std::sqrt((float)hd) : 1.0f;
    transpose_heads(k.data(), k_t.data());

#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < B * H; bh++) {
        const int b = bh / H, h = bh % H, g = h / heads_per_kv;  // g: the key/value head this query head reads
        const float* kT = k_t.data() + ((size_t)b * KV + g) * hd * T;  // (hd, T): column j is k_j
        for (int t = 0; t < T; t++) {
            const float* qt = q.data() + ((size_t)b * T + t) * qs + (size_t)h * hd;
            float* row = probs.data() + ((size_t)bh * T + t) * T;
            const int last = causal ? t : T - 1;  // causal mask: keys j > t get probability 0
            // score[j] = q_t . k_j / sqrt(d_k), summed over c in the outer loop so that the inner loop runs
            // over the keys j, contiguous in kT: vector FMAs, no horizontal sums
            for (int j = 0; j <= last; j++) row[j] = 0.0f;
            for (int c = 0; c < hd; c++) {
                const float qc = qt[c] * scale;
                const float* kc = kT + (size_t)c * T;
                for (int j = 0; j <= last; j++) row[j] += qc * kc[j];
            }
            float maxv = -std::numeric_limits<float>::infinity();
            for (int j = 0; j <= last; j++) maxv = std::max(maxv, row[j]);
            // softmax over the visible keys (subtracting the max changes nothing but the round-off)
            float sum = 0.0f;
            for (int j = 0; j <= last; j++) {
                row[j] = std::exp(row[j] - maxv);
                sum += row[j];
            }
            for (int j = 0; j <= last; j++) row[j] /= sum;
            for (int j = last + 1; j < T; j++) row[j] = 0.0f;
            // ctx_t = sum_j p_j v_j
            float* ct = ctx.data() + ((size_t)b * T + t) * qs + (size_t)h * hd;
            for (int c = 0; c < hd; c++) ct[c] = 0.0f;
            for (int j = 0; j <= last; j++) {
                const float* vj = v.data() + ((size_t)b * T + j) * kvs + (size_t)g * hd;
                for (int c = 0; c < hd; c++) ct[c] += row[j] * vj[c];
            }
        }
    }
    wo.forward(ctx.data(), y, n);
}

void Attention::backward(const float* dy, float* dx) {
    const int n = B * T, H = n_heads, KV = n_kv_heads, hd = head_dim;
    const int heads_per_kv = H / KV;
    const size_t qs = (size_t)H * hd, kvs = (size_t)KV * hd;
    const float scale = scale_scores ? 1.0f / std::sqrt((float)hd) : 1.0f;

    std::fill(dctx.begin(), dctx.begin() + (size_t)n * qs, 0.0f);
    wo.backward(dy, dctx.data(), n);
    std::fill(dq.begin(), dq.begin() + (size_t)n * qs, 0.0f);
    std::fill(dk.begin(), dk.begin() + (size_t)n * kvs, 0.0f);
    std::fill(dv.begin(), dv.begin() + (size_t)n * kvs, 0.0f);

    transpose_heads(v.data(), v_t.data());
    // One task per (sequence, key/value head): the query heads that share a K/V head all add into the same
    // dk and dv, so they run in one task, in head order, and the sums do not depend on the thread count.
#pragma omp parallel for schedule(static)
    for (int bg = 0; bg < B * KV; bg++) {
        const int b = bg / KV, g = bg % KV;
        float* dp = drow.data() + (size_t)bg * T;
        const float* vT = v_t.data() + (size_t)bg * hd * T;  // (hd, T): column j is v_j
        for (int h = g * heads_per_kv; h < (g + 1) * heads_per_kv; h++) {
            for (int t = 0; t < T; t++) {
                const float* p = probs.data() + (((size_t)b * H + h) * T + t) * T;
                const float* dct = dctx.data() + ((size_t)b * T + t) * qs + (size_t)h * hd;
                const float* qt = q.data() + ((size_t)b * T + t) * qs + (size_t)h * hd;
                float* dqt = dq.data() + ((size_t)b * T + t) * qs + (size_t)h * hd;
                const int last = causal ? t : T - 1;
                // ctx_t = sum_j p_j v_j  =>  dp_j = dctx_t . v_j,  dv_j += p_j dctx_t
                for (int j = 0; j <= last; j++) dp[j] = 0.0f;
                for (int c = 0; c < hd; c++) {
                    const float dc = dct[c];
                    const float* vc = vT + (size_t)c * T;
                    for (int j = 0; j <= last; j++) dp[j] += dc * vc[j];
                }
                float dot_pdp = 0.0f;
                for (int j = 0; j <= last; j++) {
                    float* dvj = dv.data() + ((size_t)b * T + j) * kvs + (size_t)g * hd;
                    for (int c = 0; c < hd; c++) dvj[c] += p[j] * dct[c];
                    dot_pdp += p[j] * dp[j];
                }
                // softmax backward: dscore_j = p_j (dp_j - sum_k p_k dp_k)
                // score_j = q_t . k_j * scale  =>  dq_t += dscore_j k_j scale,  dk_j += dscore_j q_t scale
                for (int j = 0; j <= last; j++) {
                    const float ds = p[j] * (dp[j] - dot_pdp) * scale;
                    const float* kj = k.data() + ((size_t)b * T + j) * kvs + (size_t)g * hd;
                    float* dkj = dk.data() + ((size_t)b * T + j) * kvs + (size_t)g * hd;
                    for (int c = 0; c < hd; c++) {
                        dqt[c] += ds * kj[c];
                        dkj[c] += ds * qt[c];
                    }
                }
            }
        }
    }
    wq.backward(dq.data(), dx, n);
    wk.backward(dk.data(), dx, n);
    wv.backward(dv.data(), dx, n);
}

}  // namespace noam
