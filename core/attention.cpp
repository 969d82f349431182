// Scaled dot-product attention, multi-head, with shared key/value heads (MQA/GQA): forward and backward.
// Then the two options: talking heads (mixing across heads around the softmax) and Primer's depthwise
// convolutions after the projections.
#include "attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "matmul.h"

namespace noam {

void Attention::declare(ParamStore& ps, const std::string& name, int d, int heads, int kv_heads, bool is_causal,
                        bool talking, int dconv) {
    store = &ps;
    d_model = d;
    n_heads = heads;
    n_kv_heads = kv_heads;
    head_dim = d / heads;
    causal = is_causal;
    talking_heads = talking;
    dconv_width = dconv;
    wq.declare(ps, name + ".wq", d, heads * head_dim, false);
    wk.declare(ps, name + ".wk", d, kv_heads * head_dim, false);
    wv.declare(ps, name + ".wv", d, kv_heads * head_dim, false);
    wo.declare(ps, name + ".wo", heads * head_dim, d, false);
    if (talking_heads) {
        talk_pre_index = ps.declare(name + ".talk_logits", {heads, heads});
        talk_post_index = ps.declare(name + ".talk_weights", {heads, heads});
    }
    if (dconv_width > 0) {
        dconv_index[0] = ps.declare(name + ".dconv_q", {dconv_width, heads * head_dim});
        dconv_index[1] = ps.declare(name + ".dconv_k", {dconv_width, kv_heads * head_dim});
        dconv_index[2] = ps.declare(name + ".dconv_v", {dconv_width, kv_heads * head_dim});
    }
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
    if (dconv_width > 0) {
        q_raw = dq_raw = q;
        k_raw = dk_raw = k;
        v_raw = dv_raw = v;
    }
    if (talking_heads) scores = mixed = d_mixed = d_logits = d_scores = probs;
}

void Attention::init(Rng& rng, float init_scale) {
    const float s = init_scale / std::sqrt((float)d_model);
    wq.init(rng, s);
    wk.init(rng, s);
    wv.init(rng, s);
    wo.init(rng, init_scale / std::sqrt((float)(n_heads * head_dim)));
    if (talking_heads)
        for (int index : {talk_pre_index, talk_post_index}) {
            float* m = store->w(index);
            for (int a = 0; a < n_heads; a++)
                for (int b = 0; b < n_heads; b++) m[a * n_heads + b] = a == b ? 1.0f : 0.0f;
        }
    if (dconv_width > 0)
        for (int index : dconv_index) {
            float* w = store->w(index);
            const int C = store->params[index].shape[1];
            for (int i = 0; i < dconv_width; i++)
                for (int c = 0; c < C; c++) w[(size_t)i * C + c] = i == 0 ? 1.0f : 0.0f;
        }
}

void softmax_row(float* row, int n) {
    float maxv = -std::numeric_limits<float>::infinity();
    for (int j = 0; j < n; j++) maxv = std::max(maxv, row[j]);
    float sum = 0.0f;
    for (int j = 0; j < n; j++) {
        row[j] = std::exp(row[j] - maxv);
        sum += row[j];
    }
    for (int j = 0; j < n; j++) row[j] /= sum;
}

void causal_dconv_forward(const float* w, int width, const float* x, float* y, int C, int t0, int t1) {
    for (int t = t0; t < t1; t++) {
        float* yt = y + (size_t)(t - t0) * C;
        for (int c = 0; c < C; c++) yt[c] = 0.0f;
        // y[t][c] = sum_i w[i][c] x[t-i][c]
        for (int i = 0; i < width && i <= t; i++) {
            const float* wi = w + (size_t)i * C;
            const float* xs = x + (size_t)(t - i) * C;
            for (int c = 0; c < C; c++) yt[c] += wi[c] * xs[c];
        }
    }
}

// dx[t-i][c] += w[i][c] dy[t][c] ;  dw[i][c] += dy[t][c] x[t-i][c], summed over sequences and times in order
static void causal_dconv_backward(const float* w, float* dw, int width, const float* x, const float* dy, float* dx,
                                  int B, int T, int C) {
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++)  // channels are independent: each task owns column c of dx and of dw
        for (int b = 0; b < B; b++) {
            const size_t base = (size_t)b * T * C + c;
            for (int t = 0; t < T; t++) {
                const float g = dy[base + (size_t)t * C];
                for (int i = 0; i < width && i <= t; i++) {
                    dx[base + (size_t)(t - i) * C] += w[(size_t)i * C + c] * g;
                    dw[(size_t)i * C + c] += g * x[base + (size_t)(t - i) * C];
                }
            }
        }
}

