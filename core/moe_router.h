// The routers of the Mixture-of-Experts layer and their auxiliary losses, forward and backward:
// noisy top-k gating (Shazeer et al. 2017), GShard top-2 (Lepikhin et al. 2020), Switch top-1 (Fedus et al. 2021),
// expert choice (Zhou et al. 2022), and the ST-MoE router z-loss (Zoph et al. 2022) for any of them.
// A router reads the layer's input x (N,D), decides for every token which experts see it and with what gate, and
// places the kept tokens in the experts' buffers (capacity decisions included). Gradients flow through the gate
// values and the losses' differentiable parts, never through an argmax, a top-k or a capacity decision.
// Dimension letters: N tokens (rows), D d_model, E experts, K routes per token (switch 1, top2 2, noisy_topk k,
// expert_choice E), G routing groups.
#pragma once
#include <string>
#include <vector>

#include "config.h"
#include "linear.h"
#include "rng.h"

namespace noam {

// One of a token's routes: the expert, the row of that expert's buffer, the gate that scales the expert's output.
struct Route {
    int expert = -1;     // -1: unused route
    int slot = -1;       // row in the expert's buffer; -1: not processed (dropped, or not chosen by top2's policy)
    float gate = 0.0f;   // the router's weight for this expert (after top2's renormalisation; kept when dropped)
    bool dropped = false;  // refused by the expert's capacity: the layer outputs 0 for it, the residual carries it
};

// What one MoE layer's router did on its last forward: for the pictures, the lesson conditions and the tests.
struct MoeStats {
    int experts = 0, tokens = 0;
    std::vector<int> routed_first;   // (E) tokens whose first choice is the expert (before capacity)
    std::vector<int> routed_second;  // (E) further choices: top2's second (when its policy uses it), noisy_topk's 2..k
    std::vector<int> kept;           // (E) rows the expert processed
    std::vector<int> dropped;        // (E) choices refused by its capacity
    std::vector<int> capacity;       // (E) its capacity, summed over the groups (noisy_topk: no limit, the tokens)
    std::vector<float> mean_prob;    // (E) mean over tokens of the router probability (noisy_topk: the gate G(x))
    int tokens_dropped = 0;          // choices refused by capacity, all experts
    float dropped_fraction = 0;      // tokens_dropped / all choices
    int tokens_without_expert = 0;   // tokens no expert processed: the layer outputs 0 for them
    float load_cv = 0;               // coefficient of variation (std / mean) over experts of the choices they got
    float entropy = 0;               // mean over tokens of -sum_e p_e ln p_e of the router probabilities
    float logit_lse_mean = 0;        // router logit magnitude: logsumexp_e (x W_g)_e, mean over tokens
    float logit_lse_max = 0;         //   and its maximum
    // the auxiliary loss terms, unscaled (means over the groups), and what the layer adds to the objective
    double balance = 0;     // switch: E sum_i f_i P_i ; top2: E sum_e (c_e / T) m_e  (1 under uniform routing)
    double importance = 0;  // noisy_topk: CV(Importance(X))^2
    double load = 0;        // noisy_topk: CV(Load(X))^2
    double z = 0;           // router z-loss: (1/T) sum_t (logsumexp(x_t W_g))^2
    double aux = 0;         // balance_coef balance + importance_coef importance + load_coef load + z_loss_coef z
    float dropped_fraction_of(int e) const {
        const int routed = routed_first[e] + routed_second[e];
        return routed > 0 ? (float)dropped[e] / routed : 0.0f;
    }
};

// C = min(T, floor(capacity_factor * T / E)): the Mesh TensorFlow reference code's expert capacity for a group of
// T tokens (Switch writes it (T / E) * capacity_factor, GShard O(T / E), expert choice k = T * c / E).
int expert_capacity(int tokens, int experts, float capacity_factor);

// Phi, the standard normal CDF, and its density phi
double normal_cdf(double u);
double normal_pdf(double u);

struct Router {
    MoeConfig cfg;
    int d_model = 0, E = 0, K = 0;
    int max_rows = 0;
    Linear w_g;       // (D,E) router logits x W_g
    Linear w_noise;   // (D,E) noisy_topk with noise: the noise scale's logits x W_noise
    bool training = false;  // noise (noisy_topk) and the training capacity factor; eval: no noise, eval capacity

    // ---- the forward's cache (N rows)
    std::vector<float> logits;        // (N,E) x W_g
    std::vector<float> lse;           // (N) logsumexp of the logits
    std::vector<float> probs;         // (N,E) softmax(logits); noisy_topk: G(x) = Softmax(KeepTopK(H(x), k))
    std::vector<float> noise_logits;  // (N,E) noisy_topk: x W_noise
    std::vector<float> noise_std;     // (N,E) noisy_topk: Softplus(x W_noise)
    std::vector<float> noisy;         // (N,E) noisy_topk: H(x) = x W_g + StandardNormal() * Softplus(x W_noise)
    std::vector<int> kth, kth1;       // (N) noisy_topk: the experts holding the k-th and (k+1)-th largest H
    std::vector<Route> routes;        // (N,K)
    std::vector<int> expert_count;    // (E) rows in each expert's buffer
    std::vector<int> expert_token;    // (E,N) the token in each row of each expert's buffer
    std::vector<double> group_a, group_b;  // (G,E) per group: switch f_i, P_i; top2 c_e/T, m_e; noisy Importance, Load
    int group = 0, groups = 0;        // tokens per group (the last may have fewer), number of groups
    bool smooth_load = false;         // noisy_topk: Load is the smooth estimator (training with noise), else a count
    // ---- the random draws of a training forward (draw() fills them; tests may set them)
    std::vector<float> noise;         // (N,E) noisy_topk: StandardNormal()
    std::vector<float> uniform;       // (N) top2 random policy: U[0, 1)
    // ---- backward scratch
    std::vector<float> d_probs, d_logits, d_noise_logits;  // (N,E)
    std::vector<double> d_group_a, d_group_b;               // (E) noisy_topk: d aux / d Importance, d Load
    std::vector<int> order;           // (max(N, E)) sorting scratch
    std::vector<int> used;            // (E) rows taken in the current group
    MoeStats stats;
    int n = 0;

    void declare(ParamStore& ps, const std::string& name, const MoeConfig& c, int d);
    void reserve(int rows);
    void init(Rng& rng);
    void draw(Rng& rng, int rows);
    // routes for x (rows, D); the statistics and the auxiliary losses in stats
    void forward(const float* x, int rows);
    // d_gate (N,K): d(objective)/d(route gate), 0 for routes not processed; adds the aux losses' gradients;
    // dx (N,D) += the router's input gradient; the router's weight gradients +=
    void backward(const float* d_gate, float* dx);

private:
    float capacity_factor() const { return training ? cfg.capacity_factor : cfg.eval_capacity_factor; }
    int place(int token, int expert, int capacity);  // the next free row of the expert, or -1 when full
    void add_balance_loss(int g);
    void balance_loss_backward(int g, int t0, int count);
    void route_switch(int g, int t0, int count);
    void route_top2(int g, int t0, int count);
    void route_noisy_topk(int g, int t0, int count);
    void route_expert_choice(int g, int t0, int count);
    void backward_switch(int g, int t0, int count, const float* d_gate);
    void backward_top2(int g, int t0, int count, const float* d_gate);
    void backward_noisy_topk(int g, int t0, int count, const float* d_gate);
    void backward_expert_choice(int g, int t0, int count, const float* d_gate);
    void compute_stats();
};

}  // namespace noam
