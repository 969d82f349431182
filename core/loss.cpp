// Cross-entropy with label smoothing (Szegedy et al. 2016, used by Vaswani et al. 2017 with eps = 0.1).
#include "loss.h"

#include <cmath>
#include <limits>

namespace noam {

void CrossEntropy::reserve(int max_rows, int vocab) {
    probs.assign((size_t)max_rows * vocab, 0.0f);
    row_loss.assign(max_rows, 0.0);
    row_nll.assign(max_rows, 0.0);
    row_correct.assign(max_rows, 0);
}

LossStats CrossEntropy::forward(const float* logits, const int* targets, int n, int V) {
    const float eps = label_smoothing;
#pragma omp parallel for schedule(static) if (n >= 64)
    for (int i = 0; i < n; i++) {
        const float* z = logits + (size_t)i * V;
        float* p = probs.data() + (size_t)i * V;
        float maxv = -std::numeric_limits<float>::infinity();
        int argmax = 0;
        for (int j = 0; j < V; j++)
            if (z[j] > maxv) { maxv = z[j]; argmax = j; }
        double sum = 0.0;
        for (int j = 0; j < V; j++) sum += std::exp((double)(z[j] - maxv));
        const double log_sum = std::log(sum);
        double sum_logp = 0.0;  // sum_j log p_j, for the uniform part of the smoothed target
        for (int j = 0; j < V; j++) {
            const double logp = (double)(z[j] - maxv) - log_sum;
            p[j] = (float)std::exp(logp);
            sum_logp += logp;
        }
        const int y = targets[i];
        if (y >= 0) {
            const double logp_y = (double)(z[y] - maxv) - log_sum;
            row_nll[i] = -logp_y;
            row_loss[i] = -(1.0 - eps) * logp_y - eps / V * sum_logp;
            row_correct[i] = argmax == y;
        } else {
            row_nll[i] = row_loss[i] = 0.0;
            row_correct[i] = 0;
        }
    }
    LossStats s;
    for (int i = 0; i < n; i++) {  // summed in row order on one thread: deterministic
        if (targets[i] < 0) continue;
        s.loss += row_loss[i];
        s.nll += row_nll[i];
        s.accuracy += row_correct[i];
        s.count++;
    }
    if (s.count > 0) {
        s.loss /= s.count;
        s.nll /= s.count;
        s.accuracy /= s.count;
    }
    return s;
}

void CrossEntropy::backward(const int* targets, float* dlogits, int n, int V, int count) const {
    const float eps = label_smoothing;
    const float inv = count > 0 ? 1.0f / count : 0.0f;
#pragma omp parallel for schedule(static) if (n >= 64)
    for (int i = 0; i < n; i++) {
        float* d = dlogits + (size_t)i * V;
        const int y = targets[i];
        if (y < 0) {
            for (int j = 0; j < V; j++) d[j] = 0.0f;
            continue;
        }
        const float* p = probs.data() + (size_t)i * V;
        for (int j = 0; j < V; j++) d[j] = (p[j] - eps / V - (j == y ? 1.0f - eps : 0.0f)) * inv;
    }
}

}  // namespace noam
