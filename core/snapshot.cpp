// Filling a snapshot's watched-example fields from a trainer.
#include "snapshot.h"

#include <algorithm>
#include <cmath>

#include "adafactor.h"
#include "trainer.h"

namespace noam {

void capture_watched(Trainer& tr, Snapshot& s) {
    const Batch& w = tr.data->watched();
    const CharTokenizer& tok = tr.data->tokenizer();
    tr.forward_watched();
    const TransformerLM& m = *tr.model;
    s.step = tr.step_count;
    s.total_steps = tr.cfg.train.steps;
    s.error = tr.error;
    s.T = w.T;
    s.n_layers = m.cfg.n_layers;
    s.n_heads = m.cfg.n_heads;
    s.tokens = w.tokens;
    s.targets = w.targets;
    s.token_labels.clear();
    for (int t : w.tokens) s.token_labels.push_back(tok.token_text(t));
    s.target_prob.assign(w.T, 0.0f);
    s.predicted.assign(w.T, 0);
    for (int t = 0; t < w.T; t++) {
        const float* p = m.loss_fn.probs.data() + (size_t)t * m.cfg.vocab_size;
        int best = 0;
        for (int j = 1; j < m.cfg.vocab_size; j++)
            if (p[j] > p[best]) best = j;
        s.predicted[t] = best;
        if (w.targets[t] >= 0) s.target_prob[t] = p[w.targets[t]];
    }
    s.attention.resize((size_t)s.n_layers * s.n_heads * w.T * w.T);
    for (int l = 0; l < s.n_layers; l++)
        for (int h = 0; h < s.n_heads; h++)
            for (int t = 0; t < w.T; t++)
                for (int j = 0; j < w.T; j++)
                    s.attention[(((size_t)l * s.n_heads + h) * w.T + t) * w.T + j] = tr.watched_attention(l, h, t, j);

    // ---- [FFN activations] each block's FFN cached a = x W (and h = act(a) * u) in the forward pass above
    const FfnKind kind = m.cfg.ffn;
    const int H = m.cfg.ffn_hidden();
    const size_t per_layer = (size_t)w.T * H;
    s.ffn_kind = to_string(kind);
    s.ffn_gated = is_gated(kind);
    s.ffn_hidden = H;
    s.ffn_gate.resize(s.n_layers * per_layer);
    s.ffn_product.resize(s.ffn_gated ? s.n_layers * per_layer : 0);
    for (int l = 0; l < s.n_layers; l++) {
        if (m.blocks[l].use_moe) {  // no dense FFN here (its buffers are empty): the MoE block below instead
            std::fill(s.ffn_gate.begin() + l * per_layer, s.ffn_gate.begin() + (l + 1) * per_layer, 0.0f);
            if (s.ffn_gated) std::fill(s.ffn_product.begin() + l * per_layer, s.ffn_product.begin() + (l + 1) * per_layer, 0.0f);
            continue;
        }
        const FFN& f = m.blocks[l].ffn;
        for (size_t i = 0; i < per_layer; i++) s.ffn_gate[l * per_layer + i] = ffn_activation(kind, f.a[i]);
        if (s.ffn_gated) std::copy(f.h.begin(), f.h.begin() + per_layer, s.ffn_product.begin() + l * per_layer);
    }
    // ---- end [FFN activations]
    // ---- MoE
    s.moe_layers.clear();
    s.moe_watched.clear();
    s.moe_step = tr.moe_step_stats;
    for (int l = 0; l < s.n_layers; l++) {
        if (!m.blocks[l].use_moe) continue;
        const Router& r = m.blocks[l].moe.router;
        MoeRouting w_route;
        w_route.layer = l;
        w_route.T = w.T;
        w_route.E = r.E;
        w_route.K = r.K;
        w_route.probs.assign(r.probs.begin(), r.probs.begin() + (size_t)w.T * r.E);
        for (size_t i = 0; i < (size_t)w.T * r.K; i++) {
            const Route& route = r.routes[i];
            w_route.expert.push_back(route.expert);
            w_route.gate.push_back(route.gate);
            w_route.processed.push_back(route.slot >= 0);
            w_route.dropped.push_back(route.dropped);
        }
        s.moe_layers.push_back(l);
        s.moe_watched.push_back(std::move(w_route));
    }
    capture_optimizer(tr, s);
}

void capture_optimizer(const Trainer& tr, Snapshot& s) {
    const ParamStore& ps = tr.model->params;
    s.optimizer_memory = optimizer_memory(*tr.optim, ps);
    for (TensorState& t : s.optimizer_memory.tensors)
        for (StateArray& a : t.arrays) a.data = nullptr;  // the snapshot outlives this moment of the optimizer
    const size_t adam = adam_memory(s.optimizer_memory.shapes()).floats;
    s.optimizer_memory_ratio = adam ? (double)s.optimizer_memory.floats / adam : 0.0;

    s.watched_param.clear();
    s.watched_rows = s.watched_cols = 0;
    s.watched_v_kind.clear();
    for (auto* v : {&s.watched_grad_sq, &s.watched_v, &s.watched_v_hat, &s.watched_R, &s.watched_C}) v->clear();
    s.watched_rel_error = -1;
    s.watched_since = 0;
    if (tr.watched_param < 0) return;
    const int pi = tr.watched_param;
    const Param& p = ps.params[pi];
    const int n = p.shape[0], m = p.shape[1];
    s.watched_param = p.name;
    s.watched_rows = n;
    s.watched_cols = m;
    // G^2: the gradient of the last step stays in params.grads until the next step zeroes it
    const float* G = ps.g(pi);
    s.watched_grad_sq.resize(p.size);
    for (size_t k = 0; k < p.size; k++) s.watched_grad_sq[k] = G[k] * G[k];
    if (tr.step_count == 0) return;  // no step yet: no second moment

    if (const auto* af = dynamic_cast<const Adafactor*>(tr.optim.get())) {
        const Adafactor::Slot& sl = af->slots[pi];
        s.watched_R = sl.R;
        s.watched_C = sl.C;
        if (af->exact_tensor == pi) {
            s.watched_v_kind = "exact V";
            s.watched_v = af->V_exact;
            s.watched_since = af->exact_since;
        }
    } else if (const auto* adam = dynamic_cast<const Adam*>(tr.optim.get())) {
        // Adam's v, bias-corrected as Adam divides by it: v / (1 - beta2^t); its row and column sums are what
        // Adafactor would keep
        s.watched_v_kind = "Adam's v";
        const float* v = adam->v.data() + p.offset;
        const double bc2 = 1.0 - std::pow((double)adam->beta2, (double)tr.step_count);
        s.watched_v.resize(p.size);
        for (size_t k = 0; k < p.size; k++) s.watched_v[k] = (float)(v[k] / bc2);
        s.watched_R.resize(n);
        s.watched_C.resize(m);
        row_col_sums(s.watched_v.data(), n, m, s.watched_R.data(), s.watched_C.data());
    }
    if (s.watched_R.empty()) return;  // SGD keeps no second moment
    s.watched_v_hat.resize(p.size);
    rank1_reconstruction(s.watched_R.data(), s.watched_C.data(), n, m, s.watched_v_hat.data());
    if (!s.watched_v.empty())
        s.watched_rel_error = (float)relative_frobenius_error(s.watched_v_hat.data(), s.watched_v.data(), p.size);
}

}  // namespace noam
