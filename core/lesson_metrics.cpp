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

// the metric from the history entries up to max_step (the last entry's step decides "now")
static double metric_upto(const Condition& c, const Snapshot& s, const std::vector<StepRecord>& history, int max_step) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    size_t n = history.size();  // entries [0, n) are at or before max_step
    while (n > 0 && history[n - 1].step > max_step) n--;
    if (c.metric == "step") return std::min(s.step, max_step);
    if (c.metric == "diverged") return s.error.empty() ? 0.0 : 1.0;
    if (c.metric == "attention") {
        if (s.attention.empty()) return nan;
        const HeadScore b = best_head(c.pattern, s, c.layer, c.head);
        return b.score < 0 ? nan : b.score;
    }
    if (c.metric == "val_accuracy" || c.metric == "val_loss") {
        for (size_t i = n; i-- > 0;)
            if (history[i].val_loss >= 0) return c.metric == "val_loss" ? history[i].val_loss : history[i].val_accuracy;
        return nan;
    }
    if (c.metric == "second_moment_error") return s.watched_rel_error < 0 ? nan : s.watched_rel_error;
    if (c.metric == "optimizer_memory_ratio") return s.optimizer_memory.tensors.empty() ? nan : s.optimizer_memory_ratio;
    if (c.metric.rfind("moe_", 0) == 0) {
        // the MoE statistics of the training batches: the mean of the last 20 steps (each batch routes differently)
        if (n == 0) return nan;
        for (const StepRecordField& f : step_record_fields()) {
            if (f.kind != StepFieldKind::moe || f.name != c.metric) continue;
            const size_t k = std::min<size_t>(20, n);
            double sum = 0;
            for (size_t i = n - k; i < n; i++) sum += history[i].*f.field;
            return sum / k;
        }
        return nan;
    }
    if (c.metric == "loss" || c.metric == "accuracy" || c.metric == "update_rms" || c.metric == "update_clipped_fraction") {
        // the mean of the last 10 steps: one batch is noisy
        if (n == 0) return nan;
        const size_t k = std::min<size_t>(10, n);
        double sum = 0;
        for (size_t i = n - k; i < n; i++) {
            const StepRecord& r = history[i];
            sum += c.metric == "loss"         ? r.nll
                   : c.metric == "accuracy"   ? r.accuracy
                   : c.metric == "update_rms" ? r.update_rms
                                              : r.clipped_fraction;
        }
        return sum / k;
    }
    return nan;
}

double metric_value(const Condition& c, const Snapshot& s, const std::vector<StepRecord>& history) {
    return metric_upto(c, s, history, std::numeric_limits<int>::max());
}

static bool compare(const Condition& c, double v) {
    if (std::isnan(v)) return false;
    if (c.op == ">") return v > c.value;
    if (c.op == ">=") return v >= c.value;
    if (c.op == "<") return v < c.value;
    return v <= c.value;
}

bool condition_holds(const Condition& c, const Snapshot& s, const std::vector<StepRecord>& history) {
    return compare(c, metric_value(c, s, history));
}

static const RunMetrics* find_run(const std::vector<RunMetrics>& runs, const std::string& label) {
    if (runs.empty()) return nullptr;
    if (label.empty()) return &runs[0];
    for (const RunMetrics& r : runs)
        if (r.label == label) return &r;
    return nullptr;
}

double metric_value(const Condition& c, const std::vector<RunMetrics>& runs) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const RunMetrics* a = find_run(runs, c.run);
    if (!a || !a->snap || !a->history) return nan;
    if (c.versus.empty()) return metric_upto(c, *a->snap, *a->history, std::numeric_limits<int>::max());
    const RunMetrics* b = find_run(runs, c.versus);
    if (!b || !b->snap || !b->history) return nan;
    // both at the same step: the one behind decides
    const int common = std::min(a->history->empty() ? 0 : a->history->back().step, b->history->empty() ? 0 : b->history->back().step);
    const double va = metric_upto(c, *a->snap, *a->history, common), vb = metric_upto(c, *b->snap, *b->history, common);
    if (c.combine == "ratio") return vb == 0 ? nan : va / vb;
    return va - vb;
}

bool condition_holds(const Condition& c, const std::vector<RunMetrics>& runs) { return compare(c, metric_value(c, runs)); }

}  // namespace noam
