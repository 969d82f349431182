// The training loop: sample, forward, backward, clip, update, record; evaluation; the watched example;
// sampling text from the model.
#include "trainer.h"

#include <algorithm>
#include <cmath>

#include "adafactor.h"
#include <sstream>

#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "generate.h"

namespace noam {

std::span<const StepRecordField> step_record_fields() {
    using K = StepFieldKind;
    static const StepRecordField fields[] = {
        {"loss", &StepRecord::loss, K::measured},
        {"nll", &StepRecord::nll, K::measured},
        {"accuracy", &StepRecord::accuracy, K::measured},
        {"val_loss", &StepRecord::val_loss, K::validation},
        {"val_accuracy", &StepRecord::val_accuracy, K::validation},
        {"lr", &StepRecord::lr, K::measured},
        {"grad_norm", &StepRecord::grad_norm, K::measured},
        {"tokens_per_sec", &StepRecord::tokens_per_sec, K::wallclock},
        {"update_rms", &StepRecord::update_rms, K::optimizer},
        {"update_rms_max", &StepRecord::update_rms_max, K::optimizer},
        {"clipped_fraction", &StepRecord::clipped_fraction, K::optimizer},
        {"alpha", &StepRecord::alpha, K::optimizer},
        {"rho", &StepRecord::rho, K::optimizer},
        {"beta2hat", &StepRecord::beta2hat, K::optimizer},
        {"second_moment_error", &StepRecord::second_moment_error, K::optimizer},
        {"moe_aux_loss", &StepRecord::moe_aux_loss, K::moe},
        {"moe_balance_loss", &StepRecord::moe_balance_loss, K::moe},
        {"moe_importance_loss", &StepRecord::moe_importance_loss, K::moe},
        {"moe_load_loss", &StepRecord::moe_load_loss, K::moe},
        {"moe_z_loss", &StepRecord::moe_z_loss, K::moe},
        {"moe_dropped_fraction", &StepRecord::moe_dropped_fraction, K::moe},
        {"moe_load_cv", &StepRecord::moe_load_cv, K::moe},
        {"moe_router_entropy", &StepRecord::moe_router_entropy, K::moe},
        {"moe_router_logit_mean", &StepRecord::moe_router_logit_mean, K::moe},
        {"moe_router_logit_max", &StepRecord::moe_router_logit_max, K::moe},
    };
    return fields;
}

// About how many bytes a run of this config allocates: weights, gradients and two optimizer arrays per parameter,
// and the activations one batch keeps for the backward pass. An estimate (within a factor of about 2), only to
// refuse a config that cannot fit before trying to allocate it.
double estimate_run_bytes(const RunConfig& c) {
    const ModelConfig& m = c.model;
    const double D = m.d_model, F = m.d_ff, L = m.n_layers, V = std::max(m.vocab_size, 256);
    const double B = c.train.batch_size, T = m.seq_len, H = m.n_heads;
    const double params = V * D * 2 + T * D + L * (4 * D * D + 3 * D * F + 4 * D);
    const double activations = B * T * (L * (16 * D + 6 * F + 3 * H * T) + 4 * V);
    return 4.0 * (4 * params + activations);
}

static double physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0.0;
}

