// The attention core (scores, causal softmax, p.v, and their backward) without the projections: the loops of
// core/attention.cpp copied as the baseline, and a candidate that stores each head's K and V transposed so the
// two dot products over the head dimension become loops over keys j, contiguous and vectorized without
// reassociating any sum. Measured by bench_kernels.cpp (layer/attention_core/...); bench only.
// Shapes: q (B,T,H*hd), k and v (B,T,H*hd) (MHA: one K/V head per query head), probs (B,H,T,T).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "matmul_candidates.h"

namespace noam::bench {

struct AttentionCore {
    int B, T, H, hd;
    std::vector<float> q, k, v, probs, ctx, dctx, dq, dk, dv;
    std::vector<float> kt, vt;    // candidate: per (b,h) K and V transposed, (hd, T)
    std::vector<float> dprow;     // one row of dprobs per (b,h) task, (B*H, T)
    std::vector<float> dscores;   // matmul candidate: dprobs, then dscores, per (b,h), (B,H,T,T)

    AttentionCore(int b, int t, int h, int d) : B(b), T(t), H(h), hd(d) {
        const size_t n = (size_t)B * T * H * hd;
        for (auto* x : {&q, &k, &v, &ctx, &dctx, &dq, &dk, &dv, &kt, &vt}) x->assign(n, 0.0f);
        probs.assign((size_t)B * H * T * T, 0.0f);
        dprow.assign((size_t)B * H * T, 0.0f);
        dscores.assign((size_t)B * H * T * T, 0.0f);
    }
    const float* row(const std::vector<float>& x, int b, int t, int h) const {
        return x.data() + ((size_t)b * T + t) * H * hd + (size_t)h * hd;
    }
    float* row(std::vector<float>& x, int b, int t, int h) { return x.data() + ((size_t)b * T + t) * H * hd + (size_t)h * hd; }
};

// ---- baseline: the loops of core/attention.cpp (MHA, causal, scaled) ----
inline void attention_core_forward_baseline(AttentionCore& a) {
    const int T = a.T, H = a.H, hd = a.hd;
    const float scale = 1.0f / std::sqrt((float)hd);
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < a.B * H; bh++) {
        const int b = bh / H, h = bh % H;
        for (int t = 0; t < T; t++) {
            const float* qt = a.row(a.q, b, t, h);
            float* row = a.probs.data() + ((size_t)bh * T + t) * T;
            float maxv = -std::numeric_limits<float>::infinity();
            for (int j = 0; j <= t; j++) {
                const float* kj = a.row(a.k, b, j, h);
                float s = 0.0f;
#pragma omp simd reduction(+ : s)
                for (int c = 0; c < hd; c++) s += qt[c] * kj[c];
                row[j] = s * scale;
                if (row[j] > maxv) maxv = row[j];
            }
            float sum = 0.0f;
            for (int j = 0; j <= t; j++) {
                row[j] = std::exp(row[j] - maxv);
                sum += row[j];
            }
            for (int j = 0; j <= t; j++) row[j] /= sum;
            for (int j = t + 1; j < T; j++) row[j] = 0.0f;
            float* ct = a.row(a.ctx, b, t, h);
            for (int c = 0; c < hd; c++) ct[c] = 0.0f;
            for (int j = 0; j <= t; j++) {
                const float* vj = a.row(a.v, b, j, h);
                for (int c = 0; c < hd; c++) ct[c] += row[j] * vj[c];
            }
        }
    }
}

inline void attention_core_backward_baseline(AttentionCore& a) {
    const int T = a.T, H = a.H, hd = a.hd;
    const float scale = 1.0f / std::sqrt((float)hd);
    std::fill(a.dq.begin(), a.dq.end(), 0.0f);
    std::fill(a.dk.begin(), a.dk.end(), 0.0f);
    std::fill(a.dv.begin(), a.dv.end(), 0.0f);
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < a.B * H; bh++) {
        const int b = bh / H, h = bh % H;
        float* dp = a.dprow.data() + (size_t)bh * T;
        for (int t = 0; t < T; t++) {
            const float* p = a.probs.data() + ((size_t)bh * T + t) * T;
            const float* dct = a.row(a.dctx, b, t, h);
            const float* qt = a.row(a.q, b, t, h);
            float* dqt = a.row(a.dq, b, t, h);
            float dot_pdp = 0.0f;
            for (int j = 0; j <= t; j++) {
                const float* vj = a.row(a.v, b, j, h);
                float* dvj = a.row(a.dv, b, j, h);
                float s = 0.0f;
#pragma omp simd reduction(+ : s)
                for (int c = 0; c < hd; c++) s += dct[c] * vj[c];
                for (int c = 0; c < hd; c++) dvj[c] += p[j] * dct[c];
                dp[j] = s;
                dot_pdp += p[j] * s;
            }
            for (int j = 0; j <= t; j++) {
                const float ds = p[j] * (dp[j] - dot_pdp) * scale;
                const float* kj = a.row(a.k, b, j, h);
                float* dkj = a.row(a.dk, b, j, h);
                for (int c = 0; c < hd; c++) {
                    dqt[c] += ds * kj[c];
                    dkj[c] += ds * qt[c];
                }
            }
        }
    }
}