void mix_heads(const float* M, bool transpose, int H, const float* in, size_t in_stride, float* out,
               size_t out_stride, int n) {
    for (int a = 0; a < H; a++) {
        float* o = out + (size_t)a * out_stride;
        for (int j = 0; j < n; j++) o[j] = 0.0f;
        for (int b = 0; b < H; b++) {
            const float m = transpose ? M[a * H + b] : M[b * H + a];
            const float* x = in + (size_t)b * in_stride;
            for (int j = 0; j < n; j++) o[j] += m * x[j];
        }
    }
}

void Attention::forward(const float* x, float* y, int batch, int seq) {
    B = batch;
    T = seq;
    const int n = B * T, H = n_heads, KV = n_kv_heads, hd = head_dim;
    const int heads_per_kv = H / KV;
    const size_t qs = (size_t)H * hd, kvs = (size_t)KV * hd;  // row strides of q and k/v
    if (dconv_width > 0) {
        // Primer: q = DConv(x W_q), k = DConv(x W_k), v = DConv(x W_v), each sequence on its own
        wq.forward(x, q_raw.data(), n);
        wk.forward(x, k_raw.data(), n);
        wv.forward(x, v_raw.data(), n);
        float* outs[3] = {q.data(), k.data(), v.data()};
        const float* ins[3] = {q_raw.data(), k_raw.data(), v_raw.data()};
        const size_t cols[3] = {qs, kvs, kvs};
        for (int m = 0; m < 3; m++)
            for (int b = 0; b < B; b++)
                causal_dconv_forward(store->w(dconv_index[m]), dconv_width, ins[m] + (size_t)b * T * cols[m],
                                     outs[m] + (size_t)b * T * cols[m], (int)cols[m], 0, T);
    } else {
        wq.forward(x, q.data(), n);
        wk.forward(x, k.data(), n);
        wv.forward(x, v.data(), n);
    }
    if (talking_heads) {
        attend_talking_heads();
        wo.forward(ctx.data(), y, n);
        return;
    }
    const float scale = score_scale();

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
            for (int j = 0; j <= last; j++) row[j] *= scale;
            softmax_row(row, last + 1);
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
    const float scale = score_scale();

    std::fill(dctx.begin(), dctx.begin() + (size_t)n * qs, 0.0f);
    wo.backward(dy, dctx.data(), n);
    std::fill(dk.begin(), dk.begin() + (size_t)n * kvs, 0.0f);
    std::fill(dv.begin(), dv.begin() + (size_t)n * kvs, 0.0f);

    if (talking_heads) {
        backward_talking_heads();
    } else {
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
    }
    if (dconv_width > 0) {
        // through the convolutions to the projections' outputs
        float* d_raw[3] = {dq_raw.data(), dk_raw.data(), dv_raw.data()};
        const float* d_out[3] = {dq.data(), dk.data(), dv.data()};
        const float* raw[3] = {q_raw.data(), k_raw.data(), v_raw.data()};
        const size_t cols[3] = {qs, kvs, kvs};
        for (int m = 0; m < 3; m++) {
            std::fill(d_raw[m], d_raw[m] + (size_t)n * cols[m], 0.0f);
            causal_dconv_backward(store->w(dconv_index[m]), store->g(dconv_index[m]), dconv_width, raw[m], d_out[m],
                                  d_raw[m], B, T, (int)cols[m]);
        }
        wq.backward(dq_raw.data(), dx, n);
        wk.backward(dk_raw.data(), dx, n);
        wv.backward(dv_raw.data(), dx, n);
        return;
    }
    wq.backward(dq.data(), dx, n);
    wk.backward(dk.data(), dx, n);
    wv.backward(dv.data(), dx, n);
}

