// Position-wise feed-forward network: FFN(x) = act(x W1 + b1) W2 + b2 (Vaswani et al. 2017), and the gated
// variants of "GLU Variants Improve Transformer" (Shazeer 2020): FFN(x) = (act(x W) * (x V)) W2.
#pragma once
#include <string>
#include <vector>

#include "linear.h"

namespace noam {

enum class FfnKind { ReLU, GELU, GELU_erf, Swish, SquaredReLU, GLU, Bilinear, ReGLU, GEGLU, SwiGLU };

const char* to_string(FfnKind k);
bool parse_ffn_kind(const std::string& s, FfnKind& out);  // false if unknown
bool is_gated(FfnKind k);

// The activation applied to x W (the gate, for the gated kinds) and its derivative.
float ffn_activation(FfnKind k, float z);
float ffn_activation_grad(FfnKind k, float z);

struct FFN {
    FfnKind kind = FfnKind::ReLU;
    int d_model = 0, d_hidden = 0;
    Linear w1;      // (d, hidden): the activation's input ("W" in the GLU paper)
    Linear v;       // (d, hidden): the gated kinds' linear value path ("V"); unused otherwise
    Linear w2;      // (hidden, d)
    std::vector<float> a, u, h;      // (n, hidden): x W1, x V, act(a) [* u]
    std::vector<float> dh, da, du;   // (n, hidden)
    int n = 0;

    void declare(ParamStore& ps, const std::string& name, FfnKind k, int d, int hidden, bool bias);
    void reserve(int max_rows);
    void init(Rng& rng, float init_scale);
    void forward(const float* x, float* y, int rows);
    void backward(const float* dy, float* dx);  // dx +=
};

}  // namespace noam
