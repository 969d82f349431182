// Finite-difference gradient checking shared by the gradient tests.
//
// Why these tolerances are right for float32: the forward runs in float32 (relative round-off ~1e-7 per
// operation, ~1e-6 after a few hundred ops), the loss is summed in double. A central difference with step h has
// truncation error O(h^2 f''') and round-off error O(1e-6 |L| / h). With h = 1e-2 on O(1) inputs both are
// ~1e-4 relative, so the normalized error NMSE = |a - n|^2 / |n|^2 of a correct backward is ~1e-7..1e-5,
// while a wrong term (a missing factor, a transposed index) gives NMSE ~1e-2 or more.
// We require NMSE < 1e-4, and check a random sample of coordinates of every tensor.
#pragma once
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "params.h"
#include "rng.h"

namespace noam::test {

struct GradCheckResult {
    double nmse = 0;
    int checked = 0;
    double worst_abs = 0;
    size_t worst_index = 0;
};

// loss(): recomputes the scalar loss from the current values of x (float32 forward, double sum).
// analytic: the backward's gradient for x. Checks up to max_coords coordinates chosen by rng.
inline GradCheckResult check_gradient(const std::function<double()>& loss, float* x, const float* analytic, size_t n,
                                      Rng& rng, float h = 1e-2f, int max_coords = 48) {
    GradCheckResult r;
    double err2 = 0, ref2 = 0;
    const int count = (int)std::min<size_t>(n, (size_t)max_coords);
    for (int c = 0; c < count; c++) {
        const size_t i = n <= (size_t)max_coords ? (size_t)c : (size_t)(rng.next_u64() % n);
        const float saved = x[i];
        x[i] = saved + h;
        const double up = loss();
        x[i] = saved - h;
        const double down = loss();
        x[i] = saved;
        const double numeric = (up - down) / (2.0 * h);
        const double diff = analytic[i] - numeric;
        err2 += diff * diff;
        ref2 += numeric * numeric;
        if (std::fabs(diff) > r.worst_abs) {
            r.worst_abs = std::fabs(diff);
            r.worst_index = i;
        }
        r.checked++;
    }
    r.nmse = err2 / std::max(ref2, 1e-20);
    return r;
}

// sum_i y_i r_i: a loss whose gradient with respect to y is the fixed random tensor r
inline double weighted_sum(const float* y, const std::vector<float>& r) {
    double s = 0;
    for (size_t i = 0; i < r.size(); i++) s += (double)y[i] * r[i];
    return s;
}

inline std::vector<float> random_vector(Rng& rng, size_t n, float scale = 1.0f) {
    std::vector<float> v(n);
    for (float& x : v) x = scale * rng.normal();
    return v;
}

#define EXPECT_GRAD_OK(result, what)                                                                         \
    EXPECT_LT((result).nmse, 1e-4) << (what) << ": NMSE " << (result).nmse << " over " << (result).checked \
                                   << " coordinates, worst |analytic - numeric| " << (result).worst_abs     \
                                   << " at index " << (result).worst_index                                 \
                                   << " (if only a few coordinates are off, an input may sit on a ReLU kink)"

// Runs forward+backward once for the analytic gradients, then checks the input (if any) and every parameter.
inline void check_layer(const std::string& what, ParamStore& ps, std::vector<float>* x,
                        const std::function<double()>& loss, const std::function<void(float* dx)>& backward,
                        uint64_t seed = 99, float h = 1e-2f) {
    ps.zero_grad();
    std::vector<float> dx(x ? x->size() : 0, 0.0f);
    loss();
    backward(x ? dx.data() : nullptr);
    const std::vector<float> grads = ps.grads;
    Rng rng(seed);
    if (x) {
        auto r = check_gradient(loss, x->data(), dx.data(), x->size(), rng, h);
        EXPECT_GRAD_OK(r, what + " d(input)");
    }
    for (size_t i = 0; i < ps.params.size(); i++) {
        const Param& p = ps.params[i];
        auto r = check_gradient(loss, ps.w((int)i), grads.data() + p.offset, p.size, rng, h);
        EXPECT_GRAD_OK(r, what + " d(" + p.name + ")");
    }
}

}  // namespace noam::test