// ---- talking heads (Shazeer et al. 2020) ----
// For each sequence b and query t, with the visible keys j (j <= t when causal):
//   S_h[t][j]   = q_h . k_g(h) / sqrt(d_k)                    logits, per head
//   L_a[t][j]   = sum_h P_l[h][a] S_h[t][j]                   mixed across heads
//   A_a[t][:]   = softmax(L_a[t][:])                          (probs)
//   W_c[t][j]   = sum_a P_w[a][c] A_a[t][j]                   mixed again (mixed)
//   ctx_c[t]    = sum_j W_c[t][j] v_g(c)[j]
// Every head's key/value head is its GQA group's, as without the mixing.
void Attention::attend_talking_heads() {
    const int H = n_heads, KV = n_kv_heads, hd = head_dim, heads_per_kv = H / KV;
    const size_t qs = (size_t)H * hd, kvs = (size_t)KV * hd, TT = (size_t)T * T;
    const float scale = score_scale(), *Pl = store->w(talk_pre_index), *Pw = store->w(talk_post_index);
    // S (T, T) per (sequence, head) = Q_h K_g^T / sqrt(d_k)
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < B * H; bh++) {
        const int b = bh / H, h = bh % H, g = h / heads_per_kv;
        float* s = scores.data() + (size_t)bh * TT;
        matmul_view(s, T, q.data() + (size_t)b * T * qs + (size_t)h * hd, qs, 1,
                    k.data() + (size_t)b * T * kvs + (size_t)g * hd, 1, kvs, T, hd, T, false);
        for (size_t i = 0; i < TT; i++) s[i] *= scale;
    }
    // the mixes run across heads, so one task per (sequence, query row) holds all H heads of that row
#pragma omp parallel for schedule(static)
    for (int bt = 0; bt < B * T; bt++) {
        const int b = bt / T, t = bt % T, visible = causal ? t + 1 : T;
        const size_t row = (size_t)b * H * TT + (size_t)t * T;  // head 0's row t; head h is h * TT further
        mix_heads(Pl, false, H, scores.data() + row, TT, probs.data() + row, TT, visible);
        for (int h = 0; h < H; h++) softmax_row(probs.data() + row + h * TT, visible);
        mix_heads(Pw, false, H, probs.data() + row, TT, mixed.data() + row, TT, visible);
        for (int h = 0; h < H; h++)
            for (int j = visible; j < T; j++) probs[row + h * TT + j] = mixed[row + h * TT + j] = 0.0f;
    }
    // ctx_c (T, hd) = W_c V_g
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < B * H; bh++) {
        const int b = bh / H, h = bh % H, g = h / heads_per_kv;
        matmul_view(ctx.data() + (size_t)b * T * qs + (size_t)h * hd, qs, mixed.data() + (size_t)bh * TT, T, 1,
                    v.data() + (size_t)b * T * kvs + (size_t)g * hd, kvs, 1, T, T, hd, false);
    }
}