Trainer::Trainer(const RunConfig& config) : cfg(config) {
    const double need = estimate_run_bytes(cfg), have = physical_memory_bytes();
    if (have > 0 && need > 0.75 * have) {
        auto gb = [](double bytes) {
            char buf[64];
            if (bytes >= 1e12) std::snprintf(buf, sizeof buf, "%.0f TB", bytes / 1e12);
            else std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
            return std::string(buf);
        };
        throw ConfigError("/model: this run needs about " + gb(need) + " of memory (the model, and a batch of " +
                          std::to_string(cfg.train.batch_size) + " x " + std::to_string(cfg.model.seq_len) +
                          "), more than this machine's " + gb(have) +
                          ": make d_model, d_ff, n_layers, seq_len or train.batch_size smaller");
    }
#ifdef _OPENMP
    if (cfg.train.threads > 0) omp_set_num_threads(cfg.train.threads);
#endif
    cfg.data.seq_len = cfg.model.seq_len;
    data = make_dataset(cfg.data, cfg.train.batch_size, cfg.train.val_batches);
    const int vocab = data->tokenizer().size();
    if (cfg.model.vocab_size == 0) cfg.model.vocab_size = vocab;
    if (cfg.model.vocab_size < vocab)
        throw ConfigError("/model/vocab_size: " + std::to_string(cfg.model.vocab_size) + " is smaller than the " +
                          std::to_string(vocab) + " symbols of the data (" + data->name() + "); leave it out or raise it");
    validate(cfg, "config");
    // Two independent streams from one seed: weights, and the order of the training data.
    init_rng.reseed(cfg.train.seed * 2 + 1);
    data_rng.reseed(cfg.train.seed * 2 + 2);
    model = std::make_unique<TransformerLM>(cfg.model, cfg.train.batch_size, init_rng);
    model->loss_fn.label_smoothing = cfg.optim.label_smoothing;
    optim = make_optimizer(cfg.optim, model->params);
    batch.resize(cfg.train.batch_size, cfg.model.seq_len);
    history.reserve(cfg.train.steps + 1);
    for (const Block& b : model->blocks)
        if (b.use_moe) moe_step_stats.push_back(b.moe.router.stats);
}

// The step's MoE statistics into the record (means over the MoE layers, the aux loss summed, the logit maximum the
// largest), and each layer's into moe_step_stats (same sizes every step: the copies reuse their memory).
static void record_moe(const TransformerLM& m, StepRecord& r, std::vector<MoeStats>& per_layer) {
    size_t i = 0;
    for (const Block& b : m.blocks) {
        if (!b.use_moe) continue;
        const MoeStats& s = b.moe.router.stats;
        per_layer[i++] = s;
        r.moe_aux_loss += (float)s.aux;
        r.moe_balance_loss += (float)s.balance;
        r.moe_importance_loss += (float)s.importance;
        r.moe_load_loss += (float)s.load;
        r.moe_z_loss += (float)s.z;
        r.moe_dropped_fraction += s.dropped_fraction;
        r.moe_load_cv += s.load_cv;
        r.moe_router_entropy += s.entropy;
        r.moe_router_logit_mean += s.logit_lse_mean;
        r.moe_router_logit_max = i == 1 ? s.logit_lse_max : std::max(r.moe_router_logit_max, s.logit_lse_max);
    }
    if (i == 0) return;
    for (float* f : {&r.moe_balance_loss, &r.moe_importance_loss, &r.moe_load_loss, &r.moe_z_loss,
                     &r.moe_dropped_fraction, &r.moe_load_cv, &r.moe_router_entropy, &r.moe_router_logit_mean})
        *f /= (float)i;
}

static std::string number(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
}

