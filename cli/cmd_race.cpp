// noamlab race: one config in several variants x seeds, headless; a table of the final validation losses with
// the GLU paper's numbers beside ours.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "atomic_file.h"
#include "race.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab race CONFIG.json --variants KEY=V1,V2,... [--seeds S] [--steps N] [--workers W]\n"
    "                    [--json OUT.json] [--quiet]\n"
    "\n"
    "Trains CONFIG once per value of one setting and per seed (the same data, seeds and steps for every variant)\n"
    "and prints, per variant: parameters, the mean final validation loss over the seeds, its spread, and the rank.\n"
    "For model.ffn the GLU paper's held-out log-perplexity (Table 1, assets/glu_paper_table.json) is printed\n"
    "beside ours: the same ordering question, at T5 scale.\n"
    "  --variants KEY=V1,V2,...  the setting and its values, e.g. ffn=relu,geglu,swiglu or optim.lr=0.001,0.003\n"
    "                            (KEY: a setting such as model.ffn, or its part after the dot when unique)\n"
    "  --seeds S     seeds per variant: the config's train.seed, +1, ... (default 3)\n"
    "  --steps N     training steps per run (default: the config's train.steps)\n"
    "  --workers W   trainers at a time, one thread each (default 2; the results are the same for any W)\n"
    "  --json F      write every variant's statistics and validation curves as JSON to F\n"
    "  --quiet       no progress lines\n"
    "Exit code 1 when a run stopped (diverged); its variant's mean is over the runs that finished.\n";

int cmd_race(const std::vector<std::string>& argv) {
    Args a = parse_args("race", argv, {"--variants", "--seeds", "--steps", "--workers", "--json"}, {"--quiet"});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (a.positional.size() != 1) throw UsageError("expected one CONFIG.json (see noamlab race --help)");
    if (!a.has("--variants")) throw UsageError("--variants KEY=V1,V2,... is required (e.g. --variants ffn=relu,swiglu)");
    const RunConfig base = load_run_config(a.positional[0]);
    const std::vector<RaceVariant> variants = parse_race_variants(a.get("--variants", ""), base, "--variants");
    RaceOptions opt;
    opt.seeds = (int)a.get_int("--seeds", 3, 1, 1000);
    opt.steps = (int)a.get_int("--steps", base.train.steps, 1, 1 << 30);
    opt.workers = (int)a.get_int("--workers", 2, 1, 64);
    const bool quiet = a.has("--quiet");
    const std::string json_out = a.get("--json", "");
    const bool ffn_race = variants[0].settings.size() == 1 && variants[0].settings[0].first == "model.ffn";
    PaperTable paper;
    if (ffn_race) paper = load_glu_paper_table(default_glu_paper_table_path());

    int done = 0;
    const int total = (int)variants.size() * opt.seeds;
    if (!quiet)
        std::fprintf(stderr, "noamlab race: %zu variants x %d seeds, %d steps each, %d at a time\n", variants.size(),
                     opt.seeds, opt.steps, opt.workers);
    const RaceResult r = run_race(base, variants, opt, [&](const RaceEntry& e, const RaceRun& run) {
        done++;
        if (quiet) return;
        if (!run.error.empty())
            std::fprintf(stderr, "  [%d/%d] %-10s seed %llu: %s\n", done, total, e.variant.label.c_str(),
                         (unsigned long long)run.seed, run.error.c_str());
        else
            std::fprintf(stderr, "  [%d/%d] %-10s seed %llu: final val loss %.4f\n", done, total,
                         e.variant.label.c_str(), (unsigned long long)run.seed, run.final_val_loss);
    });

    // ---- the table, in rank order
    const RaceEntry* relu = r.find("relu");
    std::printf("%-12s %10s %8s %8s %11s %9s %19s %5s", "variant", "params", "vs relu", "ffn h", "mean val", "std",
                "min .. max", "rank");
    if (ffn_race) std::printf("   %-10s %9s %9s", "paper", "65k", "524k");
    std::printf("\n");
    std::vector<const RaceEntry*> order;
    for (const auto& e : r.entries) order.push_back(&e);
    std::sort(order.begin(), order.end(), [](const RaceEntry* x, const RaceEntry* y) { return x->rank < y->rank; });
    for (const RaceEntry* e : order) {
        char vs_relu[32] = "";  // the parameter difference the hidden-size rounding leaves
        if (relu && e != relu) std::snprintf(vs_relu, sizeof vs_relu, "%+ld", (long)e->params - (long)relu->params);
        std::printf("%-12s %10zu %8s %8d %11.4f %9.4f %9.4f..%-9.4f %5d", e->variant.label.c_str(), e->params, vs_relu,
                    e->ffn_hidden,
                    e->mean, e->std, e->min, e->max, e->rank);
        if (ffn_race) {
            const PaperRow* row = paper.find(e->variant.label);
            if (row) std::printf("   %-10s %9.3f %9.3f", "", row->at_65k, row->at_524k);
            else std::printf("   %-10s %9s %9s", "", "-", "-");
        }
        std::printf("\n");
    }
    std::printf("val loss: cross-entropy in nats per token after %d steps; mean, sample std and range over %d seeds",
                r.steps, r.seeds);
    if (ffn_race) std::printf(";\npaper: %s, %s (lower is better there too)", paper.source.c_str(), paper.metric.c_str());
    std::printf(".\n");
    if (!quiet) std::fprintf(stderr, "noamlab race: done in %.1f s\n", r.seconds);

    if (!json_out.empty()) {
        nlohmann::json j = race_to_json(r);
        j["config"] = run_config_to_json(base);
        write_file_atomic(json_out, j.dump(1));
    }
    for (const auto& e : r.entries)
        if (e.finished < (int)e.runs.size()) return 1;
    return 0;
}

}  // namespace noam::cli
