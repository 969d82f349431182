// Filling a snapshot's watched-example fields from a trainer.
#include "snapshot.h"

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
}

}  // namespace noam