// ---- candidate: K and V transposed per head, dot products as loops over j ----
// score_t[j] = sum_c q_t[c] kT[c][j]: for each c, one axpy over the visible keys j (contiguous in kT), so each
// score is summed in c order exactly like the textbook dot product, and the compiler vectorizes over j.
inline void attention_core_forward_candidate(AttentionCore& a) {
    const int T = a.T, H = a.H, hd = a.hd;
    const float scale = 1.0f / std::sqrt((float)hd);
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < a.B * H; bh++) {
        const int b = bh / H, h = bh % H;
        float* kt = a.kt.data() + (size_t)bh * hd * T;  // (hd, T)
        for (int j = 0; j < T; j++)
            for (int c = 0; c < hd; c++) kt[(size_t)c * T + j] = a.row(a.k, b, j, h)[c];
        for (int t = 0; t < T; t++) {
            const float* qt = a.row(a.q, b, t, h);
            float* row = a.probs.data() + ((size_t)bh * T + t) * T;
            const int n = t + 1;  // visible keys
            for (int j = 0; j < n; j++) row[j] = 0.0f;
            for (int c = 0; c < hd; c++) {
                const float qc = qt[c];
                const float* ktc = kt + (size_t)c * T;
                for (int j = 0; j < n; j++) row[j] += qc * ktc[j];
            }
            float maxv = -std::numeric_limits<float>::infinity();
            for (int j = 0; j < n; j++) {
                row[j] *= scale;
                maxv = row[j] > maxv ? row[j] : maxv;
            }
            float sum = 0.0f;
            for (int j = 0; j < n; j++) {
                row[j] = std::exp(row[j] - maxv);
                sum += row[j];
            }
            const float inv = 1.0f / sum;
            for (int j = 0; j < n; j++) row[j] *= inv;
            for (int j = n; j < T; j++) row[j] = 0.0f;
            float* ct = a.row(a.ctx, b, t, h);
            for (int c = 0; c < hd; c++) ct[c] = 0.0f;
            for (int j = 0; j < n; j++) {
                const float* vj = a.row(a.v, b, j, h);
                for (int c = 0; c < hd; c++) ct[c] += row[j] * vj[c];
            }
        }
    }
}

// dp_t[j] = sum_c dctx_t[c] vT[c][j] as axpys over j; the rest as the baseline (already contiguous over c).
inline void attention_core_backward_candidate(AttentionCore& a) {
    const int T = a.T, H = a.H, hd = a.hd;
    const float scale = 1.0f / std::sqrt((float)hd);
    std::fill(a.dq.begin(), a.dq.end(), 0.0f);
    std::fill(a.dk.begin(), a.dk.end(), 0.0f);
    std::fill(a.dv.begin(), a.dv.end(), 0.0f);
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < a.B * H; bh++) {
        const int b = bh / H, h = bh % H;
        float* dp = a.dprow.data() + (size_t)bh * T;
        float* vt = a.vt.data() + (size_t)bh * hd * T;  // (hd, T)
        for (int j = 0; j < T; j++)
            for (int c = 0; c < hd; c++) vt[(size_t)c * T + j] = a.row(a.v, b, j, h)[c];
        for (int t = 0; t < T; t++) {
            const float* p = a.probs.data() + ((size_t)bh * T + t) * T;
            const float* dct = a.row(a.dctx, b, t, h);
            const float* qt = a.row(a.q, b, t, h);
            float* dqt = a.row(a.dq, b, t, h);
            const int n = t + 1;
            for (int j = 0; j < n; j++) dp[j] = 0.0f;
            for (int c = 0; c < hd; c++) {
                const float dc = dct[c];
                const float* vtc = vt + (size_t)c * T;
                for (int j = 0; j < n; j++) dp[j] += dc * vtc[j];
            }
            float dot_pdp = 0.0f;
            for (int j = 0; j < n; j++) {
                float* dvj = a.row(a.dv, b, j, h);
                for (int c = 0; c < hd; c++) dvj[c] += p[j] * dct[c];
                dot_pdp += p[j] * dp[j];
            }
            for (int j = 0; j < n; j++) {
                const float ds = p[j] * (dp[j] - dot_pdp) * scale;
                const float* kj = a.row(a.k, b, j, h);
                float* dkj = a.row(a.dk, b, j, h);
                for (int c = 0; c < hd; c++) {
                    dqt[c] += ds * kj[c];
                    dkj[c] += ds * qt[c];
                }
            }
        }
    }
}

