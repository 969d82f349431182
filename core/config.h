// The run configuration: model, data, optimizer and training settings, parsed from JSON with errors that
// name the JSON path and what was expected.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data.h"
#include "ffn.h"

namespace noam {

enum class NormKind { LayerNorm, RMSNorm };
enum class NormPlacement { PreNorm, PostNorm };
enum class PosKind { Sinusoidal, Learned, None };

// ---- Mixture-of-Experts (PAPERS.md sections 3-7): which router, how many experts, the loss coefficients.
enum class RouterKind { Switch, Top2, NoisyTopK, ExpertChoice };
enum class SecondPolicy { All, None, Threshold, Random };  // GShard's second-expert policies

struct MoeConfig {
    int experts = 0;                  // E; 0: a dense FFN (no MoE anywhere)
    RouterKind router = RouterKind::Switch;
    int every = 1;                    // 1: every block's FFN is an MoE; 2: every other block (1, 3, 5 ...: GShard)
    int group_size = 0;               // tokens per routing group (capacity and balance losses per group); 0: the batch
    float z_loss_coef = 0.0f;         // ST-MoE router z-loss c_z (the paper uses 1e-3); any router
    float router_init_scale = 0.1f;   // Switch's s: W_r ~ truncated normal, std sqrt(s / d_model) (not noisy_topk)
    // switch, top2, expert_choice
    float capacity_factor = 1.25f;    // training; expert_choice's default is 2.0 (Zhou et al.'s EC-CF2)
    float eval_capacity_factor = 2.0f;
    // switch, top2
    float balance_coef = 0.01f;       // Switch alpha / GShard's aux-loss weight
    // top2
    SecondPolicy second_policy = SecondPolicy::Random;
    float second_threshold = 0.2f;
    // noisy_topk (Shazeer et al. 2017)
    int k = 2;                        // experts per token
    bool noise = true;                // trainable Gaussian noise in training
    float importance_coef = 0.1f;     // w_importance
    float load_coef = 0.1f;           // w_load

