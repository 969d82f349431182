// noamlab info: what a saved run file holds, after the checks --resume makes (checksum, header, fit to the model).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "args.h"
#include "checkpoint.h"
#include "commands.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab info RUN.noamrun [--json] [--replay]\n"
    "\n"
    "Checks a saved run (noamlab train --save) as --resume would (checksum, header, and that its config builds\n"
    "a model and optimizer its arrays fit) and prints what it holds: format version, checksum, step, history\n"
    "length, model, data, optimizer and the full config. A damaged, truncated, newer or mismatched file gets\n"
    "one line naming the problem and exit code 2.\n"
    "  --json   print the file's header (config, step, random-number states, arrays ...) as JSON instead\n"
    "  --replay also retrain the run from its config and seed and compare every step's numbers, the weights,\n"
    "           the optimizer state and the data position with the file's, bit for bit; exit 1 if they differ\n";

int cmd_info(const std::vector<std::string>& argv) {
    Args a = parse_args("info", argv, {}, {"--json", "--replay"});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (a.positional.size() != 1) throw UsageError("expected one RUN.noamrun (see noamlab info --help)");
    const std::string path = a.positional[0];
    const RunFileInfo info = read_run_info(path);
    if (a.has("--json")) {
        std::printf("%s\n", info.header.dump(1).c_str());
        return 0;
    }
    const RunConfig& c = info.config;
    const ModelConfig& m = c.model;
    std::printf("%s: NoamLab run, format version %u, %zu bytes, checksum 0x%08x OK\n", path.c_str(), info.version,
                info.file_bytes, info.checksum);
    std::printf("step:      %d of %d (history of %zu steps)%s\n", info.step, c.train.steps, info.history_length,
                info.step >= c.train.steps ? ", finished" : "");
    if (!info.stopped.empty()) std::printf("stopped:   %s\n", info.stopped.c_str());
    std::printf("model:     n_layers %d, d_model %d, n_heads %d (kv %d), d_ff %d %s, seq_len %d, vocab %d: %zu weights\n",
                m.n_layers, m.d_model, m.n_heads, m.kv_heads(), m.d_ff, to_string(m.ffn), m.seq_len, m.vocab_size,
                info.param_floats);
    std::printf("data:      %s%s%s, batch %d, seed %llu\n", c.data.task.c_str(), c.data.corpus.empty() ? "" : " ",
                c.data.corpus.c_str(), c.train.batch_size, (unsigned long long)c.train.seed);
    std::printf("optimizer: %s, lr %g (%s schedule), %zu state floats\n", info.optimizer.c_str(), c.optim.lr,
                to_string(c.optim.schedule), info.state_floats);
    std::printf("config:    %s\n", run_config_to_json(c).dump().c_str());
    if (info.replay_frames > 0)
        std::printf("pictures:  %zu kept for the window's replay, every %d steps\n", info.replay_frames, info.replay_every);
    if (!a.has("--replay")) return 0;
    std::fflush(stdout);
    const ReplayResult r = replay_run(path);
    if (!r.same) {
        std::printf("replay:    differs: %s\n", r.difference.c_str());
        return 1;
    }
    std::printf("replay:    %d steps retrained from seed %llu match the saved history, weights, optimizer state and "
                "data position bit for bit\n", r.steps, (unsigned long long)c.train.seed);
    return 0;
}

}  // namespace noam::cli
