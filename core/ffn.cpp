// Feed-forward variants: the activations with their derivatives beside them, then forward and backward.
#include "ffn.h"

#include <algorithm>
#include <cmath>

namespace noam {

const char* to_string(FfnKind k) {
    switch (k) {
        case FfnKind::ReLU: return "relu";
        case FfnKind::GELU: return "gelu";
        case FfnKind::GELU_erf: return "gelu_erf";
        case FfnKind::Swish: return "swish";
        case FfnKind::SquaredReLU: return "squared_relu";
        case FfnKind::GLU: return "glu";
        case FfnKind::Bilinear: return "bilinear";
        case FfnKind::ReGLU: return "reglu";
        case FfnKind::GEGLU: return "geglu";
        case FfnKind::SwiGLU: return "swiglu";
    }
    return "?";
}

bool parse_ffn_kind(const std::string& s, FfnKind& out) {
    for (FfnKind k : {FfnKind::ReLU, FfnKind::GELU, FfnKind::GELU_erf, FfnKind::Swish, FfnKind::SquaredReLU,
                      FfnKind::GLU, FfnKind::Bilinear, FfnKind::ReGLU, FfnKind::GEGLU, FfnKind::SwiGLU})
        if (s == to_string(k)) {
            out = k;
            return true;
        }
    return false;
}

bool is_gated(FfnKind k) { return k >= FfnKind::GLU; }

static float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }
static const float kSqrt2OverPi = 0.7978845608028654f;

float ffn_activation(FfnKind k, float z) {
    switch (k) {
        case FfnKind::ReLU:
        case FfnKind::ReGLU: return z > 0.0f ? z : 0.0f;                       // max(0, z)
        case FfnKind::GELU:
        case FfnKind::GEGLU:  // GELU, tanh approximation: 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))
            return 0.5f * z * (1.0f + std::tanh(kSqrt2OverPi * (z + 0.044715f * z * z * z)));
        case FfnKind::GELU_erf: return 0.5f * z * (1.0f + std::erf(z * 0.7071067811865476f));  // z Phi(z)
        case FfnKind::Swish:
        case FfnKind::SwiGLU: return z * sigmoid(z);                            // Swish_1(z) = z sigmoid(z)
        case FfnKind::SquaredReLU: return z > 0.0f ? z * z : 0.0f;             // Primer: max(0, z)^2
        case FfnKind::GLU: return sigmoid(z);                                   // sigmoid(x W)
        case FfnKind::Bilinear: return z;                                       // x W, no nonlinearity
    }
    return 0.0f;
}

float ffn_activation_grad(FfnKind k, float z) {
    switch (k) {
        case FfnKind::ReLU:
        case FfnKind::ReGLU: return z > 0.0f ? 1.0f : 0.0f;
        case FfnKind::GELU:
        case FfnKind::GEGLU: {
            const float inner = kSqrt2OverPi * (z + 0.044715f * z * z * z);
            const float th = std::tanh(inner);
            const float dinner = kSqrt2OverPi * (1.0f + 3.0f * 0.044715f * z * z);
            return 0.5f * (1.0f + th) + 0.5f * z * (1.0f - th * th) * dinner;
        }
        case FfnKind::GELU_erf: {  // Phi(z) + z phi(z)
            const float cdf = 0.5f * (1.0f + std::erf(z * 0.7071067811865476f));
            const float pdf = 0.3989422804014327f * std::exp(-0.5f * z * z);
            return cdf + z * pdf;
        }
        case FfnKind::Swish:
        case FfnKind::SwiGLU: {
            const float s = sigmoid(z);
            return s + z * s * (1.0f - s);
        }
        case FfnKind::SquaredReLU: return z > 0.0f ? 2.0f * z : 0.0f;
        case FfnKind::GLU: {
            const float s = sigmoid(z);
            return s * (1.0f - s);
        }
        case FfnKind::Bilinear: return 1.0f;
    }
    return 0.0f;
}

int glu_matched_hidden(int d_ff) { return std::max(1, (int)std::lround(2.0 * d_ff / 3.0)); }

size_t ffn_param_count(FfnKind k, int d, int hidden, bool bias) {
    const size_t in = (size_t)d * hidden + (bias ? hidden : 0);  // x W (+ b), once more for x V when gated
    const size_t out = (size_t)hidden * d + (bias ? d : 0);      // h W2 (+ b2)
    return (is_gated(k) ? 2 : 1) * in + out;
}

std::string describe_ffn_hidden(FfnKind k, int d, int d_ff, int hidden, bool bias) {
    if (hidden == d_ff) return "";
    const long diff = (long)ffn_param_count(k, d, hidden, bias) - (long)ffn_param_count(FfnKind::ReLU, d, d_ff, bias);
    return "d_ff " + std::to_string(d_ff) + " -> " + std::to_string(hidden) + " (2/3 for " + to_string(k) +
           "'s three matrices; " + (diff > 0 ? "+" : "") + std::to_string(diff) + " params per layer vs the relu FFN)";
}