    bool enabled() const { return experts > 0; }
    bool is_moe_layer(int layer) const { return enabled() && (every == 1 || layer % every == every - 1); }
    bool has_capacity() const { return router != RouterKind::NoisyTopK; }
    // experts a token is sent to at most (switch 1, top2 2, noisy_topk k), expert_choice: on average
    double experts_per_token() const;
};

struct ModelConfig {
    int vocab_size = 0;   // 0: take it from the data's tokenizer
    int d_model = 64;
    int n_heads = 4;
    int n_kv_heads = 0;   // 0: same as n_heads (MHA); 1: MQA; in between: GQA
    int n_layers = 2;
    int d_ff = 256;
    int seq_len = 64;
    NormKind norm = NormKind::LayerNorm;
    NormPlacement placement = NormPlacement::PreNorm;
    PosKind positions = PosKind::Sinusoidal;
    bool tie_embeddings = true;
    bool scale_embeddings = true;  // multiply token embeddings by sqrt(d_model), as the paper does
    bool causal = true;
    bool scale_attention = true;   // divide attention scores by sqrt(d_k)
    FfnKind ffn = FfnKind::ReLU;
    bool ffn_bias = true;          // the 2017 FFN has biases; the GLU paper's variants do not (a config file's
                                   // default: true for the ungated kinds, false for the gated ones)
    bool ffn_match_params = true;  // gated kinds: hidden size glu_matched_hidden(d_ff) = round(2/3 d_ff), so the
                                   // FFN has the ReLU FFN's parameter count; false: hidden size d_ff
    float init_scale = 1.0f;       // linear weights ~ N(0, (init_scale^2) / fan_in)
    bool talking_heads = false;    // Shazeer et al. 2020: learned (h, h) head mixes before and after the softmax
    int attention_dconv = 0;       // Primer: causal depthwise convolution of this width after Q, K, V (0: off)
    MoeConfig moe;                 // "moe": {...}; absent or experts 0: dense FFNs
    int kv_heads() const { return n_kv_heads > 0 ? n_kv_heads : n_heads; }
    int head_dim() const { return d_model / n_heads; }
    int ffn_hidden() const { return ffn_match_params && is_gated(ffn) ? glu_matched_hidden(d_ff) : d_ff; }
};

enum class Schedule { Constant, Noam, Cosine };

struct OptimConfig {
    std::string kind = "adam";   // adam | adamw | adafactor | sgd
    float lr = 1e-3f;            // constant/cosine: the peak rate; noam: a multiplier on the rsqrt schedule
    Schedule schedule = Schedule::Constant;
    int warmup = 4000;           // noam and cosine warmup steps
    int total_steps = 0;         // cosine: the step where it reaches min_lr (0: the run's steps)
    float min_lr = 0.0f;
    float beta1 = 0.9f, beta2 = 0.98f, eps = 1e-9f;  // the paper's Adam
    float weight_decay = 0.0f;   // adamw: decoupled decay on matrices
    float grad_clip = 1.0f;      // global-norm clipping; 0 turns it off
    float label_smoothing = 0.1f;
    float momentum = 0.9f;       // sgd
    // adafactor (Shazeer & Stern 2018); beta1 is its optional first moment (default 0 for adafactor: none)
    bool relative_step = true;   // rho_t = min(1e-2, 1/sqrt(t)) instead of the schedule's lr
    bool scale_parameter = true; // alpha_t scaled by max(eps2, RMS(X))
    float decay_exponent = 0.8f; // beta2hat_t = 1 - t^-decay_exponent
    float fixed_beta2 = 0.0f;    // > 0: a constant beta2 without bias correction instead of the schedule
    float clip_threshold = 1.0f; // d
    float eps1 = 1e-30f, eps2 = 1e-3f;
};

struct TrainConfig {
    int batch_size = 16;
    int steps = 1000;
    uint64_t seed = 1;
    int eval_every = 50;   // validation every k steps (and at the last step)
    int val_batches = 4;
    int threads = 0;       // 0: OpenMP's default
};

struct RunConfig {
    ModelConfig model;
    DataConfig data;
    OptimConfig optim;
    TrainConfig train;
};

// Thrown for any invalid configuration or lesson: what() is one line, "<file>: <json path>: <problem>".
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// where: the file name for messages; at: the JSON path of this object inside the file ("" at the root,
// "/run" inside a lesson); extra_keys: keys the caller reads itself (not reported as unknown).
RunConfig parse_run_config(const nlohmann::json& j, const std::string& where, const std::string& at = "",
                           const std::vector<std::string>& extra_keys = {});
RunConfig load_run_config(const std::string& path);  // reads and parses the file
nlohmann::json run_config_to_json(const RunConfig& c);
// cross-field checks (d_model % n_heads ...)
void validate(const RunConfig& c, const std::string& where, const std::string& at = "");

// The config with one setting changed: setting is "section.key" ("optim.lr", "model.causal" ...), value any JSON;
// errors name where/path and the setting. All of a config file's checks apply.
RunConfig with_setting(const RunConfig& c, const std::string& setting, const nlohmann::json& value,
                       const std::string& where, const std::string& path);
std::vector<std::string> setting_names();  // every "section.key" with_setting accepts
// true for the settings with_setting lets reset others (optim.kind: beta1; model.moe.router: the old router's
// keys; model.n_heads: n_kv_heads): applied first when a lesson sets several at once
bool setting_resets_others(const std::string& setting);
// throws ConfigError at where/path when setting is not one of setting_names()
void check_setting_name(const std::string& setting, const std::string& where, const std::string& path);

const char* to_string(NormKind k);
const char* to_string(NormPlacement p);
const char* to_string(PosKind p);
const char* to_string(Schedule s);
const char* to_string(RouterKind r);
const char* to_string(SecondPolicy p);

}  // namespace noam
