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

const char* to_string(RouterKind r) {
    switch (r) {
        case RouterKind::Switch: return "switch";
        case RouterKind::Top2: return "top2";
        case RouterKind::NoisyTopK: return "noisy_topk";
        case RouterKind::ExpertChoice: return "expert_choice";
    }
    return "?";
}
const char* to_string(SecondPolicy p) {
    switch (p) {
        case SecondPolicy::All: return "all";
        case SecondPolicy::None: return "none";
        case SecondPolicy::Threshold: return "threshold";
        case SecondPolicy::Random: return "random";
    }
    return "?";
}

double MoeConfig::experts_per_token() const {
    switch (router) {
        case RouterKind::Switch: return 1.0;
        case RouterKind::Top2: return second_policy == SecondPolicy::None ? 1.0 : 2.0;
        case RouterKind::NoisyTopK: return k;
        case RouterKind::ExpertChoice: return capacity_factor;  // E experts x (T cf / E) tokens over T tokens
    }
    return 1.0;
}

// The keys of "moe" that only some routers read (the others are common to all): a key set for another router
// is an error, and with_setting drops them when the router changes.
static const std::vector<std::pair<std::string, std::vector<RouterKind>>>& moe_router_keys() {
    using R = RouterKind;
    static const std::vector<std::pair<std::string, std::vector<RouterKind>>> keys = {
        {"capacity_factor", {R::Switch, R::Top2, R::ExpertChoice}},
        {"eval_capacity_factor", {R::Switch, R::Top2, R::ExpertChoice}},
        {"router_init_scale", {R::Switch, R::Top2, R::ExpertChoice}},
        {"balance_coef", {R::Switch, R::Top2}},
        {"second_policy", {R::Top2}},
        {"second_threshold", {R::Top2}},
        {"k", {R::NoisyTopK}},
        {"noise", {R::NoisyTopK}},
        {"importance_coef", {R::NoisyTopK}},
        {"load_coef", {R::NoisyTopK}},
    };
    return keys;
}

static bool moe_key_applies(const std::string& key, RouterKind r) {
    for (const auto& [name, routers] : moe_router_keys())
        if (name == key) return std::find(routers.begin(), routers.end(), r) != routers.end();
    return true;  // a common key
}

static MoeConfig parse_moe(const nlohmann::json& j, const std::string& where, const std::string& at) {
    ObjectReader r(j, where, at + "/model/moe");
    MoeConfig m;
    m.experts = r.require_int("experts", 0, 256);
    if (m.experts == 1) r.fail("experts", "expected 0 (a dense FFN) or 2..256 experts, got 1");
    const std::string router = r.get_choice("router", "switch", {"switch", "top2", "noisy_topk", "expert_choice"});
    for (RouterKind k : {RouterKind::Switch, RouterKind::Top2, RouterKind::NoisyTopK, RouterKind::ExpertChoice})
        if (router == to_string(k)) m.router = k;
    for (const auto& [key, routers] : moe_router_keys()) {
        if (!r.has(key) || moe_key_applies(key, m.router)) continue;
        std::string list;
        for (RouterKind k : routers) list += (list.empty() ? "" : ", ") + std::string(to_string(k));
        r.fail(key, "applies only to the router" + std::string(routers.size() > 1 ? "s " : " ") + list + ", not to " +
                        router);
    }
    m.every = r.get_int("every", m.every, 1, 64);
    m.group_size = r.get_int("group_size", m.group_size, 0, 1 << 20);
    m.z_loss_coef = (float)r.get_number("z_loss_coef", m.z_loss_coef, 0.0, 1e3);
    m.router_init_scale = (float)r.get_number("router_init_scale", m.router_init_scale, 0.0, 100.0);
    const double cf = m.router == RouterKind::ExpertChoice ? 2.0 : m.capacity_factor;
    m.capacity_factor = (float)r.get_number("capacity_factor", cf, 0.01, 1024.0);
    m.eval_capacity_factor = (float)r.get_number("eval_capacity_factor", m.eval_capacity_factor, 0.01, 1024.0);
    m.balance_coef = (float)r.get_number("balance_coef", m.balance_coef, 0.0, 1e3);
    const std::string policy = r.get_choice("second_policy", "random", {"all", "none", "threshold", "random"});
    for (SecondPolicy p : {SecondPolicy::All, SecondPolicy::None, SecondPolicy::Threshold, SecondPolicy::Random})
        if (policy == to_string(p)) m.second_policy = p;
    m.second_threshold = (float)r.get_number("second_threshold", m.second_threshold, 1e-6, 1.0);
    m.k = r.get_int("k", m.k, 1, 256);
    m.noise = r.get_bool("noise", m.noise);
    m.importance_coef = (float)r.get_number("importance_coef", m.importance_coef, 0.0, 1e3);
    m.load_coef = (float)r.get_number("load_coef", m.load_coef, 0.0, 1e3);
    if (m.router == RouterKind::NoisyTopK && m.enabled() && m.k >= m.experts)
        r.fail("k", "expected 1 <= k < experts (" + std::to_string(m.experts) + "): the load estimator needs an " +
                        "expert outside the top k; got " + std::to_string(m.k));
    r.finish();
    return m;
}

