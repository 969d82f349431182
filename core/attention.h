// Multi-head attention with n_kv_heads: one code path for MHA (n_kv_heads = n_heads), GQA (in between)
// and MQA (n_kv_heads = 1, Shazeer 2019). Query head h reads key/value head h / (n_heads / n_kv_heads).
// Two options, off by default, each with its forward and backward:
//   talking heads (Shazeer, Lan, Cheng, Ding, Hou 2020): the h attention logits are mixed across heads by a learned
//     (h, h) matrix before the softmax, and the h attention weights by another after it;
//   multi-dconv-head attention (Primer, So et al. 2021): a causal depthwise convolution along time, per channel,
//     after each of the Q, K and V projections.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "linear.h"

namespace noam {

struct Attention {
    int d_model = 0, n_heads = 0, n_kv_heads = 0, head_dim = 0;
    bool causal = true;
    bool scale_scores = true;  // divide scores by sqrt(d_k); off only to show why it is there
    bool talking_heads = false;
    int dconv_width = 0;       // 0: no convolution
    Linear wq, wk, wv, wo;     // (d, H*hd), (d, KV*hd), (d, KV*hd), (H*hd, d)
    ParamStore* store = nullptr;
    int talk_pre_index = -1, talk_post_index = -1;  // (H, H) each: P_l (logits) and P_w (weights), row = from head
    int dconv_index[3] = {-1, -1, -1};              // q, k, v taps: (width, H*hd), (width, KV*hd), (width, KV*hd)

    // activations cached for backward, sized once for (max_B, max_T)
    std::vector<float> q, k, v;  // (B,T,H*hd), (B,T,KV*hd), (B,T,KV*hd): what the attention reads (after dconv)
    std::vector<float> probs;    // (B,H,T,T) softmax(q k^T / sqrt(d_k)); zero above the diagonal when causal
    std::vector<float> ctx;      // (B,T,H*hd) probs @ v, heads side by side
    std::vector<float> dq, dk, dv, dctx;
    std::vector<float> dscores;  // (B*KV, T, T) dP, then dS, of one head at a time per parallel task
    // dconv only: the projections before the convolution, and their gradients
    std::vector<float> q_raw, k_raw, v_raw, dq_raw, dk_raw, dv_raw;
    // talking heads only, (B,H,T,T) each: S = q k^T / sqrt(d_k) before the first mix, W = the weights after the
    // second (ctx = W v; probs holds the softmax between the mixes), and the gradients of W, of the mixed logits
    // and of S
    std::vector<float> scores, mixed, d_mixed, d_logits, d_scores;
    int B = 0, T = 0;            // shape of the last forward

    void declare(ParamStore& ps, const std::string& name, int d, int heads, int kv_heads, bool is_causal,
                 bool talking = false, int dconv = 0);
    void reserve(int max_B, int max_T);
    // projections ~ N(0, init_scale^2 / fan_in); the mixing matrices start as the identity and the convolutions
    // as the identity tap [1, 0, 0], so either option starts out as plain multi-head attention
    void init(Rng& rng, float init_scale);

    // y (B,T,d) = Concat_h(softmax(Q_h K_g^T / sqrt(d_k)) V_g) W_o
    void forward(const float* x, float* y, int batch, int seq);
    void backward(const float* dy, float* dx);  // dx +=

    // the factor on q.k: 1/sqrt(d_k), or 1 when scaling is off
    float score_scale() const { return scale_scores ? 1.0f / std::sqrt((float)head_dim) : 1.0f; }

    // probability that query t of head h in sequence b gives to key j (with talking heads: the softmax output
    // between the two mixes)
    float prob(int b, int h, int t, int j) const { return probs[(((size_t)b * n_heads + h) * T + t) * T + j]; }

private:
    void attend_talking_heads();
    void backward_talking_heads();
};

// The pieces of attention the incremental decoder (kv_cache.cpp) shares with the training forward.

// softmax over row[0..n) in place, starting from the row's max
void softmax_row(float* row, int n);

// Rows [t0, t1) of a causal depthwise convolution along time, one filter per channel (Primer):
//   y[t][c] = sum_{i < width} w[i][c] x[t - i][c],  x[t < 0] = 0
// x points at row 0 of one sequence (rows of C floats); y at the output of row t0 (rows t0..t1-1 follow it).
void causal_dconv_forward(const float* w, int width, const float* x, float* y, int C, int t0, int t1);

// Talking-heads mix of H rows of n values: out[a][j] = sum_b M[b][a] in[b][j] (M as (from, to)), or with
// transpose out[a][j] = sum_b M[a][b] in[b][j] (the backward's direction). Head a's row is at in + a * stride.
void mix_heads(const float* M, bool transpose, int H, const float* in, size_t in_stride, float* out,
               size_t out_stride, int n);

}  // namespace noam
