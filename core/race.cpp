// The race: variants x seeds trained by a small pool of one-thread trainers, then mean, spread and rank.
#include "race.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "json_reader.h"

namespace noam {

// ---- Variants from "KEY=V1,V2,..."

static std::string resolve_setting(const std::string& key, const std::string& spec, const std::string& where) {
    const std::vector<std::string> names = setting_names();
    if (std::find(names.begin(), names.end(), key) != names.end()) return key;
    std::vector<std::string> hits;  // "ffn" -> "model.ffn"
    for (const auto& n : names)
        if (n.size() > key.size() && n.compare(n.size() - key.size(), key.size(), key) == 0 &&
            n[n.size() - key.size() - 1] == '.')
            hits.push_back(n);
    if (hits.size() == 1) return hits[0];
    if (hits.size() > 1) config_fail(where, spec, "\"" + key + "\" is ambiguous (" + hits[0] + " or " + hits[1] + ")");
    check_setting_name(key, where, spec);  // throws, listing the settings
    return key;
}

// "swiglu" stays a string; "0.01", "true", "3" become JSON numbers and booleans
static nlohmann::json value_of(const std::string& text) {
    try {
        nlohmann::json v = nlohmann::json::parse(text);
        if (v.is_number() || v.is_boolean()) return v;
    } catch (const nlohmann::json::exception&) {
    }
    return text;
}

std::vector<RaceVariant> parse_race_variants(const std::string& spec, const RunConfig& base, const std::string& where) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 >= spec.size())
        config_fail(where, spec, "expected KEY=V1,V2,... (e.g. ffn=relu,geglu,swiglu)");
    const std::string setting = resolve_setting(spec.substr(0, eq), spec, where);
    std::vector<RaceVariant> out;
    size_t pos = eq + 1;
    while (pos <= spec.size()) {
        size_t comma = spec.find(',', pos);
        if (comma == std::string::npos) comma = spec.size();
        const std::string text = spec.substr(pos, comma - pos);
        if (text.empty()) config_fail(where, spec, "an empty value");
        for (const auto& v : out)
            if (v.label == text) config_fail(where, spec, "the value \"" + text + "\" is listed twice");
        const nlohmann::json value = value_of(text);
        with_setting(base, setting, value, where, spec);  // throws on a bad value
        out.push_back({text, {{setting, value}}});
        pos = comma + 1;
    }
    if (out.size() < 2) config_fail(where, spec, "a race needs at least two values");
    return out;
}

// ---- Running

static RunConfig variant_config(const RunConfig& base, const RaceVariant& v) {
    RunConfig c = base;
    for (const auto& [setting, value] : v.settings) c = with_setting(c, setting, value, "race", v.label);
    return c;
}

RaceResult run_race(const RunConfig& base, const std::vector<RaceVariant>& variants, const RaceOptions& opt,
                    const std::function<void(const RaceEntry&, const RaceRun&)>& on_run_done) {
    const auto t0 = std::chrono::steady_clock::now();
    RaceResult r;
    r.steps = opt.steps > 0 ? opt.steps : base.train.steps;
    r.seeds = std::max(1, opt.seeds);
    // Build every variant once here, on the caller's thread: a config that cannot be built throws now, and the
    // parameter counts come from the real model.
    for (const RaceVariant& v : variants) {
        RaceEntry e;
        e.variant = v;
        e.config = variant_config(base, v);
        e.config.train.steps = r.steps;
        e.config.train.threads = 1;
        Trainer probe(e.config);
        e.params = probe.model->num_params();
        e.ffn_hidden = e.config.model.ffn_hidden();
        e.ffn_params = ffn_param_count(e.config.model.ffn, e.config.model.d_model, e.ffn_hidden, e.config.model.ffn_bias);
        e.runs.resize(r.seeds);
        for (int s = 0; s < r.seeds; s++) e.runs[s].seed = base.train.seed + (uint64_t)s;
        r.entries.push_back(std::move(e));
    }

    // Jobs j = variant * seeds + seed, taken in order by the workers. Each run is independent and one-threaded,
    // and writes only its own slot: the results are the same for any number of workers.
    const int jobs = (int)r.entries.size() * r.seeds;
    std::atomic<int> next{0};
    std::mutex report_mu;
    auto worker = [&] {
        for (int j = next++; j < jobs; j = next++) {
            RaceEntry& e = r.entries[j / r.seeds];
            RaceRun& run = e.runs[j % r.seeds];
            try {
                RunConfig c = e.config;
                c.train.seed = run.seed;
                Trainer tr(c);
                while (!tr.finished() && tr.step()) {
                }
                run.history = tr.history;
                run.error = tr.error;
                if (!tr.stopped() && !tr.history.empty() && tr.history.back().val_loss >= 0)
                    run.final_val_loss = tr.history.back().val_loss;
            } catch (const std::exception& ex) {
                run.error = ex.what();
            }
            if (on_run_done) {
                std::lock_guard<std::mutex> lock(report_mu);
                on_run_done(e, run);
            }
        }
    };
    const int n_workers = std::max(1, std::min(opt.workers, jobs));
    std::vector<std::thread> pool;
    for (int w = 1; w < n_workers; w++) pool.emplace_back(worker);
    worker();  // the calling thread is a worker too
    for (auto& t : pool) t.join();

    summarize_race(r);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

void summarize_race(RaceResult& r) {
    for (RaceEntry& e : r.entries) {
        std::vector<double> v;
        for (const RaceRun& run : e.runs)
            if (std::isfinite(run.final_val_loss)) v.push_back(run.final_val_loss);
        e.finished = (int)v.size();
        e.mean = e.std = e.min = e.max = NAN;
        if (v.empty()) continue;
        double sum = 0;
        for (double x : v) sum += x;
        e.mean = sum / v.size();
        // sample standard deviation: s = sqrt(sum (x - mean)^2 / (n - 1))
        double ss = 0;
        for (double x : v) ss += (x - e.mean) * (x - e.mean);
        e.std = v.size() > 1 ? std::sqrt(ss / (v.size() - 1)) : 0.0;
        e.min = *std::min_element(v.begin(), v.end());
        e.max = *std::max_element(v.begin(), v.end());
    }
    // rank by mean; ties keep the given order; NaN means last
    std::vector<size_t> order(r.entries.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const double ma = r.entries[a].mean, mb = r.entries[b].mean;
        if (std::isnan(ma) || std::isnan(mb)) return !std::isnan(ma) && std::isnan(mb);
        return ma < mb;
    });
    for (size_t k = 0; k < order.size(); k++) r.entries[order[k]].rank = (int)k + 1;
}

