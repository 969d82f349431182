// noamlab dump: the numbers behind the pictures, so anyone can check them in another framework.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "trainer.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab dump CONFIG.json --out F.json [--steps N] [--seed S]\n"
    "\n"
    "Builds the model of CONFIG (optionally trains it N steps first), runs one training batch forward and\n"
    "backward, and writes: the config, every weight by name with its shape, the batch (tokens, targets),\n"
    "the logits, the loss (label-smoothed) and plain cross-entropy, and every gradient.\n";

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
    const LossStats s = m.forward(tr.batch.tokens.data(), tr.batch.targets.data(), B, T);
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
    const std::string out = a.get("--out", "");
    write_file_atomic(out, j.dump());
    std::fprintf(stderr, "noamlab dump: %zu parameters in %zu tensors, loss %.6f, written to %s\n", m.num_params(),
                 m.params.params.size(), s.loss, out.c_str());
    return 0;
}

}  // namespace noam::cli
