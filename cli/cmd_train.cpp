// noamlab train: headless training with a progress line, the history as JSON, and saved runs (save, resume).
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "args.h"
#include "atomic_file.h"
#include "checkpoint.h"
#include "commands.h"
#include "trainer.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab train CONFIG.json [--steps N] [--seed S] [--threads N] [--lr X] [--out run.json] [--quiet]\n"
    "                     [--save RUN.noamrun [--save-every K]] [--stop-at K]\n"
    "       noamlab train [CONFIG.json] --resume RUN.noamrun [--steps N] [--threads N] [--out run.json] [--save ...]\n"
    "\n"
    "Trains the run CONFIG describes (model, data, optimizer, training; see configs/) and prints a progress line.\n"
    "  --steps N     number of steps (default: the config's train.steps); with --resume: train until step N\n"
    "                (a cosine schedule without optim.total_steps then stretches to N: the run is no longer the saved one)\n"
    "  --seed S      seed for weights and data order (default: the config's train.seed)\n"
    "  --threads N   OpenMP threads (results are identical for any N)\n"
    "  --lr X        override optim.lr\n"
    "  --out F       write {config, history, final} as JSON to F (also when training stops early); with an MoE\n"
    "                model each step also has \"moe\": aux/balance/importance/load/z losses, dropped fraction,\n"
    "                load CV, router entropy and router logit magnitude\n"
    "  --save F      save the whole run (weights, optimizer state, data position, history) to F at the end, also\n"
    "                when training stops early; the file format is docs/run_format.md; writes are atomic\n"
    "  --save-every K  also save to F every K steps\n"
    "  --stop-at K   stop after step K, leaving the run's schedule as --steps sets it (continue it with --resume)\n"
    "  --resume F    continue the run saved in F exactly where it stopped (bit for bit as if it never had); its\n"
    "                config comes from F; a CONFIG given too must equal it (the differences are named)\n"
    "  --quiet       no progress lines\n"
    "Exit code 1 when training stops on a non-finite loss or gradient (the message says why); 2 for bad usage\n"
    "or a bad config or run file (nothing is written then).\n";

// moe: also the MoE fields of every step, under "moe" without their "moe_" prefix (see StepRecord)
nlohmann::json history_to_json(const std::vector<StepRecord>& h, bool moe) {
    nlohmann::json a = nlohmann::json::array();
    for (const StepRecord& r : h) {
        nlohmann::json j = {{"step", r.step}};
        for (const StepRecordField& f : step_record_fields()) {
            switch (f.kind) {
            case StepFieldKind::measured:
            case StepFieldKind::wallclock: j[f.name] = r.*f.field; break;
            case StepFieldKind::validation:  // evaluated at this step only
                if (r.val_loss >= 0) j[f.name] = r.*f.field;
                break;
            case StepFieldKind::optimizer:  // Adafactor's step statistics (zero for the other optimizers: left out)
                if (r.rho > 0) j[f.name] = r.*f.field;
                break;
            case StepFieldKind::moe:
                if (moe) j["moe"][f.name + 4] = r.*f.field;
                break;
            }
        }
        a.push_back(j);
    }
    return a;
}

// OpenMP teams wait at every barrier for their slowest thread: when another process already keeps a core busy,
// two threads train up to ten times slower than one. Returns the load average when it chose one thread, else -1.
static double take_one_thread_when_busy(RunConfig& cfg) {
    if (cfg.train.threads != 0) return -1;
    double load[1] = {0};
    const unsigned cores = std::thread::hardware_concurrency();
    if (getloadavg(load, 1) == 1 && cores > 0 && load[0] >= 0.75 * cores - 0.5) {
        cfg.train.threads = 1;  // the results are the same bit for bit; --threads chooses explicitly
        return load[0];
    }
    return -1;
}

// The trainer to run: a new one from CONFIG, or a saved run continued (from the file alone, or restored into
// CONFIG's trainer when both are given: then the configs must agree).
static std::unique_ptr<Trainer> make_trainer(const Args& a, double& busy_load) {
    const std::string resume = a.get("--resume", "");
    if (resume.empty()) {
        if (a.positional.size() != 1) throw UsageError("expected one CONFIG.json (see noamlab train --help)");
        RunConfig cfg = load_run_config(a.positional[0]);
        cfg.train.steps = (int)a.get_int("--steps", cfg.train.steps, 0, 1 << 30);
        cfg.train.seed = (uint64_t)a.get_int("--seed", (long)cfg.train.seed, 0, 1L << 53);
        cfg.train.threads = (int)a.get_int("--threads", cfg.train.threads, 1, 256);
        cfg.optim.lr = (float)a.get_number("--lr", cfg.optim.lr, 1e-12, 1e9);
        busy_load = take_one_thread_when_busy(cfg);
        return std::make_unique<Trainer>(cfg);  // a bad config or corpus throws here: its one-line message is the only output
    }
    if (a.positional.size() > 1) throw UsageError("expected at most one CONFIG.json with --resume (see noamlab train --help)");
    for (const char* flag : {"--seed", "--lr"})
        if (a.has(flag)) throw UsageError(std::string(flag) + " would change the saved run; --resume continues it as it was");
    std::unique_ptr<Trainer> tr;
    if (a.positional.empty()) {
        tr = load_run(resume);
    } else {
        tr = std::make_unique<Trainer>(load_run_config(a.positional[0]));
        restore_run(*tr, resume);
    }
    tr->cfg.train.threads = (int)a.get_int("--threads", tr->cfg.train.threads, 1, 256);
    busy_load = take_one_thread_when_busy(tr->cfg);
    if (a.has("--steps")) {
        const int steps = (int)a.get_int("--steps", 0, tr->step_count, 1 << 30);
        tr->cfg.train.steps = steps;
        tr->history.reserve(steps + 1);
    }
    return tr;
}