const RaceEntry* RaceResult::best() const {
    for (const auto& e : entries)
        if (e.rank == 1) return &e;
    return nullptr;
}

const RaceEntry* RaceResult::find(const std::string& label) const {
    for (const auto& e : entries)
        if (e.variant.label == label) return &e;
    return nullptr;
}

static nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json race_to_json(const RaceResult& r) {
    nlohmann::json j = {{"steps", r.steps}, {"seeds", r.seeds}, {"seconds", r.seconds}};
    j["variants"] = nlohmann::json::array();
    for (const RaceEntry& e : r.entries) {
        nlohmann::json settings = nlohmann::json::object();
        for (const auto& [k, v] : e.variant.settings) settings[k] = v;
        nlohmann::json runs = nlohmann::json::array();
        for (const RaceRun& run : e.runs) {
            nlohmann::json val = nlohmann::json::array();
            for (const StepRecord& s : run.history)
                if (s.val_loss >= 0) val.push_back({s.step, s.val_loss});
            runs.push_back({{"seed", run.seed}, {"final_val_loss", number_or_null(run.final_val_loss)},
                            {"error", run.error}, {"val_loss", val}});
        }
        j["variants"].push_back({{"label", e.variant.label}, {"settings", settings}, {"params", e.params},
                                 {"ffn_params", e.ffn_params}, {"ffn_hidden", e.ffn_hidden},
                                 {"mean", number_or_null(e.mean)}, {"std", number_or_null(e.std)},
                                 {"min", number_or_null(e.min)}, {"max", number_or_null(e.max)},
                                 {"finished", e.finished}, {"rank", e.rank}, {"runs", runs}});
    }
    return j;
}

// ---- The paper's table

const PaperRow* PaperTable::find(const std::string& ffn) const {
    for (const auto& row : rows)
        if (row.ffn == ffn) return &row;
    return nullptr;
}

std::string default_glu_paper_table_path() { return std::string(NOAM_SOURCE_DIR) + "/assets/glu_paper_table.json"; }

PaperTable load_glu_paper_table(const std::string& path) {
    const nlohmann::json j = read_json_file(path);
    ObjectReader r(j, path, "");
    PaperTable t;
    t.source = r.require_string("source");
    t.metric = r.require_string("metric");
    r.child("note");
    const nlohmann::json& rows = r.require_child("rows");
    if (!rows.is_array()) r.fail("rows", "expected an array, got " + json_type_name(rows));
    std::vector<std::string> kinds;
    for (int k = (int)FfnKind::ReLU; k <= (int)FfnKind::SwiGLU; k++) kinds.push_back(to_string((FfnKind)k));
    for (size_t i = 0; i < rows.size(); i++) {
        ObjectReader rr(rows[i], path, "/rows/" + std::to_string(i));
        PaperRow row;
        row.ffn = rr.get_choice("ffn", "", kinds);
        if (!rr.has("ffn")) rr.fail("ffn", "missing");
        row.paper_name = rr.require_string("paper_name");
        row.at_65k = rr.require_number("steps_65536", 0.0, 100.0);
        row.at_524k = rr.require_number("steps_524288", 0.0, 100.0);
        rr.finish();
        t.rows.push_back(row);
    }
    r.finish();
    return t;
}

}  // namespace noam
