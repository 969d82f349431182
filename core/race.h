// A race: one run config trained in several variants that differ in one setting (ReLU vs GEGLU vs SwiGLU ...),
// every variant on the same data, with the same seeds and the same number of steps, S seeds each. Per variant:
// the mean and spread of the final validation loss, the rank, and every run's history. Headless (the CLI's
// `noamlab race`, the tests, the window's comparison table); two trainers at a time, one thread each.
#pragma once
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"
#include "trainer.h"

namespace noam {

struct RaceVariant {
    std::string label;                                             // "swiglu"
    std::vector<std::pair<std::string, nlohmann::json>> settings;  // {"model.ffn", "swiglu"}: with_setting()
};

struct RaceOptions {
    int seeds = 3;    // seeds base.train.seed, base.train.seed + 1, ...
    int steps = 0;    // 0: the config's train.steps
    int workers = 2;  // trainers at a time, each on one OpenMP thread (the results do not depend on it)
};

struct RaceRun {
    uint64_t seed = 0;
    float final_val_loss = NAN;     // validation cross-entropy (nats per token) after the last step
    std::vector<StepRecord> history;
    std::string error;              // the run stopped itself (diverged): final_val_loss stays NaN
};

struct RaceEntry {
    RaceVariant variant;
    RunConfig config;               // the base config with the variant's settings
    size_t params = 0;              // the whole model
    size_t ffn_params = 0;          // one FFN layer
    int ffn_hidden = 0;             // its hidden size
    std::vector<RaceRun> runs;      // one per seed, in seed order
    int finished = 0;               // runs with a final validation loss
    // over the finished runs: mean, sample standard deviation (n - 1; 0 for one run), min and max
    double mean = NAN, std = NAN, min = NAN, max = NAN;
    int rank = 0;                   // 1 = the lowest mean; variants without a finished run come last
};

struct RaceResult {
    std::vector<RaceEntry> entries;  // in the order the variants were given
    int steps = 0, seeds = 0;
    double seconds = 0;              // wall clock (not part of the results' determinism)
    const RaceEntry* best() const;   // rank 1 (nullptr when empty)
    const RaceEntry* find(const std::string& label) const;
};

// "ffn=relu,geglu,swiglu": one setting, several values, one variant per value. The key is a setting name
// ("model.ffn", see setting_names()) or the part after its dot when that names one setting ("ffn"). Every
// value is checked against the base config (with_setting). Errors are ConfigErrors "<where>: <spec>: problem".
std::vector<RaceVariant> parse_race_variants(const std::string& spec, const RunConfig& base, const std::string& where);

// Trains every variant x seed. on_run_done (optional) is called after each run, one call at a time, from the
// worker threads. Throws ConfigError / std::invalid_argument when a variant cannot be built.
RaceResult run_race(const RunConfig& base, const std::vector<RaceVariant>& variants, const RaceOptions& opt,
                    const std::function<void(const RaceEntry&, const RaceRun&)>& on_run_done = {});

// The per-variant statistics and ranks from the runs (run_race calls it; exposed for tests).
void summarize_race(RaceResult& r);

// {steps, seeds, seconds, variants: [{label, settings, params, ffn_params, ffn_hidden, mean, std, min, max,
// rank, runs: [{seed, final_val_loss, error, val: [[step, val_loss]...]}]}]}
nlohmann::json race_to_json(const RaceResult& r);

// ---- The paper's numbers beside ours: Table 1 of "GLU Variants Improve Transformer" (assets/glu_paper_table.json)
struct PaperRow {
    std::string ffn;            // our kind's name: "relu", "swiglu", ...
    std::string paper_name;     // "FFN_SwiGLU"
    double at_65k = NAN;        // held-out log-perplexity after 65,536 steps
    double at_524k = NAN;       // after 524,288 steps
};
struct PaperTable {
    std::string source, metric;
    std::vector<PaperRow> rows;
    const PaperRow* find(const std::string& ffn) const;  // nullptr: the paper has no such row
};
std::string default_glu_paper_table_path();       // <source dir>/assets/glu_paper_table.json
PaperTable load_glu_paper_table(const std::string& path);  // ConfigError when unreadable or malformed

}  // namespace noam