int cmd_train(const std::vector<std::string>& argv) {
    Args a = parse_args("train", argv,
                        {"--steps", "--seed", "--threads", "--lr", "--out", "--save", "--save-every", "--stop-at", "--resume"},
                        {"--quiet"});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    const std::string save = a.get("--save", "");
    const int save_every = (int)a.get_int("--save-every", 0, 1, 1 << 30);
    if (save_every > 0 && save.empty()) throw UsageError("--save-every needs --save RUN.noamrun");
    const int stop_at = (int)a.get_int("--stop-at", 0, 1, 1 << 30);
    const bool quiet = a.has("--quiet");
    const std::string out = a.get("--out", "");
    double busy_load = -1;
    std::unique_ptr<Trainer> trainer = make_trainer(a, busy_load);
    Trainer& tr = *trainer;
    const RunConfig& cfg = tr.cfg;

    if (!quiet && busy_load >= 0)
        std::fprintf(stderr, "noamlab train: the machine is busy (load %.1f on %u cores): training on one thread "
                             "(--threads N to choose)\n", busy_load, std::thread::hardware_concurrency());
    if (!quiet && tr.step_count > 0)
        std::fprintf(stderr, "noamlab train: resuming %s at step %d\n", a.get("--resume", "").c_str(), tr.step_count);
    if (!quiet)
        std::fprintf(stderr, "noamlab train: %s, %zu parameters, %d steps of %d x %d tokens, seed %llu\n",
                     tr.data->describe().c_str(), tr.model->num_params(), cfg.train.steps, cfg.train.batch_size,
                     cfg.model.seq_len, (unsigned long long)cfg.train.seed);
    const auto t0 = std::chrono::steady_clock::now();
    const int first_step = tr.step_count;
    float last_val = -1, last_acc = -1;
    for (const StepRecord& r : tr.history)  // a resumed run's last validation so far
        if (r.val_loss >= 0) {
            last_val = r.val_loss;
            last_acc = r.val_accuracy;
        }
    int saved_at = -1;
    while (!tr.finished() && !(stop_at > 0 && tr.step_count >= stop_at)) {
        if (!tr.step()) break;
        const StepRecord& r = tr.history.back();
        if (r.val_loss >= 0) {
            last_val = r.val_loss;
            last_acc = r.val_accuracy;
        }
        if (save_every > 0 && r.step % save_every == 0) {
            save_run(tr, save);
            saved_at = r.step;
        }
        const bool report = r.step % std::max(1, cfg.train.steps / 20) == 0 || tr.finished();
        if (!quiet && report) {
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            char val[64] = "val -";
            if (last_val >= 0) std::snprintf(val, sizeof val, "val %.4f  val acc %.3f", last_val, last_acc);
            char moe[96] = "";
            if (tr.model->has_moe())
                std::snprintf(moe, sizeof moe, "  moe aux %.4f dropped %.3f load cv %.2f", r.moe_aux_loss,
                              r.moe_dropped_fraction, r.moe_load_cv);
            std::fprintf(stderr, "step %6d/%d  loss %.4f  %s  lr %.2e  |g| %.3f  %.0f tok/s%s\n", r.step,
                         cfg.train.steps, r.nll, val, r.lr, r.grad_norm,
                         (r.step - first_step) * (double)cfg.train.batch_size * cfg.model.seq_len / std::max(secs, 1e-9), moe);
        }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!save.empty() && saved_at != tr.step_count) save_run(tr, save);
    if (!out.empty()) {
        nlohmann::json j;
        j["config"] = run_config_to_json(tr.cfg);
        j["history"] = history_to_json(tr.history, tr.model->has_moe());
        j["final"] = {{"steps", tr.step_count}, {"val_loss", last_val}, {"val_accuracy", last_acc},
                      {"seconds", secs}, {"stopped", tr.error}};
        write_file_atomic(out, j.dump(1));
    }
    if (tr.stopped()) {
        std::fprintf(stderr, "noamlab train: %s\n", tr.error.c_str());
        return 1;
    }
    if (!quiet)
        std::fprintf(stderr, "noamlab train: %s in %.1f s, final val loss %.4f, val accuracy %.3f%s%s\n",
                     tr.finished() ? "done" : "stopped at the requested step", secs, last_val, last_acc,
                     save.empty() ? "" : "; saved to ", save.c_str());
    return 0;
}

}  // namespace noam::cli
