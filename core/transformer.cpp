// The decoder-only Transformer: blocks (pre-norm or post-norm), the model's forward and backward.
#include "transformer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "matmul.h"

namespace noam {

void Block::declare(ParamStore& ps, int index, const ModelConfig& cfg) {
    const std::string name = "blocks." + std::to_string(index);
    placement = cfg.placement;
    norm1.declare(ps, name + ".norm1", cfg.norm, cfg.d_model);
    attn.declare(ps, name + ".attn", cfg.d_model, cfg.n_heads, cfg.kv_heads(), cfg.causal, cfg.talking_heads,
                 cfg.attention_dconv);
    attn.scale_scores = cfg.scale_attention;
    norm2.declare(ps, name + ".norm2", cfg.norm, cfg.d_model);
    use_moe = cfg.moe.is_moe_layer(index);
    if (use_moe)
        moe.declare(ps, name + ".moe", cfg);
    else
        ffn.declare(ps, name + ".ffn", cfg.ffn, cfg.d_model, cfg.ffn_hidden(), cfg.ffn_bias);
}

void Block::reserve(int max_B, int max_T) {
    const int n = max_B * max_T;
    const size_t sz = (size_t)n * norm1.d;
    norm1.reserve(n);
    norm2.reserve(n);
    attn.reserve(max_B, max_T);
    if (use_moe)
        moe.reserve(n);
    else
        ffn.reserve(n);
    for (auto* buf : {&a, &s, &h, &c, &f, &out}) buf->assign(sz, 0.0f);
}

void Block::init(Rng& rng, float init_scale) {
    norm1.init();
    norm2.init();
    attn.init(rng, init_scale);
    if (use_moe)
        moe.init(rng, init_scale);
    else
        ffn.init(rng, init_scale);
}

void Block::feed_forward(const float* x, float* y) {
    if (use_moe)
        moe.forward(x, y, rows);
    else
        ffn.forward(x, y, rows);
}

void Block::feed_forward_backward(const float* dy, float* dx) {
    if (use_moe)
        moe.backward(dy, dx);
    else
        ffn.backward(dy, dx);
}

static void add(float* out, const float* x, const float* y, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = x[i] + y[i];
}

void Block::forward(const float* x, int B, int T) {
    rows = B * T;
    const size_t sz = (size_t)rows * norm1.d;
    if (placement == NormPlacement::PreNorm) {
        // h = x + Attn(LN1(x)) ; out = h + FFN(LN2(h))
        norm1.forward(x, a.data(), rows);
        attn.forward(a.data(), s.data(), B, T);
        add(h.data(), x, s.data(), sz);
        norm2.forward(h.data(), c.data(), rows);
        feed_forward(c.data(), f.data());
        add(out.data(), h.data(), f.data(), sz);
    } else {
        // the paper's post-norm: h = LN1(x + Attn(x)) ; out = LN2(h + FFN(h))
        // (a holds x + Attn(x), c holds h + FFN(h))
        attn.forward(x, s.data(), B, T);
        add(a.data(), x, s.data(), sz);
        norm1.forward(a.data(), h.data(), rows);
        feed_forward(h.data(), f.data());
        add(c.data(), h.data(), f.data(), sz);
        norm2.forward(c.data(), out.data(), rows);
    }
}

void Block::backward(const float* x, const float* dout, float* dx, float* d1, float* d2, float* d3) {
    (void)x;  // the layers cached their inputs in forward
    const size_t sz = (size_t)rows * norm1.d;
    if (placement == NormPlacement::PreNorm) {
        // out = h + FFN(LN2(h)): dh = dout + LN2'(FFN'(dout))
        std::memcpy(d1, dout, sz * sizeof(float));          // d1 = dh
        std::fill(d2, d2 + sz, 0.0f);                        // d2 = dc
        feed_forward_backward(dout, d2);
        norm2.backward(d2, d1, rows);
        // h = x + Attn(LN1(x)): dx = dh + LN1'(Attn'(dh))
        std::memcpy(dx, d1, sz * sizeof(float));
        std::fill(d3, d3 + sz, 0.0f);                        // d3 = da
        attn.backward(d1, d3);
        norm1.backward(d3, dx, rows);
    } else {
        // out = LN2(c), c = h + FFN(h)
        std::fill(d1, d1 + sz, 0.0f);                        // d1 = dc
        norm2.backward(dout, d1, rows);
        std::memcpy(d2, d1, sz * sizeof(float));             // d2 = dh = dc + FFN'(dc)
        feed_forward_backward(d1, d2);
        // h = LN1(a), a = x + Attn(x)
        std::fill(d3, d3 + sz, 0.0f);                        // d3 = da
        norm1.backward(d2, d3, rows);
        std::memcpy(dx, d3, sz * sizeof(float));             // dx = da + Attn'(da)
        attn.backward(d3, dx);
    }
}

TransformerLM::TransformerLM(const ModelConfig& config, int max_batch, Rng& rng) : cfg(config), max_B(max_batch) {
    if (cfg.vocab_size <= 0) throw std::invalid_argument("model: vocab_size must be set before building the model");
    const int Tm = cfg.seq_len, D = cfg.d_model, V = cfg.vocab_size;
    const int n = max_B * Tm;
    embed.declare(params, V, D, Tm, cfg.positions, cfg.scale_embeddings);
    blocks.resize(cfg.n_layers);
    for (int l = 0; l < cfg.n_layers; l++) blocks[l].declare(params, l, cfg);
    if (cfg.placement == NormPlacement::PreNorm) final_norm.declare(params, "final_norm", cfg.norm, D);
    if (!cfg.tie_embeddings) lm_head.declare(params, "lm_head", D, V, false);
    params.allocate();

    // initialise in declaration order from one generator: the same seed gives the same weights everywhere
    embed.init(rng);
    for (auto& b : blocks) {
        b.reserve(max_B, Tm);
        b.init(rng, cfg.init_scale);
    }
    if (cfg.placement == NormPlacement::PreNorm) {
        final_norm.reserve(n);
        final_norm.init();
    }
    if (!cfg.tie_embeddings) {
        lm_head.reserve(n);
        lm_head.init(rng, cfg.init_scale / std::sqrt((float)D));
    }
    if (has_moe()) route_rng = rng.split();  // after the weights: a dense model's draws stay what they were
    loss_fn.reserve(n, V);
    x0.assign((size_t)n * D, 0.0f);
    hfinal = x0;
    for (auto* buf : {&dres, &dtmp, &s1, &s2, &s3}) buf->assign((size_t)n * D, 0.0f);
    logits.assign((size_t)n * V, 0.0f);
    dlogits = logits;
    head_t.assign((size_t)D * V, 0.0f);
}

LossStats TransformerLM::forward(const int* tokens, const int* targets, int batch, int seq) {
    if (batch > max_B || seq > cfg.seq_len || batch <= 0 || seq <= 0)
        throw std::invalid_argument("model.forward: batch " + std::to_string(batch) + " x " + std::to_string(seq) +
                                    " exceeds the buffers (" + std::to_string(max_B) + " x " +
                                    std::to_string(cfg.seq_len) + ")");
    B = batch;
    T = seq;
    const int n = B * T, D = cfg.d_model, V = cfg.vocab_size;
    for (int i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= V)
            throw std::invalid_argument("model.forward: token id " + std::to_string(tokens[i]) + " outside the vocabulary");
    targets_cache = targets;

    embed.forward(tokens, x0.data(), B, T);
    const float* x = x0.data();
    for (auto& b : blocks) {
        if (b.use_moe) {
            b.moe.set_training(training);
            if (training) b.moe.draw(route_rng, n);
        }
        b.forward(x, B, T);
        x = b.out.data();
    }
    const float* hf = x;
    if (cfg.placement == NormPlacement::PreNorm) {
        final_norm.forward(x, hfinal.data(), n);
        hf = hfinal.data();
    }
    if (cfg.tie_embeddings) {
        // logits = h E^T : the same matrix that embedded the tokens scores them
        transpose(head_t.data(), params.w(embed.tok_index), V, D);
        matmul(logits.data(), hf, head_t.data(), n, D, V, false);
    } else {
        lm_head.forward(hf, logits.data(), n);
    }
    last = LossStats{};
    if (targets) last = loss_fn.forward(logits.data(), targets, n, V);
    // the MoE layers' auxiliary losses join the objective (their backward adds their gradients)
    for (const auto& b : blocks)
        if (b.use_moe) last.aux_loss += b.moe.aux_loss();
    return last;
}

void TransformerLM::backward() {
    if (!targets_cache) throw std::logic_error("model.backward: the last forward had no targets");
    const int n = B * T, D = cfg.d_model, V = cfg.vocab_size;
    const size_t sz = (size_t)n * D;
    loss_fn.backward(targets_cache, dlogits.data(), n, V, last.count);

    const float* hf = cfg.placement == NormPlacement::PreNorm ? hfinal.data()
                      : (blocks.empty() ? x0.data() : blocks.back().out.data());
    // dh (B,T,D) of the head's input
    std::fill(dtmp.begin(), dtmp.begin() + sz, 0.0f);
    if (cfg.tie_embeddings) {
        // logits = h E^T  =>  dh = dlogits E ;  dE += dlogits^T h
        matmul(dtmp.data(), dlogits.data(), params.w(embed.tok_index), n, V, D, true);
        matmul_at(params.g(embed.tok_index), dlogits.data(), hf, V, n, D, true);
    } else {
        lm_head.backward(dlogits.data(), dtmp.data(), n);
    }
    float* dcur = dtmp.data();
    if (cfg.placement == NormPlacement::PreNorm) {
        std::fill(dres.begin(), dres.begin() + sz, 0.0f);
        final_norm.backward(dtmp.data(), dres.data(), n);
        dcur = dres.data();
    }
    // blocks in reverse; each writes its input's gradient into dnext, which becomes the next dout
    for (int l = (int)blocks.size() - 1; l >= 0; l--) {
        const float* x = l == 0 ? x0.data() : blocks[l - 1].out.data();
        float* dnext = dcur == dres.data() ? dtmp.data() : dres.data();
        blocks[l].backward(x, dcur, dnext, s1.data(), s2.data(), s3.data());
        dcur = dnext;
    }
    embed.backward(dcur);
}

double TransformerLM::flops_per_token_forward() const {
    const double Tm = cfg.seq_len;
    return flops_per_token_at(cfg.causal ? (Tm + 1) / 2.0 : Tm);
}

double TransformerLM::flops_per_token_at(double keys) const {
    const double D = cfg.d_model, F = cfg.ffn_hidden(), V = cfg.vocab_size;
    const double hd = cfg.head_dim(), H = cfg.n_heads, KV = cfg.kv_heads();
    const double ffn_mats = is_gated(cfg.ffn) ? 3.0 : 2.0;
    const double ffn = 2.0 * ffn_mats * D * F;
    const double per_layer = 2.0 * D * (H * hd + 2.0 * KV * hd) + 2.0 * H * hd * D  // q, k, v, o projections
                             + 2.0 * 2.0 * H * hd * keys                             // q.k and p.v
                             + 2.0 * cfg.attention_dconv * (H * hd + 2.0 * KV * hd)  // Primer's convolutions
                             + (cfg.talking_heads ? 2.0 * 2.0 * H * H * keys : 0.0);  // the two head mixes
    double total = 2.0 * D * V;
    for (int l = 0; l < cfg.n_layers; l++) {
        total += per_layer;
        if (!cfg.moe.is_moe_layer(l)) {
            total += ffn;  // feed-forward
            continue;
        }
        // MoE: the router's logits (and noise logits), and the experts a token visits (at most; on average for
        // expert choice)
        const bool noise = cfg.moe.router == RouterKind::NoisyTopK && cfg.moe.noise;
        total += 2.0 * D * cfg.moe.experts * (noise ? 2.0 : 1.0) + cfg.moe.experts_per_token() * ffn;
    }
    return total;
}

}  // namespace noam

