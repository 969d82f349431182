// Softmax cross-entropy with label smoothing, fused with its backward (the gradient is (p - q) / count).
#pragma once
#include <vector>

namespace noam {

struct LossStats {
    double loss = 0.0;   // the training objective: cross-entropy against the smoothed targets
    double nll = 0.0;    // plain cross-entropy -log p(target), what validation reports
    double accuracy = 0.0;
    int count = 0;       // scored positions (target >= 0)
    double aux_loss = 0.0;  // the MoE layers' auxiliary losses, coefficient-weighted and summed: objective = loss + aux_loss
};

struct CrossEntropy {
    float label_smoothing = 0.0f;
    std::vector<float> probs;   // (n, V) softmax of the logits
    std::vector<double> row_loss, row_nll;
    std::vector<char> row_correct;

    void reserve(int max_rows, int vocab);
    // q = (1 - eps) onehot(target) + eps / V ; loss = mean over scored rows of -sum_j q_j log p_j
    LossStats forward(const float* logits, const int* targets, int n, int V);
    // dlogits (n, V) = (p - q) / count for scored rows, 0 for the others (overwrites)
    void backward(const int* targets, float* dlogits, int n, int V, int count) const;
};

}  // namespace noam
