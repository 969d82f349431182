// A decoder-only Transformer language model built from a ModelConfig:
//   x = Embed(tokens) ; for each block: x = Block(x) ; [final norm] ; logits = x E^T (tied) or x W_out
// The forward is a flat list of layer calls and the backward the same list reversed (llm.c style).
// Dimension letters: B batch, T time (sequence), D d_model, V vocabulary.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "attention.h"
#include "config.h"
#include "embedding.h"
#include "ffn.h"
#include "linear.h"
#include "loss.h"
#include "moe.h"
#include "norm.h"

namespace noam {

struct Block {
    NormPlacement placement = NormPlacement::PreNorm;
    Norm norm1, norm2;
    Attention attn;
    FFN ffn;             // the position-wise FFN, or
    bool use_moe = false;
    MoE moe;             // a Mixture-of-Experts in its place (the config's model.moe chooses the layers)
    // activations (B,T,D); names follow the pre-norm reading, post-norm reuses them as commented in forward
    std::vector<float> a, s, h, c, f, out;

    void declare(ParamStore& ps, int index, const ModelConfig& cfg);
    void reserve(int max_B, int max_T);
    void init(Rng& rng, float init_scale);
    void forward(const float* x, int B, int T);  // result in out
    // dx = d(loss)/dx given dout; scratch buffers are the model's, reused by every block
    void backward(const float* x, const float* dout, float* dx, float* scratch1, float* scratch2, float* scratch3);
    int rows = 0;

private:
    void feed_forward(const float* x, float* y);       // FFN or MoE
    void feed_forward_backward(const float* dy, float* dx);
};

struct TransformerLM {
    ModelConfig cfg;
    ParamStore params;
    Embedding embed;
    std::vector<Block> blocks;
    Norm final_norm;           // pre-norm only: the blocks' output is not normalized otherwise
    Linear lm_head;            // untied only
    CrossEntropy loss_fn;
    int max_B = 0;

    std::vector<float> x0;       // (B,T,D) embedding output
    std::vector<float> hfinal;   // (B,T,D) after the final norm
    std::vector<float> logits;   // (B,T,V)
    std::vector<float> dlogits;  // (B,T,V)
    std::vector<float> dres, dtmp, s1, s2, s3;  // (B,T,D) backward scratch
    std::vector<float> head_t;   // (D,V) tied head: E transposed
    int B = 0, T = 0;
    const int* targets_cache = nullptr;
    LossStats last;
    // MoE layers: training forwards draw noise (noisy top-k) and random second experts (top2) from route_rng and
    // use the training capacity factor; otherwise no noise and the eval capacity factor.
    bool training = false;
    Rng route_rng;

    // Declares and allocates every buffer for batches up to max_batch; weights drawn from rng.
    TransformerLM(const ModelConfig& config, int max_batch, Rng& rng);
    TransformerLM(const TransformerLM&) = delete;
    TransformerLM& operator=(const TransformerLM&) = delete;

    // logits for tokens (B,T); with targets, also the loss. B <= max_batch, T <= seq_len.
    LossStats forward(const int* tokens, const int* targets, int batch, int seq);
    // gradients of the last forward's loss, accumulated into params.grads (zero them first)
    void backward();

    const float* logits_at(int b, int t) const { return logits.data() + ((size_t)b * T + t) * cfg.vocab_size; }
    size_t num_params() const { return params.count(); }
    bool has_moe() const { return cfg.moe.enabled(); }
    // forward FLOPs per token at full context (2 per multiply-add; attention counted at the mean causal length)
    double flops_per_token_forward() const;
    // forward FLOPs of one token whose query attends to `keys` positions (the matrix products, attention, and the
    // attention options' mixes and convolutions; 2 per multiply-add)
    double flops_per_token_at(double keys) const;
};

// Parameters per component (embeddings, each block's attention / FFN / norms, head) and FLOPs per token.
struct ModelSummary {
    struct Part {
        std::string name;
        size_t params = 0;
    };
    std::vector<Part> parts;
    size_t total_params = 0;
    int ffn_hidden = 0;                   // the FFN's hidden size (2/3 d_ff for the gated kinds when matched)
    std::string ffn_note;                 // how d_ff became ffn_hidden ("" when equal): describe_ffn_hidden
    double flops_per_token_forward = 0;   // 2 per multiply-add
    double flops_per_token_train = 0;     // forward + backward, about 3x forward
};
ModelSummary summarize(const TransformerLM& model);

}  // namespace noam
