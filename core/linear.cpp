// Linear layer forward and backward, on top of the one matmul kernel.
#include "linear.h"

#include "matmul.h"

namespace noam {

void Linear::declare(ParamStore& ps, const std::string& name, int in, int out, bool bias) {
    store = &ps;
    d_in = in;
    d_out = out;
    has_bias = bias;
    w_index = ps.declare(name + ".w", {in, out});
    b_index = bias ? ps.declare(name + ".b", {out}) : -1;
}

void Linear::reserve(int max_rows) {
    w_t.assign((size_t)d_in * d_out, 0.0f);
}

void Linear::init(Rng& rng, float std) {
    float* w = store->w(w_index);
    for (size_t i = 0; i < (size_t)d_in * d_out; i++) w[i] = std * rng.normal();
    if (has_bias) {
        float* b = store->w(b_index);
        for (int j = 0; j < d_out; j++) b[j] = 0.0f;
    }
}

void Linear::forward(const float* x, float* y, int n) {
    x_cache = x;
    const float* w = store->w(w_index);
    if (has_bias) {
        const float* b = store->w(b_index);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d_out; j++) y[(size_t)i * d_out + j] = b[j];
    }
    // y = x W (+ b already in y)
    matmul(y, x, w, n, d_in, d_out, /*accumulate=*/has_bias);
}

void Linear::backward(const float* dy, float* dx, int n) {
    const float* w = store->w(w_index);
    float* dw = store->g(w_index);
    // dx += dy W^T : the kernel wants W^T laid out row-major, (d_out, d_in)
    if (dx) {
        transpose(w_t.data(), w, d_in, d_out);
        matmul(dx, dy, w_t.data(), n, d_out, d_in, true);
    }
    // dW += x^T dy : (d_in, n) @ (n, d_out), reading x (n, d_in) in place
    matmul_at(dw, x_cache, dy, d_in, n, d_out, true);
    // db += sum over rows of dy
    if (has_bias) {
        float* db = store->g(b_index);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d_out; j++) db[j] += dy[(size_t)i * d_out + j];
    }
}

}  // namespace noam
