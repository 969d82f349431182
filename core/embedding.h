// Input embedding: x_t = E[token_t] * sqrt(d_model) + PE(t), with sinusoidal, learned or no positions.
#pragma once
#include <string>
#include <vector>

#include "config.h"
#include "params.h"
#include "rng.h"

namespace noam {

// PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)); out is (T, d)
void sinusoidal_positions(float* out, int T, int d);

struct Embedding {
    int vocab = 0, d = 0, max_T = 0;
    PosKind pos_kind = PosKind::Sinusoidal;
    float scale = 1.0f;          // sqrt(d_model) when the config scales embeddings
    int tok_index = -1;          // (V, d)
    int pos_index = -1;          // (max_T, d), learned positions only
    ParamStore* store = nullptr;
    std::vector<float> sinusoid; // (max_T, d)
    const int* tokens_cache = nullptr;
    int B = 0, T = 0;

    void declare(ParamStore& ps, int vocab_size, int d_model, int seq_len, PosKind pos, bool scale_by_sqrt_d);
    void init(Rng& rng);
    void forward(const int* tokens, float* x, int batch, int seq);  // x (B,T,d)
    // x (n,d) for n tokens at positions first_pos.. (incremental decoding); caches nothing for backward
    void embed_at(const int* tokens, float* x, int n, int first_pos) const;
    void backward(const float* dx);                                 // dE +=, dPE +=
};

}  // namespace noam
