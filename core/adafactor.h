// Adafactor (Shazeer & Stern 2018, Algorithms 4 and 5) and SGD with momentum, behind the Optimizer interface.
// Adafactor keeps, for an n x m weight matrix, a row vector R (n) and a column vector C (m) of running sums of
// squared gradients instead of Adam's n x m second moment; their outer product R C^T / sum(R) is a rank-1
// estimate of it.
#pragma once
#include <vector>

#include "optimizer.h"

namespace noam {

struct AdafactorSettings {
    float decay_exponent = 0.8f;  // beta2hat_t = 1 - t^-0.8
    float eps1 = 1e-30f;          // added to the squared gradients
    float eps2 = 1e-3f;           // floor of the parameter scale RMS(X)
    float clip_threshold = 1.0f;  // d: the update is scaled down when RMS(U) > d
    float beta1 = 0.0f;           // first-moment (momentum) decay; 0: none, as in the paper's default
    bool relative_step = true;    // rho_t = min(1e-2, 1/sqrt(t)); false: the schedule's learning rate instead
    bool scale_parameter = true;  // alpha_t = max(eps2, RMS(X)) * rho_t
};

struct Adafactor : Optimizer {
    AdafactorSettings s;
    struct Slot {
        bool factored = false;
        int rows = 0, cols = 0;        // matrices: (rows, cols)
        std::vector<float> R, C;       // factored: row and column sums of G^2 + eps1, decayed
        std::vector<float> V;          // unfactored (vectors): the full second moment
        std::vector<float> M;          // first moment, when beta1 > 0
    };
    std::vector<Slot> slots;           // one per parameter tensor
    std::vector<float> update;         // scratch: U for the largest tensor

    // what the last step did, for the pictures and the tests
    struct StepStats {
        float beta2hat = 0, rho = 0;
        std::vector<float> alpha;        // per tensor: the step size alpha_t
        std::vector<float> update_rms;   // per tensor: RMS(U) before clipping
        std::vector<char> clipped;       // per tensor: did clipping fire
    } last;

    Adafactor(const ParamStore& params, const AdafactorSettings& settings);
    std::string name() const override { return "Adafactor"; }
    void step(ParamStore& params, float lr, int t) override;
    size_t state_floats() const override;
    std::vector<float*> state_buffers() override;
    std::vector<size_t> state_sizes() const override;
    // Vhat for tensor i (factored: R C^T / sum(R), rows x cols), for the pictures
    std::vector<float> second_moment_estimate(int i) const;
};

// SGD with (heavy-ball) momentum: v = mu v + g ; w -= lr v
struct SGD : Optimizer {
    float momentum;
    std::vector<float> v;
    SGD(const ParamStore& params, float mu);
    std::string name() const override { return momentum > 0 ? "SGD+momentum" : "SGD"; }
    void step(ParamStore& params, float lr, int t) override;
    size_t state_floats() const override { return momentum > 0 ? v.size() : 0; }
    std::vector<float*> state_buffers() override { return {v.data()}; }
    std::vector<size_t> state_sizes() const override { return {v.size()}; }
};

}  // namespace noam