// The same steps in reverse:
//   dW_c = dctx_c V_g^T ,  dV_g += W_c^T dctx_c
//   dA_a = sum_c P_w[a][c] dW_c ,  dP_w[a][c] += sum_{b,t,j} A_a dW_c
//   dL_a = A_a (dA_a - sum_j A_a dA_a)                        softmax backward
//   dS_h = sum_a P_l[h][a] dL_a ,  dP_l[h][a] += sum_{b,t,j} S_h dL_a
//   dQ_h = dS_h K_g / sqrt(d_k) ,  dK_g += dS_h^T Q_h / sqrt(d_k)
void Attention::backward_talking_heads() {
    const int H = n_heads, KV = n_kv_heads, hd = head_dim, heads_per_kv = H / KV;
    const size_t qs = (size_t)H * hd, kvs = (size_t)KV * hd, TT = (size_t)T * T;
    const float scale = score_scale(), *Pl = store->w(talk_pre_index), *Pw = store->w(talk_post_index);
    // dW and dV: one task per (sequence, key/value head), its query heads in order (they share dV_g)
#pragma omp parallel for schedule(static)
    for (int bg = 0; bg < B * KV; bg++) {
        const int b = bg / KV, g = bg % KV;
        const float* vg = v.data() + (size_t)b * T * kvs + (size_t)g * hd;
        float* dvg = dv.data() + (size_t)b * T * kvs + (size_t)g * hd;
        for (int h = g * heads_per_kv; h < (g + 1) * heads_per_kv; h++) {
            const float* dch = dctx.data() + (size_t)b * T * qs + (size_t)h * hd;
            const size_t off = ((size_t)b * H + h) * TT;
            matmul_view(d_mixed.data() + off, T, dch, qs, 1, vg, 1, kvs, T, hd, T, false);
            matmul_view(dvg, kvs, mixed.data() + off, 1, T, dch, qs, 1, T, T, hd, true);
        }
    }
    // back through the second mix, the softmax and the first mix, one (sequence, query row) per task
#pragma omp parallel for schedule(static)
    for (int bt = 0; bt < B * T; bt++) {
        const int b = bt / T, t = bt % T, visible = causal ? t + 1 : T;
        const size_t row = (size_t)b * H * TT + (size_t)t * T;
        float* dl = d_logits.data() + row;
        mix_heads(Pw, true, H, d_mixed.data() + row, TT, dl, TT, visible);  // dA, then dL in place
        for (int a = 0; a < H; a++) {
            const float* p = probs.data() + row + a * TT;
            float* d = dl + a * TT;
            float dot = 0.0f;
            for (int j = 0; j < visible; j++) dot += p[j] * d[j];
            for (int j = 0; j < visible; j++) d[j] = p[j] * (d[j] - dot);
        }
        mix_heads(Pl, true, H, dl, TT, d_scores.data() + row, TT, visible);
        for (int h = 0; h < H; h++)
            for (int j = 0; j < T; j++) {
                float& ds = d_scores[row + h * TT + j];
                ds = j < visible ? ds * scale : 0.0f;  // d(q.k) = dS / sqrt(d_k)
                if (j >= visible) d_logits[row + h * TT + j] = d_mixed[row + h * TT + j] = 0.0f;
            }
    }
    // the mixing matrices' gradients: one task per matrix entry, summing over every (sequence, row, key) in order
    float* dPl = store->g(talk_pre_index);
    float* dPw = store->g(talk_post_index);
#pragma omp parallel for schedule(static)
    for (int ac = 0; ac < H * H; ac++) {
        const int a = ac / H, c = ac % H;
        double sum_w = 0.0, sum_l = 0.0;
        for (int b = 0; b < B; b++) {
            const size_t oa = ((size_t)b * H + a) * TT, oc = ((size_t)b * H + c) * TT;
            for (size_t i = 0; i < TT; i++) {
                sum_w += (double)probs[oa + i] * d_mixed[oc + i];   // dP_w[a][c]
                sum_l += (double)scores[oa + i] * d_logits[oc + i];  // dP_l[a][c]
            }
        }
        dPw[ac] += (float)sum_w;
        dPl[ac] += (float)sum_l;
    }
    // dQ and dK, as in plain attention
#pragma omp parallel for schedule(static)
    for (int bg = 0; bg < B * KV; bg++) {
        const int b = bg / KV, g = bg % KV;
        const float* kg = k.data() + (size_t)b * T * kvs + (size_t)g * hd;
        float* dkg = dk.data() + (size_t)b * T * kvs + (size_t)g * hd;
        for (int h = g * heads_per_kv; h < (g + 1) * heads_per_kv; h++) {
            const float* ds = d_scores.data() + ((size_t)b * H + h) * TT;
            matmul_view(dq.data() + (size_t)b * T * qs + (size_t)h * hd, qs, ds, T, 1, kg, kvs, 1, T, T, hd, false);
            matmul_view(dkg, kvs, ds, 1, T, q.data() + (size_t)b * T * qs + (size_t)h * hd, qs, 1, T, T, hd, true);
        }
    }
}

}  // namespace noam
