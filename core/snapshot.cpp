// Filling a snapshot's watched-example fields from a trainer.
#include "snapshot.h"

#include <algorithm>

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
        const FFN& f = m.blocks[l].ffn;
        for (size_t i = 0; i < per_layer; i++) s.ffn_gate[l * per_layer + i] = ffn_activation(kind, f.a[i]);
        if (s.ffn_gated) std::copy(f.h.begin(), f.h.begin() + per_layer, s.ffn_product.begin() + l * per_layer);
    }
    // ---- end [FFN activations]
}

}  // namespace noam