namespace noam {

ModelSummary summarize(const TransformerLM& model) {
    ModelSummary s;
    // group parameters by the name up to the component: "embed", "blocks.0.attn", "blocks.0.ffn", ...
    for (const Param& p : model.params.params) {
        std::string part = p.name.substr(0, p.name.rfind('.'));
        if (part.rfind("blocks.", 0) == 0) {
            const size_t second_dot = part.find('.', 7);
            const size_t third_dot = part.find('.', second_dot + 1);
            part = part.substr(0, third_dot);  // blocks.N.attn, blocks.N.ffn, blocks.N.norm1 ...
            if (part.find(".norm") != std::string::npos) part = part.substr(0, second_dot) + ".norms";
        } else if (part.rfind("embed", 0) == 0) {
            part = "embed";
        }
        if (s.parts.empty() || s.parts.back().name != part) s.parts.push_back({part, 0});
        s.parts.back().params += p.size;
        s.total_params += p.size;
    }
    const ModelConfig& m = model.cfg;
    s.ffn_hidden = m.ffn_hidden();
    s.ffn_note = describe_ffn_hidden(m.ffn, m.d_model, m.d_ff, s.ffn_hidden, m.ffn_bias);
    s.flops_per_token_forward = model.flops_per_token_forward();
    s.flops_per_token_train = 3.0 * s.flops_per_token_forward;
    return s;
}

}  // namespace noam