void FFN::declare(ParamStore& ps, const std::string& name, FfnKind k, int d, int hidden, bool bias) {
    kind = k;
    d_model = d;
    d_hidden = hidden;
    w1.declare(ps, name + ".w1", d, hidden, bias);
    if (is_gated(k)) v.declare(ps, name + ".v", d, hidden, bias);
    w2.declare(ps, name + ".w2", hidden, d, bias);
}

void FFN::reserve(int max_rows) {
    const size_t sz = (size_t)max_rows * d_hidden;
    w1.reserve(max_rows);
    w2.reserve(max_rows);
    a.assign(sz, 0.0f);
    h.assign(sz, 0.0f);
    dh.assign(sz, 0.0f);
    da.assign(sz, 0.0f);
    if (is_gated(kind)) {
        v.reserve(max_rows);
        u.assign(sz, 0.0f);
        du.assign(sz, 0.0f);
    }
}

void FFN::init(Rng& rng, float init_scale) {
    w1.init(rng, init_scale / std::sqrt((float)d_model));
    if (is_gated(kind)) v.init(rng, init_scale / std::sqrt((float)d_model));
    w2.init(rng, init_scale / std::sqrt((float)d_hidden));
}

// The elementwise loops, instantiated once per kind so that the switch inside ffn_activation() folds away
// and each loop compiles to straight-line (for ReLU, vectorized) code.
template <FfnKind K>
static void activation_forward(const float* a, const float* u, float* h, size_t n) {
    if constexpr (K >= FfnKind::GLU) {
        for (size_t i = 0; i < n; i++) h[i] = ffn_activation(K, a[i]) * u[i];  // act(x W) * (x V)
    } else {
        for (size_t i = 0; i < n; i++) h[i] = ffn_activation(K, a[i]);  // act(x W1 + b1)
    }
}

template <FfnKind K>
static void activation_backward(const float* a, const float* u, const float* dh, float* da, float* du, size_t n) {
    if constexpr (K >= FfnKind::GLU) {
        // h = act(a) * u  =>  da = dh * u * act'(a),  du = dh * act(a)
        for (size_t i = 0; i < n; i++) {
            da[i] = dh[i] * u[i] * ffn_activation_grad(K, a[i]);
            du[i] = dh[i] * ffn_activation(K, a[i]);
        }
    } else {
        for (size_t i = 0; i < n; i++) da[i] = dh[i] * ffn_activation_grad(K, a[i]);  // h = act(a)
    }
}

// calls F<kind>(args...) for the run-time kind
#define NOAM_DISPATCH_FFN(kind, fn, ...)                                                  \
    switch (kind) {                                                                       \
        case FfnKind::ReLU: fn<FfnKind::ReLU>(__VA_ARGS__); break;                        \
        case FfnKind::GELU: fn<FfnKind::GELU>(__VA_ARGS__); break;                        \
        case FfnKind::GELU_erf: fn<FfnKind::GELU_erf>(__VA_ARGS__); break;                \
        case FfnKind::Swish: fn<FfnKind::Swish>(__VA_ARGS__); break;                      \
        case FfnKind::SquaredReLU: fn<FfnKind::SquaredReLU>(__VA_ARGS__); break;          \
        case FfnKind::GLU: fn<FfnKind::GLU>(__VA_ARGS__); break;                          \
        case FfnKind::Bilinear: fn<FfnKind::Bilinear>(__VA_ARGS__); break;                \
        case FfnKind::ReGLU: fn<FfnKind::ReGLU>(__VA_ARGS__); break;                      \
        case FfnKind::GEGLU: fn<FfnKind::GEGLU>(__VA_ARGS__); break;                      \
        case FfnKind::SwiGLU: fn<FfnKind::SwiGLU>(__VA_ARGS__); break;                    \
    }

void FFN::forward(const float* x, float* y, int rows) {
    n = rows;
    const size_t sz = (size_t)n * d_hidden;
    w1.forward(x, a.data(), n);
    if (is_gated(kind)) v.forward(x, u.data(), n);
    NOAM_DISPATCH_FFN(kind, activation_forward, a.data(), u.data(), h.data(), sz);
    w2.forward(h.data(), y, n);
}

void FFN::backward(const float* dy, float* dx) {
    const size_t sz = (size_t)n * d_hidden;
    std::fill(dh.begin(), dh.begin() + sz, 0.0f);
    w2.backward(dy, dh.data(), n);
    NOAM_DISPATCH_FFN(kind, activation_backward, a.data(), u.data(), dh.data(), da.data(), du.data(), sz);
    if (is_gated(kind)) v.backward(du.data(), dx, n);
    w1.backward(da.data(), dx, n);
}

}  // namespace noam