bool Trainer::step() {
    if (stopped()) return false;
#ifdef _OPENMP
    // the thread count belongs to the calling thread (the window trains on a worker thread)
    if (cfg.train.threads > 0) omp_set_num_threads(cfg.train.threads);
#endif
    const auto t0 = std::chrono::steady_clock::now();
    const int B = cfg.train.batch_size, T = cfg.model.seq_len;
    data->sample(data_rng, batch);
    model->params.zero_grad();
    model->training = true;
    const LossStats s = model->forward(batch.tokens.data(), batch.targets.data(), B, T);
    model->training = false;
    const int t = step_count + 1;
    const float lr = (float)(learning_rate(cfg.optim, t, cfg.model.d_model, cfg.train.steps) * lr_scale);
    if (!std::isfinite(s.loss + s.aux_loss)) {
        error = "training stopped at step " + std::to_string(t) + ": the loss is not finite (" +
                number(s.loss + s.aux_loss) +
                "); the learning rate (" + number(lr) + ") is probably too high: lower it and reset";
        return false;
    }
    model->backward();
    const double grad_norm = clip_grad_norm(model->params, cfg.optim.grad_clip);
    if (!std::isfinite(grad_norm)) {
        error = "training stopped at step " + std::to_string(t) + ": the gradient is not finite; the learning rate (" +
                number(lr) + ") is probably too high: lower it and reset";
        return false;
    }
    optim->step(model->params, lr, t);
    step_count = t;
    // A loss far above that of uniform guessing (ln V) for many steps in a row means the run has blown up
    // even if every number is still finite (Adam moves weights by ~lr per step whatever the gradient).
    const double uniform_loss = std::log((double)cfg.model.vocab_size);
    steps_above_uniform = s.nll > 2.0 * uniform_loss + 2.0 ? steps_above_uniform + 1 : 0;
    if (steps_above_uniform >= kDivergedAfterSteps)
        error = "training stopped at step " + std::to_string(t) + ": the loss (" + number(s.nll) + ") has stayed far above " +
                "guessing (" + number(uniform_loss) + ") for " + std::to_string(kDivergedAfterSteps) +
                " steps: the run diverged; lower the learning rate (" + number(lr) + ") and reset";

    StepRecord r;
    r.step = t;
    r.loss = (float)s.loss;
    r.nll = (float)s.nll;
    r.accuracy = (float)s.accuracy;
    r.lr = lr;
    r.grad_norm = (float)grad_norm;
    if (const auto* af = dynamic_cast<const Adafactor*>(optim.get())) {
        r.update_rms = af->last.update_rms_all;
        r.update_rms_max = af->last.update_rms_max;
        r.clipped_fraction = af->last.clipped_fraction;
        r.alpha = af->last.alpha_mean;
        r.rho = af->last.rho;
        r.beta2hat = af->last.beta2hat;
        r.second_moment_error = std::max(0.0f, af->last.exact_error);
    }
    record_moe(*model, r, moe_step_stats);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.tokens_per_sec = (float)(B * T / std::max(seconds, 1e-9));
    if (t % cfg.train.eval_every == 0 || t == cfg.train.steps) {
        const EvalResult e = evaluate();
        r.val_loss = (float)e.loss;
        r.val_accuracy = (float)e.accuracy;
    }
    history.push_back(r);
    return true;
}

EvalResult Trainer::evaluate() {
    EvalResult e;
    double loss_sum = 0, correct = 0;
    for (const Batch& b : data->validation()) {
        const LossStats s = model->forward(b.tokens.data(), b.targets.data(), b.B, b.T);
        loss_sum += s.nll * s.count;
        correct += s.accuracy * s.count;
        e.count += s.count;
    }
    if (e.count > 0) {
        e.loss = loss_sum / e.count;
        e.accuracy = correct / e.count;
    }
    return e;
}

void Trainer::watch_param(int index) {
    const auto& ps = model->params.params;
    watched_param = index >= 0 && index < (int)ps.size() && ps[index].is_matrix() ? index : -1;
    if (auto* af = dynamic_cast<Adafactor*>(optim.get())) af->track_exact(watched_param, step_count);
}

void Trainer::forward_watched() {
    const Batch& w = data->watched();
    model->forward(w.tokens.data(), w.targets.data(), 1, w.T);
}

std::vector<int> Trainer::generate(std::vector<int> tokens, int n, float temperature, Rng& rng) {
    // the full forward per token (lesson models may be bidirectional, which a KV cache cannot serve), drawing only
    // among the symbols the data knows (the config may declare a larger vocabulary)
    SamplingConfig sc;
    sc.kind = temperature > 0.0f ? SamplingKind::Temperature : SamplingKind::Greedy;
    if (temperature > 0.0f) sc.temperature = temperature;
    Sampler sampler(sc, data->tokenizer().size());
    generate_uncached(*model, sampler, tokens, n, rng);
    return tokens;
}

}  // namespace noam
