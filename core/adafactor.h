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
    float fixed_beta2 = 0.0f;     // > 0: a constant beta2 instead (no bias correction), to show what goes wrong
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
        // over all tensors
        float update_rms_all = 0;        // RMS(U) over every parameter (before clipping)
        float update_rms_max = 0;        // the largest per-tensor RMS(U): clipping fired where it exceeded d
        float clipped_fraction = 0;      // fraction of tensors whose update was clipped
        float alpha_mean = 0;            // alpha_t averaged over parameters (each tensor weighted by its size)
        float exact_error = -1;          // tracked matrix: ||Vhat - V||_F / ||V||_F; -1 when none is tracked
    } last;

    // ---- the exact second moment of one matrix, kept only for the pictures (off unless track_exact())
    // V_t = beta2hat_t V_{t-1} + (1 - beta2hat_t)(G_t^2 + eps1): what Algorithm 5 would keep, and what
    // Algorithm 4's rank-1 Vhat_t approximates. Costs one n x m array and three passes over it per step.
    int exact_tensor = -1;             // the tracked matrix (a parameter index), -1: none
    int exact_since = 0;               // the step tracking began at (V starts from Vhat there; exact from step 0)
    std::vector<float> V_exact;        // (rows, cols)
    std::vector<float> exact_vhat;     // (rows, cols) scratch: Vhat of the tracked matrix
    // Starts (or moves) tracking to matrix `tensor` after step `t_done` (-1 stops it). Vectors are not
    // factored (their V is already exact): they are refused (returns false).
    bool track_exact(int tensor, int t_done);

    Adafactor(const ParamStore& params, const AdafactorSettings& settings);
    std::string name() const override { return "Adafactor"; }
    void step(ParamStore& params, float lr, int t) override;
    size_t state_floats() const override;
    std::vector<float*> state_buffers() override;
    std::vector<size_t> state_sizes() const override;
    std::vector<StateArray> tensor_state(const ParamStore& params, size_t i) const override;
    // Vhat for tensor i (factored: R C^T / sum(R), rows x cols), for the pictures
    std::vector<float> second_moment_estimate(int i) const;
};

// The rank-1 factorization behind Adafactor (section 3 of the paper): for a non-negative V (n x m) the
// row sums R = V 1_m and column sums C = 1_n^T V give the estimate Vhat = R C^T / (1_n^T R), which keeps
// every row and column sum of V. (Adafactor applies it to its decayed sums of G^2 + eps1.)
void row_col_sums(const float* V, int n, int m, float* R, float* C);
void rank1_reconstruction(const float* R, const float* C, int n, int m, float* Vhat);  // Vhat (n, m)
// ||A - B||_F / ||B||_F over n values (0 when B is all zero and A == B; infinity when only B is zero)
double relative_frobenius_error(const float* A, const float* B, size_t n);

// SGD with (heavy-ball) momentum: v = mu v + g ; w -= lr v
struct SGD : Optimizer {
    float momentum;
    std::vector<float> v;
    SGD(const ParamStore& params, float mu);
    std::string name() const override { return momentum > 0 ? "SGD+momentum" : "SGD"; }
    void step(ParamStore& params, float lr, int t) override;
    size_t state_floats() const override { return v.size(); }
    std::vector<float*> state_buffers() override { return {v.data()}; }
    std::vector<size_t> state_sizes() const override { return {v.size()}; }
    std::vector<StateArray> tensor_state(const ParamStore& params, size_t i) const override;
};

}  // namespace noam
