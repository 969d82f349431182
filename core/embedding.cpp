// Token and position embeddings.
#include "embedding.h"

#include <cmath>

namespace noam {

void sinusoidal_positions(float* out, int T, int d) {
    for (int pos = 0; pos < T; pos++)
        for (int i = 0; 2 * i < d; i++) {
            const double angle = pos / std::pow(10000.0, 2.0 * i / d);
            out[(size_t)pos * d + 2 * i] = (float)std::sin(angle);
            if (2 * i + 1 < d) out[(size_t)pos * d + 2 * i + 1] = (float)std::cos(angle);
        }
}

void Embedding::declare(ParamStore& ps, int vocab_size, int d_model, int seq_len, PosKind pos, bool scale_by_sqrt_d) {
    store = &ps;
    vocab = vocab_size;
    d = d_model;
    max_T = seq_len;
    pos_kind = pos;
    scale = scale_by_sqrt_d ? std::sqrt((float)d_model) : 1.0f;
    tok_index = ps.declare("embed.tokens", {vocab_size, d_model});
    if (pos == PosKind::Learned) pos_index = ps.declare("embed.positions", {seq_len, d_model});
    if (pos == PosKind::Sinusoidal) {
        sinusoid.assign((size_t)seq_len * d_model, 0.0f);
        sinusoidal_positions(sinusoid.data(), seq_len, d_model);
    }
}

void Embedding::init(Rng& rng) {
    // Scaled embeddings start at std d^-1/2 so that E * sqrt(d) has unit size, like the positions it is added to;
    // unscaled ones at 0.02 like GPT-2.
    const float tok_std = scale != 1.0f ? 1.0f / scale : 0.02f;
    float* e = store->w(tok_index);
    for (size_t i = 0; i < (size_t)vocab * d; i++) e[i] = tok_std * rng.normal();
    if (pos_index >= 0) {
        float* p = store->w(pos_index);
        for (size_t i = 0; i < (size_t)max_T * d; i++) p[i] = 0.02f * rng.normal();
    }
}

void Embedding::embed_at(const int* tokens, float* x, int n, int first_pos) const {
    const float* e = store->w(tok_index);
    const float* pos = pos_kind == PosKind::Learned ? store->w(pos_index)
                       : pos_kind == PosKind::Sinusoidal ? sinusoid.data() : nullptr;
    for (int i = 0; i < n; i++) {
        const int t = first_pos + i;
        const float* et = e + (size_t)tokens[i] * d;
        float* xt = x + (size_t)i * d;
        for (int c = 0; c < d; c++) xt[c] = et[c] * scale + (pos ? pos[(size_t)t * d + c] : 0.0f);
    }
}

void Embedding::forward(const int* tokens, float* x, int batch, int seq) {
    B = batch;
    T = seq;
    tokens_cache = tokens;
    for (int b = 0; b < B; b++) embed_at(tokens + (size_t)b * T, x + (size_t)b * T * d, T, 0);
}

void Embedding::backward(const float* dx) {
    float* de = store->g(tok_index);
    float* dpos = pos_index >= 0 ? store->g(pos_index) : nullptr;
    // Rows are added in order on one thread: tokens repeat, and the sum must not depend on the thread count.
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            const float* dxt = dx + ((size_t)b * T + t) * d;
            float* det = de + (size_t)tokens_cache[b * T + t] * d;
            for (int c = 0; c < d; c++) det[c] += dxt[c] * scale;
            if (dpos)
                for (int c = 0; c < d; c++) dpos[(size_t)t * d + c] += dxt[c];
        }
}

}  // namespace noam
