// Lesson metrics: attention patterns and run metrics.
#include "lesson_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace noam {

double attention_pattern_score(const std::string& pattern, const Snapshot& s, int layer, int head) {
    const int T = s.T;
    double sum = 0;
    int count = 0;
    int first_scored = 0;
    while (first_scored < T && s.targets[first_scored] < 0) first_scored++;
    for (int t = 0; t < T; t++) {
        if (pattern == "previous_token") {
            if (t == 0) continue;
            sum += s.attn(layer, head, t, t - 1);
        } else if (pattern == "next_token") {
            if (t + 1 >= T) continue;
            sum += s.attn(layer, head, t, t + 1);
        } else if (pattern == "peak") {
            if (t < T / 2) continue;
            float m = 0;
            for (int j = 0; j < T; j++) m = std::max(m, s.attn(layer, head, t, j));
            sum += m;
        } else if (pattern == "self") {
            sum += s.attn(layer, head, t, t);
        } else if (pattern == "first_token") {
            sum += s.attn(layer, head, t, 0);
        } else if (pattern == "answer_source") {
            if (s.targets[t] < 0 || first_scored == 0) continue;
            double mass = 0;
            for (int j = 0; j < first_scored && j <= t; j++)
                if (s.tokens[j] == s.targets[t]) mass += s.attn(layer, head, t, j);
            sum += mass;
        } else if (pattern == "induction") {
            double mass = 0;
            bool any = false;
            for (int j = 0; j + 1 <= t && j < t; j++)
                if (s.tokens[j] == s.tokens[t]) {
                    mass += s.attn(layer, head, t, j + 1);
                    any = true;
                }
            if (!any) continue;
            sum += std::min(mass, 1.0);
        } else {
            return -1;
        }
        count++;
    }
    return count > 0 ? sum / count : -1;
}

HeadScore best_head(const std::string& pattern, const Snapshot& s, int layer, int head) {
    HeadScore best;
    for (int l = 0; l < s.n_layers; l++) {
        if (layer >= 0 && l != layer) continue;
        for (int h = 0; h < s.n_heads; h++) {
            if (head >= 0 && h != head) continue;
            const double sc = attention_pattern_score(pattern, s, l, h);
            if (sc > best.score) best = {l, h, sc};
        }
    }
    return best;
}

double metric_value(const Condition& c, const Snapshot& s, const std::vector<StepRecord>& history) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (c.metric == "step") return s.step;
    if (c.metric == "attention") {
        if (s.attention.empty()) return nan;
        const HeadScore b = best_head(c.pattern, s, c.layer, c.head);
        return b.score < 0 ? nan : b.score;
    }
    if (c.metric == "val_accuracy" || c.metric == "val_loss") {
        for (auto it = history.rbegin(); it != history.rend(); ++it)
            if (it->val_loss >= 0) return c.metric == "val_loss" ? it->val_loss : it->val_accuracy;
        return nan;
    }
    if (c.metric.rfind("moe_", 0) == 0) {
        // the MoE statistics of the training batches: the mean of the last 20 steps (each batch routes differently)
        static const std::vector<std::pair<std::string, float StepRecord::*>> fields = {
            {"moe_load_cv", &StepRecord::moe_load_cv},
            {"moe_dropped_fraction", &StepRecord::moe_dropped_fraction},
            {"moe_router_logit_max", &StepRecord::moe_router_logit_max},
            {"moe_router_entropy", &StepRecord::moe_router_entropy},
            {"moe_aux_loss", &StepRecord::moe_aux_loss},
            {"moe_balance_loss", &StepRecord::moe_balance_loss},
            {"moe_importance_loss", &StepRecord::moe_importance_loss},
            {"moe_load_loss", &StepRecord::moe_load_loss},
            {"moe_z_loss", &StepRecord::moe_z_loss}};
        if (history.empty()) return nan;
        for (const auto& [name, field] : fields) {
            if (name != c.metric) continue;
            const size_t n = std::min<size_t>(20, history.size());
            double sum = 0;
            for (size_t i = history.size() - n; i < history.size(); i++) sum += history[i].*field;
            return sum / n;
        }
        return nan;
    }
    if (c.metric == "loss" || c.metric == "accuracy") {
        // the mean of the last 10 steps: one batch is noisy
        if (history.empty()) return nan;
        const size_t n = std::min<size_t>(10, history.size());
        double sum = 0;
        for (size_t i = history.size() - n; i < history.size(); i++)
            sum += c.metric == "loss" ? history[i].nll : history[i].accuracy;
        return sum / n;
    }
    return nan;
}

bool condition_holds(const Condition& c, const Snapshot& s, const std::vector<StepRecord>& history) {
    const double v = metric_value(c, s, history);
    if (std::isnan(v)) return false;
    if (c.op == ">") return v > c.value;
    if (c.op == ">=") return v >= c.value;
    if (c.op == "<") return v < c.value;
    return v <= c.value;
}

}  // namespace noam
