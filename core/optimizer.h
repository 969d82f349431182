// Optimizers behind one interface (Adam/AdamW here; Adafactor and SGD in adafactor.h), learning-rate schedules,
// and global-norm gradient clipping.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "config.h"
#include "params.h"

namespace noam {

// One array an optimizer keeps for one parameter tensor: Adam's "m" and "v", Adafactor's "R" and "C"
// (matrices) or "V" (vectors) and "M" (momentum), SGD's "v".
struct StateArray {
    std::string name;
    std::vector<int> shape;
    const float* data = nullptr;  // null when worked out from the shapes alone (optimizer_state.h)
    size_t size() const {
        size_t n = 1;
        for (int d : shape) n *= (size_t)d;
        return n;
    }
};

struct Optimizer {
    virtual ~Optimizer() = default;
    virtual std::string name() const = 0;
    // one update of every parameter from params.grads, with learning rate lr; t counts from 1
    virtual void step(ParamStore& params, float lr, int t) = 0;
    virtual size_t state_floats() const = 0;       // optimizer memory, in floats
    virtual std::vector<float*> state_buffers() = 0;  // for checkpoints: every state array, in a fixed order
    virtual std::vector<size_t> state_sizes() const = 0;
    // what it keeps for parameter tensor i (params.params[i]), with the live values
    virtual std::vector<StateArray> tensor_state(const ParamStore& params, size_t i) const = 0;
};

// Adam (Kingma & Ba 2015) with bias correction; AdamW's decoupled weight decay on matrices when weight_decay > 0.
//   m = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g^2
//   w -= lr * ( (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + wd * w )
struct Adam : Optimizer {
    float beta1, beta2, eps, weight_decay;
    std::vector<float> m, v;
    std::vector<char> decays;  // per parameter tensor: matrices decay, vectors (norms, biases) do not
    Adam(const ParamStore& params, float b1, float b2, float e, float wd);
    std::string name() const override { return weight_decay > 0 ? "AdamW" : "Adam"; }
    void step(ParamStore& params, float lr, int t) override;
    size_t state_floats() const override { return m.size() + v.size(); }
    std::vector<float*> state_buffers() override { return {m.data(), v.data()}; }
    std::vector<size_t> state_sizes() const override { return {m.size(), v.size()}; }
    std::vector<StateArray> tensor_state(const ParamStore& params, size_t i) const override;
};

std::unique_ptr<Optimizer> make_optimizer(const OptimConfig& cfg, const ParamStore& params);

// Learning rate at step t (from 1):
//   constant: lr
//   noam:     lr * d_model^-0.5 * min(t^-0.5, t * warmup^-1.5)   (Vaswani et al. 2017, section 5.3)
//   cosine:   linear warmup to lr, then min_lr + (lr - min_lr) * (1 + cos(pi * progress)) / 2
float learning_rate(const OptimConfig& cfg, int t, int d_model, int run_steps);

// Global L2 norm of all gradients; when it exceeds max_norm > 0 every gradient is scaled by max_norm / norm.
// Returns the norm before clipping (summed in double, in parameter order: deterministic).
double clip_grad_norm(ParamStore& params, float max_norm);

}  // namespace noam
