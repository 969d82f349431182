// LayerNorm (Ba et al. 2016) and RMSNorm (Zhang & Sennrich 2019): forward and backward side by side.
#include "norm.h"

#include <cmath>

namespace noam {

void Norm::declare(ParamStore& ps, const std::string& name, NormKind k, int dim) {
    store = &ps;
    kind = k;
    d = dim;
    gain_index = ps.declare(name + ".g", {dim});
    bias_index = k == NormKind::LayerNorm ? ps.declare(name + ".b", {dim}) : -1;
}

void Norm::reserve(int max_rows) {
    mean.assign(max_rows, 0.0f);
    rstd.assign(max_rows, 0.0f);
}

void Norm::init() {
    float* g = store->w(gain_index);
    for (int j = 0; j < d; j++) g[j] = 1.0f;
    if (bias_index >= 0) {
        float* b = store->w(bias_index);
        for (int j = 0; j < d; j++) b[j] = 0.0f;
    }
}

void Norm::forward(const float* x, float* y, int n) {
    x_cache = x;
    const float* g = store->w(gain_index);
    const float* b = bias_index >= 0 ? store->w(bias_index) : nullptr;
    const bool layer_norm = kind == NormKind::LayerNorm;
#pragma omp parallel for schedule(static) if (n >= 64)
    for (int i = 0; i < n; i++) {
        const float* xi = x + (size_t)i * d;
        float* yi = y + (size_t)i * d;
        float m = 0.0f;
        if (layer_norm) {
            for (int j = 0; j < d; j++) m += xi[j];
            m /= d;
        }
        float v = 0.0f;  // variance (LayerNorm) or mean square (RMSNorm)
        for (int j = 0; j < d; j++) v += (xi[j] - m) * (xi[j] - m);
        v /= d;
        const float s = 1.0f / std::sqrt(v + eps);
        for (int j = 0; j < d; j++) yi[j] = (xi[j] - m) * s * g[j] + (b ? b[j] : 0.0f);
        mean[i] = m;
        rstd[i] = s;
    }
}

void Norm::backward(const float* dy, float* dx, int n) {
    const float* g = store->w(gain_index);
    float* dg = store->g(gain_index);
    float* db = bias_index >= 0 ? store->g(bias_index) : nullptr;
    const bool layer_norm = kind == NormKind::LayerNorm;
    // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * g
    // (RMSNorm: the same without the mean(dxhat) term, since it subtracts no mean)
#pragma omp parallel for schedule(static) if (n >= 64)
    for (int i = 0; i < n; i++) {
        const float* xi = x_cache + (size_t)i * d;
        const float* dyi = dy + (size_t)i * d;
        float* dxi = dx + (size_t)i * d;
        const float m = mean[i], s = rstd[i];
        float mean_dxhat = 0.0f, mean_dxhat_xhat = 0.0f;
        for (int j = 0; j < d; j++) {
            const float xhat = (xi[j] - m) * s;
            const float dxhat = dyi[j] * g[j];
            mean_dxhat += dxhat;
            mean_dxhat_xhat += dxhat * xhat;
        }
        mean_dxhat = layer_norm ? mean_dxhat / d : 0.0f;
        mean_dxhat_xhat /= d;
        for (int j = 0; j < d; j++) {
            const float xhat = (xi[j] - m) * s;
            dxi[j] += s * (dyi[j] * g[j] - mean_dxhat - xhat * mean_dxhat_xhat);
        }
    }
    // parameter gradients sum over rows: one thread, row order, so the sum never depends on thread count
    for (int i = 0; i < n; i++) {
        const float* xi = x_cache + (size_t)i * d;
        const float* dyi = dy + (size_t)i * d;
        for (int j = 0; j < d; j++) {
            dg[j] += dyi[j] * (xi[j] - mean[i]) * rstd[i];
            if (db) db[j] += dyi[j];
        }
    }
}

}  // namespace noam
