// LayerNorm and RMSNorm over the last dimension of (n, d) rows, one struct with a kind switch.
#pragma once
#include <string>
#include <vector>

#include "config.h"
#include "params.h"

namespace noam {

struct Norm {
    NormKind kind = NormKind::LayerNorm;
    int d = 0;
    float eps = 1e-5f;
    int gain_index = -1, bias_index = -1;  // RMSNorm has no bias
    ParamStore* store = nullptr;

    std::vector<float> mean, rstd;  // (n,) cached for backward
    const float* x_cache = nullptr;

    void declare(ParamStore& ps, const std::string& name, NormKind k, int dim);
    void reserve(int max_rows);
    void init();  // gain 1, bias 0

    // LayerNorm: y = (x - mean) / sqrt(var + eps) * g + b
    // RMSNorm:   y = x / sqrt(mean(x^2) + eps) * g
    void forward(const float* x, float* y, int n);
    void backward(const float* dy, float* dx, int n);  // dx +=, dg +=, db +=
};

}  // namespace noam
