// Run configuration: JSON in, validated structs out, and back to JSON (for run records and dumps).
#include "config.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "json_reader.h"

namespace noam {

const char* to_string(NormKind k) { return k == NormKind::LayerNorm ? "layernorm" : "rmsnorm"; }
const char* to_string(NormPlacement p) { return p == NormPlacement::PreNorm ? "pre" : "post"; }
const char* to_string(PosKind p) {
    return p == PosKind::Sinusoidal ? "sinusoidal" : p == PosKind::Learned ? "learned" : "none";
}
const char* to_string(Schedule s) {
    return s == Schedule::Constant ? "constant" : s == Schedule::Noam ? "noam" : "cosine";
}

static std::vector<std::string> ffn_names() {
    std::vector<std::string> v;
    for (int k = (int)FfnKind::ReLU; k <= (int)FfnKind::SwiGLU; k++) v.push_back(to_string((FfnKind)k));
    return v;
}

static ModelConfig parse_model(const nlohmann::json& j, const std::string& where, const std::string& at) {
    ObjectReader r(j, where, at + "/model");
    ModelConfig m;
    m.vocab_size = r.get_int("vocab_size", 0, 0, 1 << 20);
    m.d_model = r.get_int("d_model", m.d_model, 1, 8192);
    m.n_heads = r.get_int("n_heads", m.n_heads, 1, 256);
    m.n_kv_heads = r.get_int("n_kv_heads", 0, 0, 256);
    m.n_layers = r.get_int("n_layers", m.n_layers, 0, 64);
    m.d_ff = r.get_int("d_ff", m.d_ff, 1, 1 << 16);
    m.seq_len = r.get_int("seq_len", m.seq_len, 2, 4096);
    m.norm = r.get_choice("norm", "layernorm", {"layernorm", "rmsnorm"}) == "layernorm" ? NormKind::LayerNorm
                                                                                        : NormKind::RMSNorm;
    m.placement = r.get_choice("placement", "pre", {"pre", "post"}) == "pre" ? NormPlacement::PreNorm
                                                                            : NormPlacement::PostNorm;
    const std::string pos = r.get_choice("positions", "sinusoidal", {"sinusoidal", "learned", "none"});
    m.positions = pos == "sinusoidal" ? PosKind::Sinusoidal : pos == "learned" ? PosKind::Learned : PosKind::None;
    m.tie_embeddings = r.get_bool("tie_embeddings", m.tie_embeddings);
    m.scale_embeddings = r.get_bool("scale_embeddings", m.scale_embeddings);
    m.causal = r.get_bool("causal", m.causal);
    m.scale_attention = r.get_bool("scale_attention", m.scale_attention);
    parse_ffn_kind(r.get_choice("ffn", "relu", ffn_names()), m.ffn);
    // The GLU paper (after T5) drops the biases. A knob or race that changes model.ffn keeps the run's ffn_bias
    // (with_setting writes it out): one setting changes at a time, and every kind compared has the same biases.
    m.ffn_bias = r.get_bool("ffn_bias", !is_gated(m.ffn));
    m.ffn_match_params = r.get_bool("ffn_match_params", m.ffn_match_params);
    m.init_scale = (float)r.get_number("init_scale", m.init_scale, 0.0, 100.0);
    m.talking_heads = r.get_bool("talking_heads", m.talking_heads);
    // attention_dconv: true (Primer's width 3), false, or a width
    if (const nlohmann::json* dc = r.child("attention_dconv")) {
        if (dc->is_boolean())
            m.attention_dconv = dc->get<bool>() ? 3 : 0;
        else if (dc->is_number())
            m.attention_dconv = r.get_int("attention_dconv", 0, 0, 16);
        else
            r.fail("attention_dconv", "expected true, false or a width (an integer between 0 and 16), got " +
                                          json_type_name(*dc));
    }
    r.finish();
    return m;
}

static DataConfig parse_data(const nlohmann::json& j, const std::string& where, const std::string& at) {
    ObjectReader r(j, where, at + "/data");
    DataConfig d;
    d.task = r.get_choice("task", d.task, {"copy", "reverse", "sort", "recall", "induction", "text", "random"});
    d.corpus = r.get_string("corpus", d.task == "text" ? "literature" : "");
    d.digits = r.get_int("digits", d.digits, 2, 36);
    d.val_fraction = (float)r.get_number("val_fraction", d.val_fraction, 0.01, 0.5);
    r.finish();
    return d;
}

static OptimConfig parse_optim(const nlohmann::json& j, const std::string& where, const std::string& at) {
    ObjectReader r(j, where, at + "/optim");
    OptimConfig o;
    o.kind = r.get_choice("kind", o.kind, {"adam", "adamw", "adafactor", "sgd"});
    o.lr = (float)r.get_number("lr", o.lr, 1e-12, 1e9);
    const std::string s = r.get_choice("schedule", "constant", {"constant", "noam", "cosine"});
    o.schedule = s == "constant" ? Schedule::Constant : s == "noam" ? Schedule::Noam : Schedule::Cosine;
    o.warmup = r.get_int("warmup", o.warmup, 0, 1 << 30);
    o.total_steps = r.get_int("total_steps", o.total_steps, 0, 1 << 30);
    o.min_lr = (float)r.get_number("min_lr", o.min_lr, 0.0, 1e9);
    o.beta1 = (float)r.get_number("beta1", o.kind == "adafactor" ? 0.0 : o.beta1, 0.0, 0.999999);
    o.beta2 = (float)r.get_number("beta2", o.beta2, 0.0, 0.999999999);
    o.eps = (float)r.get_number("eps", o.eps, 1e-30, 1.0);
    o.weight_decay = (float)r.get_number("weight_decay", o.weight_decay, 0.0, 10.0);
    o.grad_clip = (float)r.get_number("grad_clip", o.grad_clip, 0.0, 1e9);
    o.label_smoothing = (float)r.get_number("label_smoothing", o.label_smoothing, 0.0, 0.99);
    o.momentum = (float)r.get_number("momentum", o.momentum, 0.0, 0.999999);
    o.relative_step = r.get_bool("relative_step", o.relative_step);
    o.scale_parameter = r.get_bool("scale_parameter", o.scale_parameter);
    o.decay_exponent = (float)r.get_number("decay_exponent", o.decay_exponent, 0.01, 10.0);
    o.fixed_beta2 = (float)r.get_number("fixed_beta2", o.fixed_beta2, 0.0, 0.999999);
    o.clip_threshold = (float)r.get_number("clip_threshold", o.clip_threshold, 1e-6, 1e9);
    o.eps1 = (float)r.get_number("eps1", o.eps1, 1e-38, 1.0);
    o.eps2 = (float)r.get_number("eps2", o.eps2, 0.0, 1.0);
    r.finish();
    return o;
}

static TrainConfig parse_train(const nlohmann::json& j, const std::string& where, const std::string& at) {
    ObjectReader r(j, where, at + "/train");
    TrainConfig t;
    t.batch_size = r.get_int("batch_size", t.batch_size, 1, 4096);
    t.steps = r.get_int("steps", t.steps, 0, 1 << 30);
    t.seed = (uint64_t)r.get_number("seed", (double)t.seed, 0, 9007199254740992.0);
    t.eval_every = r.get_int("eval_every", t.eval_every, 1, 1 << 30);
    t.val_batches = r.get_int("val_batches", t.val_batches, 1, 1000);
    t.threads = r.get_int("threads", t.threads, 0, 256);
    r.finish();
    return t;
}

RunConfig parse_run_config(const nlohmann::json& j, const std::string& where, const std::string& at,
                           const std::vector<std::string>& extra_keys) {
    ObjectReader r(j, where, at);
    RunConfig c;
    c.model = parse_model(r.require_child("model"), where, at);
    c.data = parse_data(r.require_child("data"), where, at);
    if (const auto* o = r.child("optim")) c.optim = parse_optim(*o, where, at);
    if (const auto* t = r.child("train")) c.train = parse_train(*t, where, at);
    r.child("comment");  // free text for people reading the file
    for (const auto& k : extra_keys) r.child(k);  // read by the caller
    r.finish();
    c.data.seq_len = c.model.seq_len;
    validate(c, where, at);
    return c;
}

RunConfig load_run_config(const std::string& path) { return parse_run_config(read_json_file(path), path); }

// A setting is "section.key" of the run config's JSON form, e.g. "optim.lr" or "model.n_kv_heads".
// The config goes to JSON, the key is set, and the whole config is parsed again: every check of a config
// file applies to a knob too.
RunConfig with_setting(const RunConfig& c, const std::string& setting, const nlohmann::json& value,
                       const std::string& where, const std::string& path) {
    const size_t dot = setting.find('.');
    nlohmann::json j = run_config_to_json(c);
    const std::string section = dot == std::string::npos ? "" : setting.substr(0, dot);
    const std::string key = dot == std::string::npos ? "" : setting.substr(dot + 1);
    check_setting_name(setting, where, path);
    j[section][key] = value;
    if (section == "model" && key != "vocab_size") j["model"]["vocab_size"] = 0;  // re-derived from the data
    if (section == "model" && key == "n_heads") j["model"]["n_kv_heads"] = 0;
    try {
        return parse_run_config(j, where, "");
    } catch (const ConfigError& e) {
        // name the setting, then what was wrong with the value
        std::string msg = e.what();
        const size_t p = msg.find(": /");
        const size_t q = p == std::string::npos ? std::string::npos : msg.find(": ", p + 2);
        config_fail(where, path, "setting " + setting + " = " + value.dump() + ": " +
                                     (q == std::string::npos ? msg : msg.substr(q + 2)));
    }
}

void check_setting_name(const std::string& setting, const std::string& where, const std::string& path) {
    const std::vector<std::string> names = setting_names();
    if (std::find(names.begin(), names.end(), setting) != names.end()) return;
    std::string list;
    for (const auto& s : names) list += (list.empty() ? "" : ", ") + s;
    config_fail(where, path, "unknown setting \"" + setting + "\" (expected one of: " + list + ")");
}

std::vector<std::string> setting_names() {
    std::vector<std::string> names;
    const nlohmann::json j = run_config_to_json(RunConfig{});
    for (auto sec = j.begin(); sec != j.end(); ++sec)
        for (auto k = sec->begin(); k != sec->end(); ++k) names.push_back(sec.key() + "." + k.key());
    names.push_back("data.corpus");
    return names;
}

void validate(const RunConfig& c, const std::string& where, const std::string& at) {
    const ModelConfig& m = c.model;
    if (m.d_model % m.n_heads != 0)
        config_fail(where, at + "/model/n_heads", "d_model (" + std::to_string(m.d_model) + ") must be divisible by n_heads (" +
                                                 std::to_string(m.n_heads) + ")");
    if (m.kv_heads() > m.n_heads || m.n_heads % m.kv_heads() != 0)
        config_fail(where, at + "/model/n_kv_heads", "n_heads (" + std::to_string(m.n_heads) +
                                                    ") must be a multiple of n_kv_heads (" +
                                                    std::to_string(m.kv_heads()) + ")");
    if (m.positions == PosKind::Sinusoidal && m.d_model % 2 != 0)
        config_fail(where, at + "/model/d_model", "sinusoidal positions need an even d_model");
}

nlohmann::json run_config_to_json(const RunConfig& c) {
    const ModelConfig& m = c.model;
    nlohmann::json j;
    j["model"] = {{"vocab_size", m.vocab_size}, {"d_model", m.d_model}, {"n_heads", m.n_heads},
                  {"n_kv_heads", m.kv_heads()}, {"n_layers", m.n_layers}, {"d_ff", m.d_ff},
                  {"seq_len", m.seq_len}, {"norm", to_string(m.norm)}, {"placement", to_string(m.placement)},
                  {"positions", to_string(m.positions)}, {"tie_embeddings", m.tie_embeddings},
                  {"scale_embeddings", m.scale_embeddings}, {"causal", m.causal},
                  {"scale_attention", m.scale_attention}, {"ffn", to_string(m.ffn)}, {"ffn_bias", m.ffn_bias},
                  {"ffn_match_params", m.ffn_match_params}, {"init_scale", m.init_scale},
                  {"talking_heads", m.talking_heads}, {"attention_dconv", m.attention_dconv}};
    j["data"] = {{"task", c.data.task}, {"digits", c.data.digits}, {"val_fraction", c.data.val_fraction}};
    if (!c.data.corpus.empty()) j["data"]["corpus"] = c.data.corpus;
    const OptimConfig& o = c.optim;
    j["optim"] = {{"kind", o.kind}, {"lr", o.lr}, {"schedule", to_string(o.schedule)}, {"warmup", o.warmup},
                  {"total_steps", o.total_steps}, {"min_lr", o.min_lr}, {"beta1", o.beta1}, {"beta2", o.beta2},
                  {"eps", o.eps}, {"weight_decay", o.weight_decay}, {"grad_clip", o.grad_clip},
                  {"label_smoothing", o.label_smoothing}, {"momentum", o.momentum},
                  {"relative_step", o.relative_step}, {"scale_parameter", o.scale_parameter},
                  {"decay_exponent", o.decay_exponent}, {"fixed_beta2", o.fixed_beta2}, {"clip_threshold", o.clip_threshold}, {"eps1", o.eps1},
                  {"eps2", o.eps2}};
    const TrainConfig& t = c.train;
    j["train"] = {{"batch_size", t.batch_size}, {"steps", t.steps}, {"seed", t.seed}, {"eval_every", t.eval_every},
                  {"val_batches", t.val_batches}, {"threads", t.threads}};
    return j;
}

}  // namespace noam
