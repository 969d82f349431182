// The trainer: one run = a config and a seed. step() draws a batch, runs forward and backward, clips,
// updates; the history records every step. Same config + seed => the same history, bit for bit, at any
// thread count.
#pragma once
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config.h"
#include "data.h"
#include "optimizer.h"
#include "transformer.h"

namespace noam {

struct StepRecord {
    int step = 0;
    float loss = 0;        // training objective (label-smoothed cross-entropy) of this step's batch
    float nll = 0;         // plain cross-entropy of this step's batch
    float accuracy = 0;    // of this step's batch (scored positions only)
    float val_loss = -1;   // validation cross-entropy; -1 when not evaluated at this step
    float val_accuracy = -1;
    float lr = 0;
    float grad_norm = 0;   // before clipping
    float tokens_per_sec = 0;  // wall-clock: not part of determinism

    // ---- optimizer (Adafactor stats; zero for others)
    float update_rms = 0;      // RMS of the unclipped update U over every parameter
    float update_rms_max = 0;  // the largest per-tensor RMS(U): clipping fires for a tensor when its RMS(U) > d
    float clipped_fraction = 0;  // fraction of the parameter tensors whose update was clipped
    float alpha = 0;           // step size alpha_t = max(eps2, RMS(X)) rho_t, averaged over the parameters
    float rho = 0;             // relative step rho_t = min(1e-2, 1/sqrt(t)) (or the schedule's rate)
    float beta2hat = 0;        // second-moment decay beta2hat_t = 1 - t^-0.8
    float second_moment_error = 0;  // watched matrix: ||Vhat - V||_F / ||V||_F (0: none watched)
    // ---- MoE (zero for dense models): this step's training batch, means over the MoE layers except where noted
    float moe_aux_loss = 0;          // the sum over layers of what the aux losses add to the objective (coefficients in)
    float moe_balance_loss = 0;      // switch / top2: E sum_i f_i P_i, unscaled (1 under uniform routing)
    float moe_importance_loss = 0;   // noisy_topk: CV(Importance)^2, unscaled
    float moe_load_loss = 0;         // noisy_topk: CV(Load)^2, unscaled
    float moe_z_loss = 0;            // (1/T) sum_t logsumexp(router logits)^2, unscaled
    float moe_dropped_fraction = 0;  // expert choices refused by capacity / all choices
    float moe_load_cv = 0;           // coefficient of variation of the choices per expert
    float moe_router_entropy = 0;    // mean entropy of the router probabilities (nats)
    float moe_router_logit_mean = 0; // logsumexp of the router logits: mean over tokens
    float moe_router_logit_max = 0;  //   and the maximum over tokens and layers
};

// The float fields of StepRecord, one table for every place that lists them (the saved-run columns, the
// history JSON of `noamlab train --out`, the window's CSV/JSON exports, the lesson metrics, the determinism
// tests). The order is the saved-run format's column order: append new fields at the end.
enum class StepFieldKind {
    measured,    // every step: loss, accuracy, lr, grad_norm
    validation,  // only where val_loss >= 0 (evaluated at that step)
    optimizer,   // Adafactor's step statistics (zero for the other optimizers)
    moe,         // MoE routing statistics (zero for dense models); the name starts with "moe_"
    wallclock,   // timing: not part of determinism
};
struct StepRecordField {
    const char* name;
    float StepRecord::*field;
    StepFieldKind kind;
};
std::span<const StepRecordField> step_record_fields();

struct EvalResult {
    double loss = 0, accuracy = 0;
    int count = 0;
};

// About how many bytes a run of the config allocates (weights, gradients, optimizer state, activations).
double estimate_run_bytes(const RunConfig& c);

struct Trainer {
    RunConfig cfg;
    std::unique_ptr<Dataset> data;
    Rng init_rng, data_rng;
    std::unique_ptr<TransformerLM> model;
    std::unique_ptr<Optimizer> optim;
    Batch batch;
    std::vector<StepRecord> history;
    int step_count = 0;
    std::string error;  // set when the run stopped itself (non-finite loss or gradient); step() then refuses
    double lr_scale = 1.0;  // a live multiplier on the schedule (the window's learning-rate knob)
    int steps_above_uniform = 0;  // consecutive steps with a loss far above uniform guessing
    std::vector<MoeStats> moe_step_stats;  // per MoE layer: the routing of the last training step
    static constexpr int kDivergedAfterSteps = 50;

    // Builds data, model and optimizer from the config; throws ConfigError / std::invalid_argument.
    explicit Trainer(const RunConfig& config);

    bool step();                 // false if the run is stopped (see error)
    EvalResult evaluate();       // over the fixed validation batches
    bool finished() const { return step_count >= cfg.train.steps; }
    bool stopped() const { return !error.empty(); }

    // Runs the watched example (B = 1) through the model, leaving its attention probabilities in the
    // blocks' attention.probs; returns the per-position target probabilities.
    void forward_watched();
    // attention probability (layer l, head h, query t, key j) of the last forward_watched()
    float watched_attention(int l, int h, int t, int j) const { return model->blocks[l].attn.prob(0, h, t, j); }

    // ---- optimizer pictures: the weight matrix whose second moment the snapshots carry (-1: none). Watching
    // one makes Adafactor keep that matrix's exact V too (from now; from the start if no step has run yet).
    int watched_param = -1;
    void watch_param(int index);  // -1, or a parameter index; anything but a matrix means none

    // Appends n tokens to the prompt, each sampled from the model at the given temperature (0: greedy), with the
    // full forward per token (generate.h; the context restarts from its last half when it reaches seq_len).
    std::vector<int> generate(std::vector<int> tokens, int n, float temperature, Rng& rng);
};

}  // namespace noam
