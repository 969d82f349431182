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

// ---- Matching the ReLU FFN's parameters (GLU paper, section 2)
// A gated FFN has three matrices (W, V, W2) where the ReLU FFN has two (W1, W2): d x h + d x h + h x d against
// d x d_ff + d_ff x d. Equal when h = 2/3 d_ff (the paper: d_ff 3072 -> 2048). We round to the NEAREST integer,
// which keeps |3 h - 2 d_ff| <= 1, so a gated layer differs from the ReLU layer by at most d matrix weights
// (256 -> 171: +d; 128 -> 85: -d; 96 -> 64: 0). A multiple of 8 would suit vector units better but costs up
// to 12 d parameters of difference; the lesson is about equal budgets, so the budget wins.
int glu_matched_hidden(int d_ff);
// parameters of one FFN layer: W1 (d, hidden) [+ V (d, hidden) if gated] + W2 (hidden, d) [+ biases]
size_t ffn_param_count(FfnKind k, int d, int hidden, bool bias);
// One line for the model summary: "d_ff 256 -> 171 (2/3 for swiglu's three matrices; +64 params per layer
// vs the relu FFN)", or "" when the hidden size is d_ff itself.
std::string describe_ffn_hidden(FfnKind k, int d, int d_ff, int hidden, bool bias);

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
