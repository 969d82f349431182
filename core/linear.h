// Linear layer: y = x W + b. The first of the building blocks; every projection in the model is one.
#pragma once
#include <string>
#include <vector>

#include "params.h"
#include "rng.h"

namespace noam {

struct Linear {
    int d_in = 0, d_out = 0;
    bool has_bias = false;
    int w_index = -1, b_index = -1;  // in the ParamStore
    ParamStore* store = nullptr;

    std::vector<float> w_t;  // (d_out, d_in) scratch: W transposed for dx = dy W^T
    const float* x_cache = nullptr;  // forward's input, read again by backward

    void declare(ParamStore& ps, const std::string& name, int in, int out, bool bias);
    void reserve(int max_rows);
    void init(Rng& rng, float std);  // W ~ N(0, std^2), b = 0

    // y (n, d_out) = x (n, d_in) @ W (d_in, d_out) + b
    void forward(const float* x, float* y, int n);
    // dx (n, d_in) += dy @ W^T ; dW += x^T @ dy ; db += column sums of dy
    void backward(const float* dy, float* dx, int n);
};

}  // namespace noam
