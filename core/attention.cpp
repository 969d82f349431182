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
    dscores.assign((size_t)max_B * n_kv_heads * max_T * max_T, 0.0f);
}

void Attention::init(Rng& rng, float init_scale) {
    const float s = init_scale / std::sqrt((float)d_model);
    wq.init(rng, s);
    wk.init(rng, s);
    wv.init(rng, s);
    wo.init(rng, init_scale / std::sqrt((float)(n_heads * head_dim)));
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

    // One task per (sequence, query head); each is two small matrix products around a row-wise softmax.
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < B * H; bh++) {
        const int b = bh / H, h = bh % H, g = h / heads_per_kv;  // g: the key/value head this query head reads
        const float* qh = q.data() + (size_t)b * T * qs + (size_t)h * hd;   // (T, hd), row stride qs
        const float* kg = k.data() + (size_t)b * T * kvs + (size_t)g * hd;  // (T, hd), row stride kvs
        const float* vg = v.data() + (size_t)b * T * kvs + (size_t)g * hd;
        float* p = probs.data() + (size_t)bh * T * T;                        // (T, T)
        // scores (T, T) = Q_h K_g^T   (K^T: the same memory as K with its strides swapped)
        matmul_view(p, T, qh, qs, 1, kg, 1, kvs, T, hd, T, false);
        for (int t = 0; t < T; t++) {
            float* row = p + (size_t)t * T;
            const int last = causal ? t : T - 1;  // causal mask: keys j > t get probability 0
            // softmax(score / sqrt(d_k)) over the visible keys (subtracting the max changes only the round-off)
            float maxv = -std::numeric_limits<float>::infinity();
            for (int j = 0; j <= last; j++) {
                row[j] *= scale;
                maxv = std::max(maxv, row[j]);
            }
            float sum = 0.0f;
            for (int j = 0; j <= last; j++) {
                row[j] = std::exp(row[j] - maxv);
                sum += row[j];
            }
            for (int j = 0; j <= last; j++) row[j] /= sum;
            for (int j = last + 1; j < T; j++) row[j] = 0.0f;
        }
        // ctx_h (T, hd) = P V_g : row t is sum_j p_tj v_j, written into the head's columns of ctx
        matmul_view(ctx.data() + (size_t)b * T * qs + (size_t)h * hd, qs, p, T, 1, vg, kvs, 1, T, T, hd, false);
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
    std::fill(dk.begin(), dk.begin() + (size_t)n * kvs, 0.0f);
    std::fill(dv.begin(), dv.begin() + (size_t)n * kvs, 0.0f);

    // One task per (sequence, key/value head): the query heads that share a K/V head all add into the same
    // dk and dv, so they run in one task, in head order, and the sums do not depend on the thread count.
#pragma omp parallel for schedule(static)
    for (int bg = 0; bg < B * KV; bg++) {
        const int b = bg / KV, g = bg % KV;
        const float* kg = k.data() + (size_t)b * T * kvs + (size_t)g * hd;
        const float* vg = v.data() + (size_t)b * T * kvs + (size_t)g * hd;
        float* dkg = dk.data() + (size_t)b * T * kvs + (size_t)g * hd;
        float* dvg = dv.data() + (size_t)b * T * kvs + (size_t)g * hd;
        float* ds = dscores.data() + (size_t)bg * T * T;  // (T, T) scratch of this task
        for (int h = g * heads_per_kv; h < (g + 1) * heads_per_kv; h++) {
            const float* p = probs.data() + ((size_t)b * H + h) * T * T;
            const float* qh = q.data() + (size_t)b * T * qs + (size_t)h * hd;
            const float* dch = dctx.data() + (size_t)b * T * qs + (size_t)h * hd;
            float* dqh = dq.data() + (size_t)b * T * qs + (size_t)h * hd;
            // ctx = P V  =>  dP (T, T) = dctx V^T ,  dV += P^T dctx
            matmul_view(ds, T, dch, qs, 1, vg, 1, kvs, T, hd, T, false);
            matmul_view(dvg, kvs, p, 1, T, dch, qs, 1, T, T, hd, true);
            // softmax backward, row by row: dscore_tj = p_tj (dp_tj - sum_k p_tk dp_tk), times the 1/sqrt(d_k)
            // of score = q.k / sqrt(d_k); zero above the diagonal, where p is
            for (int t = 0; t < T; t++) {
                const float* pt = p + (size_t)t * T;
                float* row = ds + (size_t)t * T;
                float dot = 0.0f;
                for (int j = 0; j < T; j++) dot += pt[j] * row[j];
                for (int j = 0; j < T; j++) row[j] = pt[j] * (row[j] - dot) * scale;
            }
            // score = Q K^T  =>  dQ_h = dS K_g ,  dK_g += dS^T Q_h
            matmul_view(dqh, qs, ds, T, 1, kg, kvs, 1, T, T, hd, false);
            matmul_view(dkg, kvs, ds, 1, T, qh, qs, 1, T, T, hd, true);
        }
    }
    wq.backward(dq.data(), dx, n);
    wk.backward(dk.data(), dx, n);
    wv.backward(dv.data(), dx, n);
}

}  // namespace noam
