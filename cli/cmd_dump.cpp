// noamlab dump: the numbers behind the pictures, so anyone can check them in another framework.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "adafactor.h"
#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "optimizer_state.h"
#include "trainer.h"

namespace noam::cli {

static nlohmann::json moe_stats_to_json(const MoeStats& s) {
    return {{"tokens", s.tokens}, {"routed_first", s.routed_first}, {"routed_second", s.routed_second},
            {"kept", s.kept}, {"dropped", s.dropped}, {"capacity", s.capacity}, {"mean_prob", s.mean_prob},
            {"tokens_dropped", s.tokens_dropped}, {"dropped_fraction", s.dropped_fraction},
            {"tokens_without_expert", s.tokens_without_expert}, {"load_cv", s.load_cv}, {"entropy", s.entropy},
            {"logit_lse_mean", s.logit_lse_mean}, {"logit_lse_max", s.logit_lse_max}, {"balance", s.balance},
            {"importance", s.importance}, {"load", s.load}, {"z", s.z}, {"aux", s.aux}};
}

// one MoE layer after a forward of N tokens: the router's numbers, the dispatch, the experts' outputs
static nlohmann::json moe_layer_to_json(int layer, const MoE& moe) {
    const Router& r = moe.router;
    const int N = r.n, E = r.E, D = moe.d_model;
    nlohmann::json routes = nlohmann::json::array(), experts = nlohmann::json::array();
    for (int t = 0; t < N; t++) {
        nlohmann::json token = nlohmann::json::array();
        for (int i = 0; i < r.K; i++) {
            const Route& route = r.routes[(size_t)t * r.K + i];
            if (route.expert >= 0)
                token.push_back({{"expert", route.expert}, {"slot", route.slot}, {"gate", route.gate},
                                 {"dropped", route.dropped}});
        }
        routes.push_back(token);
    }
    for (int e = 0; e < E; e++) {
        const int count = r.expert_count[e];
        const int* tokens = r.expert_token.data() + (size_t)e * r.max_rows;
        experts.push_back({{"tokens", std::vector<int>(tokens, tokens + count)},
                           {"outputs", std::vector<float>(moe.expert_row(e, 0), moe.expert_row(e, 0) + (size_t)count * D)}});
    }
    return {{"layer", layer}, {"router", to_string(r.cfg.router)}, {"N", N}, {"E", E},
            {"router_logits", std::vector<float>(r.logits.begin(), r.logits.begin() + (size_t)N * E)},
            {"router_probs", std::vector<float>(r.probs.begin(), r.probs.begin() + (size_t)N * E)},
            {"routes", routes}, {"experts", experts}, {"stats", moe_stats_to_json(r.stats)}};
}

static const char* kHelp =
    "usage: noamlab dump CONFIG.json --out F.json [--steps N] [--seed S]\n"
    "\n"
    "Builds the model of CONFIG (optionally trains it N steps first), runs one training batch forward and\n"
    "backward, and writes: the config, every weight by name with its shape, the batch (tokens, targets),\n"
    "the logits, the loss (label-smoothed) and plain cross-entropy, and every gradient. Then it takes the\n"
    "optimizer step on that gradient and writes \"optimizer\": its name, the step t, the learning rate, the\n"
    "gradient norm and clipping, the state it keeps per tensor before and after the step (name, shape and\n"
    "arrays: Adam m, v; Adafactor R, C for matrices, V for vectors, M with momentum; SGD v), the weights\n"
    "after the step, and for Adafactor the step's beta2hat_t, rho_t and per tensor alpha_t, RMS(U) before\n"
    "clipping and whether clipping fired.\n"
    "With an MoE model (model.moe), for each MoE layer \"moe\" also holds: the router logits and probabilities\n"
    "(N,E), every token's routes (expert, row in the expert's buffer or -1, gate, dropped by capacity), each\n"
    "expert's tokens and outputs (rows,D), and the routing statistics and auxiliary loss terms of the batch.\n";

// Every state array of every tensor, with values: what the optimizer keeps.
static nlohmann::json state_json(const Optimizer& opt, const ParamStore& ps) {
    nlohmann::json a = nlohmann::json::array();
    for (const TensorState& t : optimizer_memory(opt, ps).tensors) {
        nlohmann::json arrays = nlohmann::json::array();
        for (const StateArray& s : t.arrays)
            arrays.push_back({{"name", s.name}, {"shape", s.shape}, {"values", std::vector<float>(s.data, s.data + s.size())}});
        a.push_back({{"name", t.param}, {"shape", t.shape}, {"arrays", arrays}});
    }
    return a;
}

// The optimizer step on the dumped gradient, as Trainer::step takes it (global-norm clipping, then the update),
// with the state before and after it.
static nlohmann::json optimizer_step_json(Trainer& tr) {
    ParamStore& ps = tr.model->params;
    const int t = tr.step_count + 1;
    const float lr = (float)(learning_rate(tr.cfg.optim, t, tr.cfg.model.d_model, tr.cfg.train.steps) * tr.lr_scale);
    nlohmann::json j;
    j["name"] = tr.optim->name();
    j["t"] = t;
    j["lr"] = lr;
    j["before"] = state_json(*tr.optim, ps);
    const double norm = clip_grad_norm(ps, tr.cfg.optim.grad_clip);
    j["grad_norm"] = norm;
    j["grad_clip"] = tr.cfg.optim.grad_clip;
    tr.optim->step(ps, lr, t);
    j["after"] = state_json(*tr.optim, ps);
    nlohmann::json params_after = nlohmann::json::array();
    for (size_t i = 0; i < ps.params.size(); i++) {
        const Param& p = ps.params[i];
        params_after.push_back({{"name", p.name}, {"values", std::vector<float>(ps.w((int)i), ps.w((int)i) + p.size)}});
    }
    j["params_after"] = params_after;
    if (const auto* af = dynamic_cast<const Adafactor*>(tr.optim.get())) {
        j["beta2hat"] = af->last.beta2hat;
        j["rho"] = af->last.rho;
        nlohmann::json per = nlohmann::json::array();
        for (size_t i = 0; i < ps.params.size(); i++)
            per.push_back({{"name", ps.params[i].name}, {"alpha", af->last.alpha[i]}, {"update_rms", af->last.update_rms[i]},
                           {"clipped", (bool)af->last.clipped[i]}});
        j["tensors"] = per;
    }
    return j;
}

int cmd_dump(const std::vector<std::string>& argv) {
    Args a = parse_args("dump", argv, {"--out", "--steps", "--seed"}, {});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (a.positional.size() != 1) throw UsageError("expected one CONFIG.json (see noamlab dump --help)");
    if (!a.has("--out")) throw UsageError("--out F.json is required");
    RunConfig cfg = load_run_config(a.positional[0]);
    cfg.train.seed = (uint64_t)a.get_int("--seed", (long)cfg.train.seed, 0, 1L << 53);
    const int steps = (int)a.get_int("--steps", 0, 0, 1 << 30);
    Trainer tr(cfg);
    for (int i = 0; i < steps; i++)
        if (!tr.step()) throw std::runtime_error(tr.error);

    // one fresh batch, forward and backward
    const int B = cfg.train.batch_size, T = cfg.model.seq_len;
    tr.data->sample(tr.data_rng, tr.batch);
    TransformerLM& m = *tr.model;
    m.params.zero_grad();
    m.training = true;  // a training batch: noise and the training capacity factor
    const LossStats s = m.forward(tr.batch.tokens.data(), tr.batch.targets.data(), B, T);
    m.training = false;
    m.backward();

    nlohmann::json j;
    j["config"] = run_config_to_json(tr.cfg);
    j["label_smoothing"] = cfg.optim.label_smoothing;
    nlohmann::json params = nlohmann::json::array(), grads = nlohmann::json::array();
    for (size_t i = 0; i < m.params.params.size(); i++) {
        const Param& p = m.params.params[i];
        std::vector<float> w(m.params.w((int)i), m.params.w((int)i) + p.size);
        std::vector<float> g(m.params.g((int)i), m.params.g((int)i) + p.size);
        params.push_back({{"name", p.name}, {"shape", p.shape}, {"values", w}});
        grads.push_back({{"name", p.name}, {"shape", p.shape}, {"values", g}});
    }
    j["params"] = params;
    j["batch"] = {{"B", B}, {"T", T}, {"tokens", tr.batch.tokens}, {"targets", tr.batch.targets}};
    j["logits"] = std::vector<float>(m.logits.begin(), m.logits.begin() + (size_t)B * T * m.cfg.vocab_size);
    j["loss"] = s.loss;
    j["nll"] = s.nll;
    j["grads"] = grads;
    if (m.has_moe()) {
        j["moe_aux_loss"] = s.aux_loss;  // the objective is loss + moe_aux_loss
        for (int l = 0; l < m.cfg.n_layers; l++)
            if (m.blocks[l].use_moe) j["moe"].push_back(moe_layer_to_json(l, m.blocks[l].moe));
    }
    j["optimizer"] = optimizer_step_json(tr);
    const std::string out = a.get("--out", "");
    write_file_atomic(out, j.dump());
    std::fprintf(stderr, "noamlab dump: %zu parameters in %zu tensors, loss %.6f, written to %s\n", m.num_params(),
                 m.params.params.size(), s.loss, out.c_str());
    return 0;
}

}  // namespace noam::cli