static nlohmann::json moe_to_json(const MoeConfig& m) {
    nlohmann::json j = {{"experts", m.experts}, {"router", to_string(m.router)}, {"every", m.every},
                        {"group_size", m.group_size}, {"z_loss_coef", m.z_loss_coef},
                        {"router_init_scale", m.router_init_scale}, {"capacity_factor", m.capacity_factor},
                        {"eval_capacity_factor", m.eval_capacity_factor}, {"balance_coef", m.balance_coef},
                        {"second_policy", to_string(m.second_policy)}, {"second_threshold", m.second_threshold},
                        {"k", m.k}, {"noise", m.noise}, {"importance_coef", m.importance_coef},
                        {"load_coef", m.load_coef}};
    for (const auto& [key, routers] : moe_router_keys())
        if (!moe_key_applies(key, m.router)) j.erase(key);
    return j;
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
    if (const auto* moe = r.child("moe")) m.moe = parse_moe(*moe, where, at);
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

// A setting is the dotted path of a key in the run config's JSON form, e.g. "optim.lr", "model.n_kv_heads" or
// "model.moe.router". The config goes to JSON, the key is set, and the whole config is parsed again: every check
// of a config file applies to a knob too.
RunConfig with_setting(const RunConfig& c, const std::string& setting, const nlohmann::json& value,
                       const std::string& where, const std::string& path) {
    check_setting_name(setting, where, path);
    nlohmann::json j = run_config_to_json(c);
    std::string pointer = "/" + setting;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    j[nlohmann::json::json_pointer(pointer)] = value;
    const std::string section = setting.substr(0, setting.find('.'));
    if (section == "model" && setting != "model.vocab_size") j["model"]["vocab_size"] = 0;  // re-derived from the data
    if (setting == "model.n_heads") j["model"]["n_kv_heads"] = 0;
    if (setting == "model.moe.router" && value.is_string())  // the old router's own keys do not carry over
        for (const auto& [key, routers] : moe_router_keys()) j["model"]["moe"].erase(key);
    // another optimizer starts from its own first-moment default (Adam's beta1 0.9; Adafactor's 0: none)
    if (setting == "optim.kind" && value.is_string() && value.get<std::string>() != c.optim.kind) j["optim"].erase("beta1");
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

bool setting_resets_others(const std::string& setting) {
    return setting == "optim.kind" || setting == "model.moe.router" || setting == "model.n_heads";
}

void check_setting_name(const std::string& setting, const std::string& where, const std::string& path) {
    const std::vector<std::string> names = setting_names();
    if (std::find(names.begin(), names.end(), setting) != names.end()) return;
    std::string list;
    for (const auto& s : names) list += (list.empty() ? "" : ", ") + s;
    config_fail(where, path, "unknown setting \"" + setting + "\" (expected one of: " + list + ")");
}

// every leaf of the JSON form, as a dotted path; nested objects ("model.moe") list their keys
static void add_setting_names(const nlohmann::json& j, const std::string& prefix, std::vector<std::string>& names) {
    for (auto k = j.begin(); k != j.end(); ++k) {
        const std::string name = prefix.empty() ? k.key() : prefix + "." + k.key();
        if (k->is_object())
            add_setting_names(*k, name, names);
        else if (std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    }
}

std::vector<std::string> setting_names() {
    std::vector<std::string> names;
    add_setting_names(run_config_to_json(RunConfig{}), "", names);
    names.push_back("data.corpus");
    // "model.moe.*": the keys of every router (the default config is dense and has no "moe")
    for (RouterKind r : {RouterKind::Switch, RouterKind::Top2, RouterKind::NoisyTopK, RouterKind::ExpertChoice}) {
        RunConfig c;
        c.model.moe.experts = 4;
        c.model.moe.router = r;
        add_setting_names(run_config_to_json(c)["model"]["moe"], "model.moe", names);
    }
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
    if (m.moe.enabled() && m.moe.every > m.n_layers)
        config_fail(where, at + "/model/moe/every", "every " + std::to_string(m.moe.every) +
                                                   " leaves no MoE layer in a model of " + std::to_string(m.n_layers) +
                                                   " layers (MoE layers are " + std::to_string(m.moe.every - 1) +
                                                   ", " + std::to_string(2 * m.moe.every - 1) + ", ...)");
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
    if (m.moe.enabled()) j["model"]["moe"] = moe_to_json(m.moe);
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
