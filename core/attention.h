// Multi-head attention with n_kv_heads: one code path for MHA (n_kv_heads = n_heads), GQA (in between)
// and MQA (n_kv_heads = 1, Shazeer 2019). Query head h reads key/value head h / (n_heads / n_kv_heads).
#pragma once
#include <string>
#include <vector>

#include "linear.h"

namespace noam {

struct Attention {
    int d_model = 0, n_heads = 0, n_kv_heads = 0, head_dim = 0;
    bool causal = true;
    bool scale_scores = true;  // divide scores by sqrt(d_k); off only to show why it is there
    Linear wq, wk, wv, wo;     // (d, H*hd), (d, KV*hd), (d, KV*hd), (H*hd, d)

    // activations cached for backward, sized once for (max_B, max_T)
    std::vector<float> q, k, v;  // (B,T,H*hd), (B,T,KV*hd), (B,T,KV*hd)
    std::vector<float> probs;    // (B,H,T,T) softmax(q k^T / sqrt(d_k)); zero above the diagonal when causal
    std::vector<float> ctx;      // (B,T,H*hd) probs @ v, heads side by side
    std::vector<float> dq, dk, dv, dctx;
    std::vector<float> dscores;  // (B*KV, T, T) dP, then dS, of one head at a time per parallel task
    int B = 0, T = 0;            // shape of the last forward

    void declare(ParamStore& ps, const std::string& name, int d, int heads, int kv_heads, bool is_causal);
    void reserve(int max_B, int max_T);
    void init(Rng& rng, float init_scale);

    // y (B,T,d) = Concat_h(softmax(Q_h K_g^T / sqrt(d_k)) V_g) W_o
    void forward(const float* x, float* y, int batch, int seq);
    void backward(const float* dy, float* dx);  // dx +=

    // probability that query t of head h in sequence b gives to key j
    float prob(int b, int h, int t, int j) const { return probs[(((size_t)b * n_heads + h) * T + t) * T + j]; }
};

}  // namespace noam
