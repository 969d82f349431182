// Lesson loader and validator.
#include "lesson.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "json_reader.h"
#include "optimizer_state.h"

namespace noam {

const std::vector<std::string>& condition_metrics() {
    static const std::vector<std::string> m = {"val_accuracy", "val_loss", "loss", "accuracy", "step", "attention",
                                               "diverged", "update_rms", "update_clipped_fraction",
                                               "optimizer_memory_ratio", "second_moment_error", "moe_load_cv", "moe_dropped_fraction",
                                               "moe_router_logit_max", "moe_router_entropy", "moe_aux_loss",
                                               "moe_balance_loss", "moe_importance_loss", "moe_load_loss", "moe_z_loss"};
    return m;
}

const std::vector<std::string>& attention_patterns() {
    static const std::vector<std::string> p = {"previous_token", "next_token", "self", "first_token",
                                               "answer_source", "induction", "peak"};
    return p;
}

const std::vector<std::string>& panel_kinds() {
    static const std::vector<std::string> k = {"controls", "loss", "attention_grid", "attention", "sample",
                                               "summary", "setup", "stepper", "positions", "schedule",
                                               "token_probs", "activations", "ffn_gates", "ffn_params",
                                               "optimizer_memory", "second_moment", "optimizer_stats",
                                               "expert_load", "expert_history", "expert_tokens", "router",
                                               "decoding", "decode_cost", "speculative"};
    return k;
}

std::string Condition::describe() const {
    std::ostringstream s;
    if (metric == "attention") {
        s << "attention(" << pattern;
        if (layer >= 0) s << ", layer " << layer;
        if (head >= 0) s << ", head " << head;
        s << ")";
    } else {
        s << metric;
    }
    if (!run.empty()) s << "[" << run << "]";
    if (!versus.empty()) {
        s << (combine == "ratio" ? " / " : " - ");
        s << (metric == "attention" ? "attention" : metric) << "[" << versus << "]";
    }
    s << " " << op << " " << value;
    return s.str();
}

static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

static void check_layer_head(const ModelConfig& m, ObjectReader& r, int layer, int head, const std::string& where,
                             const std::string& path) {
    if (layer >= m.n_layers)
        config_fail(where, path + "/layer", "expected -1 (any) or 0.." + std::to_string(m.n_layers - 1) + " (the model has " +
                                                std::to_string(m.n_layers) + " layers), got " + std::to_string(layer));
    if (head >= m.n_heads)
        config_fail(where, path + "/head", "expected -1 (any) or 0.." + std::to_string(m.n_heads - 1) + " (the model has " +
                                               std::to_string(m.n_heads) + " heads), got " + std::to_string(head));
}

static Condition parse_condition(const nlohmann::json& j, const std::string& where, const std::string& path,
                                 const ModelConfig& m, const std::vector<RunVariant>& runs) {
    ObjectReader r(j, where, path);
    Condition c;
    c.metric = r.get_choice("metric", "", condition_metrics());
    if (!r.has("metric")) r.fail("metric", "missing (expected one of " + join(condition_metrics()) + ")");
    c.op = r.get_choice("op", ">", {">", ">=", "<", "<="});
    c.value = r.require_number("value", -1e9, 1e9);
    std::vector<std::string> labels;
    for (const RunVariant& v : runs) labels.push_back(v.label);
    for (const char* key : {"run", "versus"}) {
        if (!r.has(key)) continue;
        if (labels.empty()) r.fail(key, "this step trains one run: \"" + std::string(key) + "\" needs the step's \"runs\"");
        (key[0] == 'r' ? c.run : c.versus) = r.get_choice(key, "", labels);
    }
    c.combine = r.get_choice("combine", "difference", {"difference", "ratio"});
    if (r.has("combine") && c.versus.empty()) r.fail("combine", "only with \"versus\" (a second run to compare with)");
    if (!c.versus.empty() && c.run.empty()) c.run = labels[0];  // named, so the condition reads "x[A] - x[B]"
    if (!c.versus.empty() && c.versus == c.run) r.fail("versus", "compares the run \"" + c.versus + "\" with itself");
    if (c.metric.rfind("moe_", 0) == 0 && !m.moe.enabled())
        r.fail("metric", c.metric + " needs a model with MoE layers (model.moe.experts > 0); this step's model is dense");
    if (c.metric == "attention") {
        if (!r.has("pattern")) r.fail("pattern", "missing (expected one of " + join(attention_patterns()) + ")");
        c.pattern = r.get_choice("pattern", "", attention_patterns());
        c.layer = r.get_int("layer", -1, -1, 1000);
        c.head = r.get_int("head", -1, -1, 1000);
        check_layer_head(m, r, c.layer, c.head, where, path);
    }
    r.finish();
    return c;
}

static std::vector<std::pair<std::string, nlohmann::json>> parse_settings(const nlohmann::json& j, const std::string& where,
                                                                          const std::string& path, RunConfig& check) {
    if (!j.is_object()) config_fail(where, path, "expected an object of settings, got " + json_type_name(j));
    std::vector<std::pair<std::string, nlohmann::json>> out;
    for (auto it = j.begin(); it != j.end(); ++it) out.push_back({it.key(), it.value()});
    // a setting that resets others (a new router's or optimizer's own keys, n_kv_heads with n_heads) goes first,
    // so that {"model.moe.router": "top2", "model.moe.capacity_factor": 2} means what it says
    std::stable_partition(out.begin(), out.end(), [](const auto& s) { return setting_resets_others(s.first); });
    for (const auto& [key, value] : out) check = with_setting(check, key, value, where, path + "/" + key);  // validates
    return out;
}

// "second_moment": {"param": NAME}, NAME a weight matrix of the model (its second moment is n x m)
static void check_second_moment_options(const nlohmann::json& o, const ModelConfig& m, const std::string& where,
                                        const std::string& path) {
    ObjectReader r(o, where, path);
    if (r.has("param")) {
        const std::string name = r.require_string("param");
        ModelConfig named = m;
        if (named.vocab_size == 0) named.vocab_size = 2;  // the names do not depend on the vocabulary
        std::vector<std::string> matrices;
        bool found = false;
        for (const Param& p : model_param_shapes(named)) {
            if (!p.is_matrix()) continue;
            matrices.push_back(p.name);
            found = found || p.name == name;
        }
        if (!found) r.fail("param", "\"" + name + "\" is not a weight matrix of this model (expected one of " + join(matrices) + ")");
    }
    r.finish();
}

static PanelSpec parse_panel(const nlohmann::json& j, const std::string& where, const std::string& path,
                             const ModelConfig& m) {
    PanelSpec p;
    if (j.is_string()) {  // "loss" is short for {"kind": "loss"}
        p.kind = j.get<std::string>();
        for (const auto& k : panel_kinds())
            if (k == p.kind) return p;
        config_fail(where, path, "unknown panel \"" + p.kind + "\" (expected one of " + join(panel_kinds()) + ")");
    }
    ObjectReader r(j, where, path);
    if (!r.has("kind")) r.fail("kind", "missing (expected one of " + join(panel_kinds()) + ")");
    p.kind = r.get_choice("kind", "", panel_kinds());
    p.layer = r.get_int("layer", -1, -1, 1000);
    p.head = r.get_int("head", -1, -1, 1000);
    p.log_y = r.get_bool("log_y", false);
    if (const auto* o = r.child("options")) {
        if (!o->is_object()) r.fail("options", "expected an object, got " + json_type_name(*o));
        p.options = *o;
        if (p.kind == "activations") {  // {"kinds": ["relu", "swiglu", ...]}: the FFN kinds to plot
            ObjectReader opt(*o, where, path + "/options");
            if (const auto* kinds = opt.child("kinds")) {
                if (!kinds->is_array() || kinds->empty())
                    opt.fail("kinds", "expected a non-empty array of FFN kinds, got " + json_type_name(*kinds));
                for (size_t i = 0; i < kinds->size(); i++) {
                    FfnKind k;
                    if (!(*kinds)[i].is_string() || !parse_ffn_kind((*kinds)[i].get<std::string>(), k))
                        config_fail(where, path + "/options/kinds/" + std::to_string(i),
                                    "expected an FFN kind (relu, gelu, gelu_erf, swish, squared_relu, glu, bilinear, "
                                    "reglu, geglu, swiglu), got " + (*kinds)[i].dump());
                }
            }
            opt.finish();
        }
    }
    if (p.kind == "second_moment" && !p.options.is_null()) check_second_moment_options(p.options, m, where, path + "/options");
    if (p.kind == "attention" && (p.layer < 0 || p.head < 0))
        r.fail(p.layer < 0 ? "layer" : "head", "the attention panel shows one head: give its layer and head");
    check_layer_head(m, r, p.layer, p.head, where, path);
    r.finish();
    return p;
}

static KnobSpec parse_knob(const nlohmann::json& j, const std::string& where, const std::string& path,
                           const RunConfig& run) {
    ObjectReader r(j, where, path);
    KnobSpec k;
    k.setting = r.require_string("setting");
    check_setting_name(k.setting, where, path + "/setting");
    k.label = r.get_string("label", k.setting);
    k.locked = r.get_bool("locked", false);
    k.hidden = r.get_bool("hidden", false);
    k.log_scale = r.get_bool("log_scale", false);
    if (const auto* c = r.child("choices")) {
        if (!c->is_array() || c->empty()) r.fail("choices", "expected a non-empty array of values");
        for (size_t i = 0; i < c->size(); i++) {
            with_setting(run, k.setting, (*c)[i], where, path + "/choices/" + std::to_string(i));
            k.choices.push_back((*c)[i]);
        }
    } else {
        if (!r.has("min") || !r.has("max")) r.fail(r.has("min") ? "max" : "min", "missing (a knob needs min and max, or choices)");
        k.min = r.require_number("min", -1e12, 1e12);
        k.max = r.require_number("max", -1e12, 1e12);
        if (k.min >= k.max) r.fail("max", "expected max > min");
        if (k.log_scale && k.min <= 0) r.fail("min", "a log-scale knob needs min > 0");
        with_setting(run, k.setting, k.min, where, path + "/min");
        with_setting(run, k.setting, k.max, where, path + "/max");
    }
    r.finish();
    return k;
}

// "runs": [{"label": "Adam"}, {"label": "Adafactor", "set": {"optim.kind": "adafactor"}}]
static std::vector<RunVariant> parse_runs(const nlohmann::json& j, const std::string& where, const std::string& path,
                                          const RunConfig& run) {
    if (!j.is_array()) config_fail(where, path, "expected an array of runs ({\"label\": ..., \"set\": {...}}), got " + json_type_name(j));
    if (j.size() == 1) config_fail(where, path, "one run is the default: give two or more runs to compare, or [] for one");
    if (j.size() > 8) config_fail(where, path, "at most 8 runs side by side, got " + std::to_string(j.size()));
    std::vector<RunVariant> out;
    for (size_t i = 0; i < j.size(); i++) {
        const std::string p = path + "/" + std::to_string(i);
        ObjectReader r(j[i], where, p);
        RunVariant v;
        v.label = r.require_string("label");
        if (v.label.empty() || v.label.size() > 24) r.fail("label", "expected 1 to 24 characters");
        for (const RunVariant& o : out)
            if (o.label == v.label) r.fail("label", "\"" + v.label + "\" names two runs");
        if (const auto* set = r.child("set")) {
            if (i == 0) r.fail("set", "the first run is the primary one: its settings are the step's own \"set\"");
            RunConfig scratch = run;
            v.set = parse_settings(*set, where, p + "/set", scratch);
        } else if (i > 0) {
            r.fail("set", "missing: a second run differs from the first by its settings");
        }
        r.finish();
        out.push_back(v);
    }
    return out;
}

// A step's "text": one string with paragraphs separated by blank lines, or an array of paragraphs.
static std::vector<std::string> parse_paragraphs(const nlohmann::json& text, const std::string& where, const std::string& path) {
    std::vector<std::string> paragraphs;
    if (text.is_string()) {
        // paragraphs are separated by blank lines
        std::string t = text.get<std::string>(), para;
        size_t pos = 0;
        while (pos <= t.size()) {
            size_t end = t.find("\n\n", pos);
            para = t.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
            if (!para.empty()) paragraphs.push_back(para);
            if (end == std::string::npos) break;
            pos = end + 2;
        }
    } else if (text.is_array()) {
        for (size_t i = 0; i < text.size(); i++) {
            if (!text[i].is_string())
                config_fail(where, path + "/" + std::to_string(i), "expected a string, got " + json_type_name(text[i]));
            paragraphs.push_back(text[i].get<std::string>());
        }
    } else {
        config_fail(where, path, "expected a string or an array of paragraphs, got " + json_type_name(text));
    }
    if (paragraphs.empty()) config_fail(where, path, "is empty: a step says at least one thing");
    return paragraphs;
}

static LessonStep parse_step(const nlohmann::json& j, const std::string& where, const std::string& path,
                             RunConfig& run, const std::vector<RunVariant>& inherited_runs) {
    ObjectReader r(j, where, path);
    LessonStep s;
    s.title = r.require_string("title");
    s.paragraphs = parse_paragraphs(r.require_child("text"), where, r.path_of("text"));

    s.reset = r.get_bool("reset", false);
    if (const auto* set = r.child("set")) {
        s.set = parse_settings(*set, where, path + "/set", run);
        s.reset = true;
    }
    if (const auto* runs = r.child("runs")) {
        s.runs = parse_runs(*runs, where, path + "/runs", run);
        s.runs_given = true;
        s.reset = true;
    } else {
        s.runs = inherited_runs;
    }
    const ModelConfig& m = run.model;  // panels and conditions are checked against the model this step runs
    if (const auto* panels = r.child("panels")) {
        if (!panels->is_array()) r.fail("panels", "expected an array, got " + json_type_name(*panels));
        for (size_t i = 0; i < panels->size(); i++)
            s.panels.push_back(parse_panel((*panels)[i], where, path + "/panels/" + std::to_string(i), m));
    }
    if (const auto* knobs = r.child("knobs")) {
        if (!knobs->is_array()) r.fail("knobs", "expected an array, got " + json_type_name(*knobs));
        for (size_t i = 0; i < knobs->size(); i++)
            s.knobs.push_back(parse_knob((*knobs)[i], where, path + "/knobs/" + std::to_string(i), run));
    }
    if (const auto* train = r.child("train")) {
        ObjectReader t(*train, where, path + "/train");
        const int given = t.has("to_step") + t.has("for_steps") + t.has("until");
        if (given != 1) config_fail(where, path + "/train", "expected exactly one of to_step, for_steps, until");
        if (t.has("to_step")) {
            s.train.kind = TrainAction::ToStep;
            s.train.steps = t.get_int("to_step", 0, 1, 1000000);
        } else if (t.has("for_steps")) {
            s.train.kind = TrainAction::ForSteps;
            s.train.steps = t.get_int("for_steps", 0, 1, 1000000);
        } else {
            s.train.kind = TrainAction::Until;
            s.train.until = parse_condition(*t.child("until"), where, path + "/train/until", m, s.runs);
            if (!t.has("max_steps")) t.fail("max_steps", "missing (training until a condition needs a step budget)");
            s.train.steps = t.get_int("max_steps", 0, 1, 1000000);
        }
        t.finish();
    }
    if (const auto* watch = r.child("watch_for")) {
        if (!watch->is_array()) r.fail("watch_for", "expected an array, got " + json_type_name(*watch));
        for (size_t i = 0; i < watch->size(); i++) {
            const std::string p = path + "/watch_for/" + std::to_string(i);
            ObjectReader o((*watch)[i], where, p);
            Observation ob;
            ob.text = o.require_string("text");
            ob.when = parse_condition(o.require_child("when"), where, p + "/when", m, s.runs);
            ob.within_steps = o.get_int("within_steps", 0, 0, 1000000);
            ob.at_end = o.get_bool("at_end", false);
            if (ob.within_steps == 0 && s.train.kind == TrainAction::None)
                o.fail("within_steps", "missing: this step does not train, so say how many steps the observation may take");
            o.finish();
            s.watch_for.push_back(ob);
        }
    }
    if (const auto* good = r.child("known_good")) {
        if (!good->is_array()) r.fail("known_good", "expected an array, got " + json_type_name(*good));
        for (size_t i = 0; i < good->size(); i++) {
            const std::string p = path + "/known_good/" + std::to_string(i);
            ObjectReader o((*good)[i], where, p);
            KnownGood g;
            g.text = o.require_string("text");
            RunConfig scratch = run;
            g.settings = parse_settings(o.require_child("set"), where, p + "/set", scratch);
            o.finish();
            s.known_good.push_back(g);
        }
    }
    r.finish();
    return s;
}

Lesson parse_lesson(const nlohmann::json& j, const std::string& where) {
    ObjectReader r(j, where, "");
    Lesson l;
    l.file = where;
    l.id = r.require_string("id");
    if (l.id.empty() || l.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
        r.fail("id", "expected lower-case letters, digits, '-' or '_', got \"" + l.id + "\"");
    l.title = r.require_string("title");
    l.language = r.get_string("language", "en");
    l.minutes = r.require_int("minutes", 1, 240);
    {
        ObjectReader p(r.require_child("paper"), where, "/paper");
        l.paper.title = p.require_string("title");
        l.paper.authors = p.require_string("authors");
        l.paper.year = p.require_int("year", 1900, 2100);
        l.paper.section = p.get_string("section", "");
        p.finish();
    }
    const nlohmann::json& run = r.require_child("run");
    l.run = parse_run_config(run, where, "/run", {"pretrain_steps"});
    if (run.contains("pretrain_steps")) {
        ObjectReader rr(run, where, "/run");
        l.pretrain_steps = rr.get_int("pretrain_steps", 0, 0, 1000000);
    }
    const nlohmann::json& steps = r.require_child("steps");
    if (!steps.is_array() || steps.empty()) r.fail("steps", "expected a non-empty array of steps");
    RunConfig current = l.run;  // settings carry over from step to step, as in the player
    std::vector<RunVariant> runs;  // and so do the side-by-side runs
    for (size_t i = 0; i < steps.size(); i++) {
        l.steps.push_back(parse_step(steps[i], where, "/steps/" + std::to_string(i), current, runs));
        runs = l.steps.back().runs;
    }
    r.finish();
    return l;
}

std::string second_moment_param(const PanelSpec& p) {
    static const char* kDefault = "blocks.0.ffn.w1.w";
    return p.options.is_object() ? p.options.value("param", kDefault) : kDefault;
}

std::string lesson_watched_matrix(const Lesson& l) {
    for (const LessonStep& st : l.steps)
        for (const PanelSpec& p : st.panels)
            if (p.kind == "second_moment") return second_moment_param(p);
    return "";
}

Lesson load_lesson(const std::string& path) { return parse_lesson(read_json_file(path), path); }

// ============================================================================ Translations (sidecars)

std::string translation_path(const std::string& lesson_path, const std::string& lang) {
    if (lang.empty() || lang == "en") return "";
    const std::filesystem::path p(lesson_path);
    return (p.parent_path() / lang / p.filename()).string();
}

bool is_translation(const nlohmann::json& j) { return j.is_object() && j.contains("translates"); }

namespace {

size_t count_code_points(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// "watch_for": ["...", ...]: one non-empty string per English entry, present exactly when the English step has some
std::vector<std::string> aligned_strings(ObjectReader& r, const std::string& key, size_t english_count, const char* what,
                                         const std::string& where) {
    std::vector<std::string> out;
    const nlohmann::json* a = r.child(key);
    if (english_count == 0) {
        if (a) r.fail(key, std::string("the English step has no ") + what + ": leave it out");
        return out;
    }
    if (!a) r.fail(key, "missing: the English step has " + std::to_string(english_count) + " " + what);
    if (!a->is_array()) r.fail(key, "expected an array of strings, got " + json_type_name(*a));
    if (a->size() != english_count)
        r.fail(key, "expected " + std::to_string(english_count) + " entries (one per English " + what + ", same order), got " +
                        std::to_string(a->size()));
    for (size_t i = 0; i < a->size(); i++) {
        const std::string p = r.path_of(key) + "/" + std::to_string(i);
        if (!(*a)[i].is_string()) config_fail(where, p, "expected a string, got " + json_type_name((*a)[i]));
        out.push_back((*a)[i].get<std::string>());
        if (out.back().empty()) config_fail(where, p, "is empty");
    }
    return out;
}

void rename_runs(Condition& c, const std::map<std::string, std::string>& names) {
    if (auto it = names.find(c.run); it != names.end()) c.run = it->second;
    if (auto it = names.find(c.versus); it != names.end()) c.versus = it->second;
}

}  // namespace

void apply_translation(Lesson& lesson, const nlohmann::json& j, const std::string& where, const std::string& lang) {
    Lesson l = lesson;  // all or nothing: the English lesson stays as it was if the sidecar is wrong
    ObjectReader r(j, where, "");
    const std::string language = r.require_string("language");
    if (language.empty() || language == "en") r.fail("language", "expected the language of the translation (e.g. \"zh\"), got \"" + language + "\"");
    if (!lang.empty() && language != lang)
        r.fail("language", "expected \"" + lang + "\" (the folder it is in), got \"" + language + "\"");
    const std::string english_name = std::filesystem::path(l.file).filename().string();
    const std::string translates = r.require_string("translates");
    if (translates != english_name) r.fail("translates", "expected \"" + english_name + "\" (the English lesson), got \"" + translates + "\"");
    l.title = r.require_string("title");
    if (l.title.empty()) r.fail("title", "is empty");
    const nlohmann::json& steps = r.require_child("steps");
    if (!steps.is_array()) r.fail("steps", "expected an array of steps, got " + json_type_name(steps));
    if (steps.size() != l.steps.size())
        r.fail("steps", "expected " + std::to_string(l.steps.size()) + " steps (as many as " + english_name + " has), got " +
                            std::to_string(steps.size()));
    std::map<std::string, std::string> run_names;  // the side-by-side runs' English labels -> translated, while they run
    for (size_t i = 0; i < steps.size(); i++) {
        LessonStep& s = l.steps[i];
        ObjectReader t(steps[i], where, "/steps/" + std::to_string(i));
        s.title = t.require_string("title");
        if (s.title.empty()) t.fail("title", "is empty");
        s.paragraphs = parse_paragraphs(t.require_child("text"), where, t.path_of("text"));
        const auto watch = aligned_strings(t, "watch_for", s.watch_for.size(), "watch_for entries", where);
        for (size_t k = 0; k < watch.size(); k++) s.watch_for[k].text = watch[k];
        const auto knobs = aligned_strings(t, "knobs", s.knobs.size(), "knobs", where);
        for (size_t k = 0; k < knobs.size(); k++) s.knobs[k].label = knobs[k];
        const auto good = aligned_strings(t, "known_good", s.known_good.size(), "known_good entries", where);
        for (size_t k = 0; k < good.size(); k++) s.known_good[k].text = good[k];
        // a step's own runs get their translated labels, and so do the steps that inherit them and every
        // condition that names them (a consistent renaming: the runs and their checks stay the same)
        const auto runs = aligned_strings(t, "runs", s.runs_given ? s.runs.size() : 0, "runs", where);
        if (s.runs_given) {
            run_names.clear();
            for (size_t k = 0; k < runs.size(); k++) {
                const std::string p = t.path_of("runs") + "/" + std::to_string(k);
                if (count_code_points(runs[k]) > 24) config_fail(where, p, "expected 1 to 24 characters");
                for (size_t m = 0; m < k; m++)
                    if (runs[m] == runs[k]) config_fail(where, p, "\"" + runs[k] + "\" names two runs");
                run_names[s.runs[k].label] = runs[k];
            }
        }
        for (RunVariant& v : s.runs) v.label = run_names.count(v.label) ? run_names[v.label] : v.label;
        for (Observation& o : s.watch_for) rename_runs(o.when, run_names);
        if (s.train.kind == TrainAction::Until) rename_runs(s.train.until, run_names);
        t.finish();
    }
    r.finish();
    l.language = language;
    l.translation_note.clear();
    lesson = std::move(l);
}

Lesson load_lesson(const std::string& path, const std::string& lang) {
    Lesson l = load_lesson(path);
    const std::string side = translation_path(path, lang);
    if (side.empty()) return l;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(side, ec)) {
        l.translation_note = "not yet translated (no " + side + ")";
        return l;
    }
    try {
        apply_translation(l, read_json_file(side), side, lang);
    } catch (const std::exception& e) {
        l.translation_note = e.what();
    }
    return l;
}

Lesson load_translation_file(const std::string& sidecar_path) {
    const nlohmann::json j = read_json_file(sidecar_path);
    // the English lesson is the file of the same name one folder up (apply_translation checks "translates" names it)
    const std::filesystem::path side(sidecar_path);
    const std::string english = (side.parent_path().parent_path() / side.filename()).string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(english, ec))
        config_fail(sidecar_path, "", "a translation needs its English lesson " + english + " (the same file name, one folder up)");
    Lesson l = load_lesson(english);
    const std::string folder = std::filesystem::absolute(side, ec).parent_path().filename().string();
    apply_translation(l, j, sidecar_path, folder);
    return l;
}

std::vector<std::string> translation_files(const std::string& lesson_path) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    const fs::path p(lesson_path);
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    std::error_code ec;
    for (const auto& d : fs::directory_iterator(dir, ec)) {
        if (!d.is_directory(ec)) continue;
        const fs::path side = d.path() / p.filename();
        if (fs::is_regular_file(side, ec)) out.push_back((p.parent_path() / d.path().filename() / p.filename()).string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace noam