// ---- candidate: every product of a head as a matmul over strided views (PyTorch's bmm form) ----
// Per (b,h): S = Q K^T / sqrt(d_k) (T,T); P = causal softmax(S); ctx = P V. Backward: dP = dctx V^T, dV = P^T dctx,
// dS = P * (dP - rowsum(P * dP)) / sqrt(d_k), dQ = dS K, dK = dS^T Q. Q, K, V, ctx are (T,hd) views with row
// stride H*hd. The causal upper triangle is computed and masked (P = 0 there): twice the multiply-adds of the
// loops, at the matmul kernel's speed.
constexpr int kAttMR = 6, kAttNV = VW == 16 ? 1 : 2, kAttKC = 256;  // hd = 16..32 columns: one or two vectors

inline void attention_core_forward_matmul(AttentionCore& a) {
    const int T = a.T, H = a.H, hd = a.hd;
    const size_t ld = (size_t)H * hd;
    const float scale = 1.0f / std::sqrt((float)hd);
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < a.B * H; bh++) {
        const int b = bh / H, h = bh % H;
        const float* q = a.row(a.q, b, 0, h);
        const float* k = a.row(a.k, b, 0, h);
        const float* v = a.row(a.v, b, 0, h);
        float* p = a.probs.data() + (size_t)bh * T * T;
        // S (T,T) = Q (T,hd) @ K^T: B(c, j) = k[j*ld + c]
        matmul_views<kAttMR, VW == 16 ? 4 : 2, kAttKC>(p, T, q, ld, 1, k, 1, ld, T, hd, T, false);
        for (int t = 0; t < T; t++) {
            float* row = p + (size_t)t * T;
            float maxv = -std::numeric_limits<float>::infinity();
            for (int j = 0; j <= t; j++) {
                row[j] *= scale;
                maxv = row[j] > maxv ? row[j] : maxv;
            }
            float sum = 0.0f;
            for (int j = 0; j <= t; j++) {
                row[j] = std::exp(row[j] - maxv);
                sum += row[j];
            }
            for (int j = 0; j <= t; j++) row[j] /= sum;
            for (int j = t + 1; j < T; j++) row[j] = 0.0f;
        }
        // ctx (T,hd) = P (T,T) @ V (T,hd)
        matmul_views<kAttMR, kAttNV, kAttKC>(a.row(a.ctx, b, 0, h), ld, p, T, 1, v, ld, 1, T, T, hd, false);
    }
}

inline void attention_core_backward_matmul(AttentionCore& a) {
    const int T = a.T, H = a.H, hd = a.hd;
    const size_t ld = (size_t)H * hd;
    const float scale = 1.0f / std::sqrt((float)hd);
#pragma omp parallel for schedule(static)
    for (int bh = 0; bh < a.B * H; bh++) {
        const int b = bh / H, h = bh % H;
        const float* q = a.row(a.q, b, 0, h);
        const float* k = a.row(a.k, b, 0, h);
        const float* v = a.row(a.v, b, 0, h);
        const float* dctx = a.row(a.dctx, b, 0, h);
        const float* p = a.probs.data() + (size_t)bh * T * T;
        float* ds = a.dscores.data() + (size_t)bh * T * T;
        // dP (T,T) = dctx (T,hd) @ V^T ; dV (T,hd) = P^T (T,T) @ dctx
        matmul_views<kAttMR, VW == 16 ? 4 : 2, kAttKC>(ds, T, dctx, ld, 1, v, 1, ld, T, hd, T, false);
        matmul_views<kAttMR, kAttNV, kAttKC>(a.row(a.dv, b, 0, h), ld, p, 1, T, dctx, ld, 1, T, T, hd, false);
        // dS = P * (dP - sum_j P dP) / sqrt(d_k), row by row (zero above the diagonal since P is)
        for (int t = 0; t < T; t++) {
            float* row = ds + (size_t)t * T;
            const float* pt = p + (size_t)t * T;
            float dot = 0.0f;
            for (int j = 0; j <= t; j++) dot += pt[j] * row[j];
            for (int j = 0; j < T; j++) row[j] = pt[j] * (row[j] - dot) * scale;
        }
        // dQ (T,hd) = dS (T,T) @ K ; dK (T,hd) = dS^T @ Q
        matmul_views<kAttMR, kAttNV, kAttKC>(a.row(a.dq, b, 0, h), ld, ds, T, 1, k, ld, 1, T, T, hd, false);
        matmul_views<kAttMR, kAttNV, kAttKC>(a.row(a.dk, b, 0, h), ld, ds, 1, T, q, ld, 1, T, T, hd, false);
    }
}

}  // namespace noam::bench
