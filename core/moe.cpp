// The MoE layer: route, dispatch, experts, combine; and the same reversed.
#include "moe.h"

#include <algorithm>
#include <chrono>

namespace noam {

using Clock = std::chrono::steady_clock;
static double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void MoE::declare(ParamStore& ps, const std::string& name, const ModelConfig& model) {
    cfg = model.moe;
    d_model = model.d_model;
    router.declare(ps, name, cfg, d_model);
    experts.resize(cfg.experts);
    for (int e = 0; e < cfg.experts; e++)
        experts[e].declare(ps, name + ".experts." + std::to_string(e), model.ffn, model.d_model, model.d_ff,
                           model.ffn_bias);
}

void MoE::reserve(int rows) {
    max_rows = rows;
    router.reserve(rows);
    for (FFN& f : experts) f.reserve(rows);
    const size_t size = (size_t)cfg.experts * rows * d_model;
    for (auto* buf : {&expert_in, &expert_out, &d_expert_out, &d_expert_in}) buf->assign(size, 0.0f);
    d_gate.assign((size_t)rows * router.K, 0.0f);
}

void MoE::init(Rng& rng, float init_scale) {
    router.init(rng);
    for (FFN& f : experts) f.init(rng, init_scale);
}

void MoE::forward(const float* x, float* y, int rows) {
    n = rows;
    const int D = d_model, E = cfg.experts, K = router.K;
    const auto t0 = Clock::now();
    router.forward(x, n);
    // dispatch: expert e's row s is the token the router placed there
    for (int e = 0; e < E; e++) {
        const int count = router.expert_count[e];
#pragma omp parallel for schedule(static) if ((size_t)count * D >= 65536)
        for (int s = 0; s < count; s++) {
            const int t = router.expert_token[(size_t)e * max_rows + s];
            std::copy(x + (size_t)t * D, x + (size_t)(t + 1) * D, expert_in.data() + ((size_t)e * max_rows + s) * D);
        }
    }
    double routing = seconds_since(t0);

    // the experts, each on its own rows (each one's matmuls use the threads)
    for (int e = 0; e < E; e++) {
        const size_t off = (size_t)e * max_rows * D;
        if (router.expert_count[e] > 0)
            experts[e].forward(expert_in.data() + off, expert_out.data() + off, router.expert_count[e]);
    }

    // combine: y_t = sum over the token's processed routes of gate * E_e(x_t); 0 if none
    const auto t1 = Clock::now();
#pragma omp parallel for schedule(static) if (n >= 256)
    for (int t = 0; t < n; t++) {
        float* yt = y + (size_t)t * D;
        std::fill(yt, yt + D, 0.0f);
        for (int i = 0; i < K; i++) {
            const Route& r = router.routes[(size_t)t * K + i];
            if (r.slot < 0) continue;
            const float* out = expert_row(r.expert, r.slot);
            for (int j = 0; j < D; j++) yt[j] += r.gate * out[j];
        }
    }
    routing_seconds += routing + seconds_since(t1);
}

void MoE::backward(const float* dy, float* dx) {
    const int D = d_model, E = cfg.experts, K = router.K;
    const auto t0 = Clock::now();
    // combine: y_t = sum_i gate_i out_i  =>  d gate_i = dy_t . out_i ;  d out_i = gate_i dy_t
#pragma omp parallel for schedule(static) if (n >= 256)
    for (int t = 0; t < n; t++) {
        const float* dyt = dy + (size_t)t * D;
        for (int i = 0; i < K; i++) {
            const Route& r = router.routes[(size_t)t * K + i];
            float& dg = d_gate[(size_t)t * K + i];
            dg = 0.0f;
            if (r.slot < 0) continue;
            const float* out = expert_row(r.expert, r.slot);
            float* dout = d_expert_out.data() + ((size_t)r.expert * max_rows + r.slot) * D;
            double dot = 0;
            for (int j = 0; j < D; j++) {
                dot += (double)dyt[j] * out[j];
                dout[j] = r.gate * dyt[j];
            }
            dg = (float)dot;
        }
    }
    double routing = seconds_since(t0);

    for (int e = 0; e < E; e++) {
        const int count = router.expert_count[e];
        if (count == 0) continue;
        const size_t off = (size_t)e * max_rows * D;
        std::fill(d_expert_in.begin() + off, d_expert_in.begin() + off + (size_t)count * D, 0.0f);
        experts[e].backward(d_expert_out.data() + off, d_expert_in.data() + off);
    }

    // dispatch reversed: dx_t += d expert_in of each row holding t (a token's routes in a fixed order)
    const auto t1 = Clock::now();
#pragma omp parallel for schedule(static) if (n >= 256)
    for (int t = 0; t < n; t++) {
        float* dxt = dx + (size_t)t * D;
        for (int i = 0; i < K; i++) {
            const Route& r = router.routes[(size_t)t * K + i];
            if (r.slot < 0) continue;
            const float* din = d_expert_in.data() + ((size_t)r.expert * max_rows + r.slot) * D;
            for (int j = 0; j < D; j++) dxt[j] += din[j];
        }
    }
    // the router: gates and auxiliary losses to the logits, then to W_g and x
    router.backward(d_gate.data(), dx);
    routing_seconds += routing + seconds_since(t1);
}

}  // namespace noam
