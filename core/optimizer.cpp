// Adam/AdamW, the learning-rate schedules, and global-norm clipping.
#include "optimizer.h"

#include "adafactor.h"

#include <algorithm>
#include <cmath>

namespace noam {

Adam::Adam(const ParamStore& params, float b1, float b2, float e, float wd)
    : beta1(b1), beta2(b2), eps(e), weight_decay(wd) {
    m.assign(params.count(), 0.0f);
    v.assign(params.count(), 0.0f);
    for (const Param& p : params.params) decays.push_back(p.is_matrix() ? 1 : 0);
}

void Adam::step(ParamStore& params, float lr, int t) {
    const float bc1 = 1.0f - std::pow(beta1, (float)t);  // bias corrections: m and v start at zero
    const float bc2 = 1.0f - std::pow(beta2, (float)t);
    for (size_t pi = 0; pi < params.params.size(); pi++) {
        const Param& p = params.params[pi];
        float* w = params.values.data() + p.offset;
        const float* g = params.grads.data() + p.offset;
        float* mp = m.data() + p.offset;
        float* vp = v.data() + p.offset;
        const float wd = decays[pi] ? weight_decay : 0.0f;
        for (size_t i = 0; i < p.size; i++) {
            mp[i] = beta1 * mp[i] + (1.0f - beta1) * g[i];         // m = b1 m + (1 - b1) g
            vp[i] = beta2 * vp[i] + (1.0f - beta2) * g[i] * g[i];  // v = b2 v + (1 - b2) g^2
            const float mhat = mp[i] / bc1, vhat = vp[i] / bc2;
            w[i] -= lr * (mhat / (std::sqrt(vhat) + eps) + wd * w[i]);
        }
    }
}

std::vector<StateArray> Adam::tensor_state(const ParamStore& params, size_t i) const {
    const Param& p = params.params[i];
    return {{"m", p.shape, m.data() + p.offset}, {"v", p.shape, v.data() + p.offset}};
}

std::unique_ptr<Optimizer> make_optimizer(const OptimConfig& cfg, const ParamStore& params) {
    if (cfg.kind == "adafactor") {
        AdafactorSettings s;
        s.decay_exponent = cfg.decay_exponent;
        s.fixed_beta2 = cfg.fixed_beta2;
        s.eps1 = cfg.eps1;
        s.eps2 = cfg.eps2;
        s.clip_threshold = cfg.clip_threshold;
        s.beta1 = cfg.beta1;
        s.relative_step = cfg.relative_step;
        s.scale_parameter = cfg.scale_parameter;
        return std::make_unique<Adafactor>(params, s);
    }
    if (cfg.kind == "sgd") return std::make_unique<SGD>(params, cfg.momentum);
    const float wd = cfg.kind == "adamw" ? cfg.weight_decay : 0.0f;
    return std::make_unique<Adam>(params, cfg.beta1, cfg.beta2, cfg.eps, wd);
}

float learning_rate(const OptimConfig& cfg, int t, int d_model, int run_steps) {
    t = std::max(t, 1);
    switch (cfg.schedule) {
        case Schedule::Constant: return cfg.lr;
        case Schedule::Noam: {
            // lr = d_model^-0.5 * min(step^-0.5, step * warmup^-1.5); warmup 0 means no warmup
            const double w = std::max(cfg.warmup, 1);
            return (float)(cfg.lr / std::sqrt((double)d_model) * std::min(1.0 / std::sqrt((double)t), t * std::pow(w, -1.5)));
        }
        case Schedule::Cosine: {
            if (cfg.warmup > 0 && t <= cfg.warmup) return cfg.lr * t / cfg.warmup;
            const int total = cfg.total_steps > 0 ? cfg.total_steps : std::max(run_steps, 1);
            const double progress = std::min(1.0, (double)(t - cfg.warmup) / std::max(1, total - cfg.warmup));
            return (float)(cfg.min_lr + (cfg.lr - cfg.min_lr) * 0.5 * (1.0 + std::cos(M_PI * progress)));
        }
    }
    return cfg.lr;
}

double clip_grad_norm(ParamStore& params, float max_norm) {
    double sum = 0.0;
    for (float g : params.grads) sum += (double)g * g;
    const double norm = std::sqrt(sum);
    if (max_norm > 0 && norm > max_norm && std::isfinite(norm)) {
        const float s = (float)(max_norm / norm);
        for (float& g : params.grads) g *= s;
    }
    return norm;
}

}  // namespace noam
