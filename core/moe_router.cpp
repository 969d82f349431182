// The routers: each one's forward (choices, gates, capacity, auxiliary losses) with its backward beside it.
// Sections: helpers | set-up | forward | switch | top2 | noisy top-k | expert choice | backward | statistics
#include "moe_router.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace noam {

// ---- helpers ----

int expert_capacity(int tokens, int experts, float capacity_factor) {
    // capacity_factor is a float read from a decimal (0.7f * 10 = 6.9999998): + 1e-6 restores the decimal product
    const int c = (int)std::floor((double)capacity_factor * tokens / experts + 1e-6);
    return std::min(tokens, c);
}

double normal_cdf(double u) { return 0.5 * std::erfc(-u * 0.7071067811865476); }
double normal_pdf(double u) { return 0.3989422804014327 * std::exp(-0.5 * u * u); }

static float softplus(float z) { return z > 20.0f ? z : std::log1p(std::exp(z)); }  // ln(1 + e^z)
static float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }              // softplus'(z)

// CV(v)^2 = Var(v) / Mean(v)^2 over the E experts, with the population variance (as tensor2tensor's cv_squared)
static double cv_squared(const double* v, int E) {
    double mean = 0, var = 0;
    for (int e = 0; e < E; e++) mean += v[e] / E;
    for (int e = 0; e < E; e++) var += (v[e] - mean) * (v[e] - mean) / E;
    return mean > 0 ? var / (mean * mean) : 0.0;
}

// d CV^2 / d v_e = (2/E) ((v_e - mean) / mean^2 - Var / mean^3), times scale, into out (E)
static void cv_squared_backward(const double* v, int E, double scale, double* out) {
    double mean = 0, var = 0;
    for (int e = 0; e < E; e++) mean += v[e] / E;
    for (int e = 0; e < E; e++) var += (v[e] - mean) * (v[e] - mean) / E;
    for (int e = 0; e < E; e++)
        out[e] = mean > 0 ? scale * 2.0 / E * ((v[e] - mean) / (mean * mean) - var / (mean * mean * mean)) : 0.0;
}

// index of the largest p[e] (the lowest index on a tie), skipping `skip`
static int argmax(const float* p, int E, int skip = -1) {
    int best = -1;
    for (int e = 0; e < E; e++)
        if (e != skip && (best < 0 || p[e] > p[best])) best = e;
    return best;
}

static bool among_first(const Route* r, int k, int expert) {
    for (int i = 0; i < k; i++)
        if (r[i].expert == expert) return true;
    return false;
}

static int routes_per_token(const MoeConfig& c) {
    switch (c.router) {
        case RouterKind::Switch: return 1;
        case RouterKind::Top2: return 2;
        case RouterKind::NoisyTopK: return c.k;
        case RouterKind::ExpertChoice: return c.experts;  // route e of a token is expert e's pick of it
    }
    return 1;
}

// ---- set-up ----

void Router::declare(ParamStore& ps, const std::string& name, const MoeConfig& c, int d) {
    cfg = c;
    d_model = d;
    E = c.experts;
    K = routes_per_token(c);
    w_g.declare(ps, name + ".router", d, E, false);
    if (cfg.router == RouterKind::NoisyTopK && cfg.noise) w_noise.declare(ps, name + ".router_noise", d, E, false);
}

void Router::reserve(int rows) {
    max_rows = rows;
    const size_t NE = (size_t)rows * E;
    const int max_groups = cfg.group_size > 0 ? (rows + cfg.group_size - 1) / cfg.group_size : 1;
    w_g.reserve(rows);
    logits.assign(NE, 0.0f);
    lse.assign(rows, 0.0f);
    probs.assign(NE, 0.0f);
    routes.assign((size_t)rows * K, Route{});
    expert_count.assign(E, 0);
    expert_token.assign(NE, 0);
    group_a.assign((size_t)max_groups * E, 0.0);
    group_b.assign((size_t)max_groups * E, 0.0);
    d_group_a.assign(E, 0.0);
    d_group_b.assign(E, 0.0);
    d_probs.assign(NE, 0.0f);
    d_logits.assign(NE, 0.0f);
    order.assign(std::max(rows, E), 0);
    used.assign(E, 0);
    if (cfg.router == RouterKind::NoisyTopK) {
        noisy.assign(NE, 0.0f);
        kth.assign(rows, 0);
        kth1.assign(rows, 0);
        if (cfg.noise) {
            w_noise.reserve(rows);
            noise_logits.assign(NE, 0.0f);
            noise_std.assign(NE, 0.0f);
            noise.assign(NE, 0.0f);
            d_noise_logits.assign(NE, 0.0f);
        }
    }
    if (cfg.router == RouterKind::Top2) uniform.assign(rows, 0.0f);
    for (auto* v : {&stats.routed_first, &stats.routed_second, &stats.kept, &stats.dropped, &stats.capacity})
        v->assign(E, 0);
    stats.mean_prob.assign(E, 0.0f);
    stats.experts = E;
}

void Router::init(Rng& rng) {
    float* w = w_g.store->w(w_g.w_index);
    const size_t size = (size_t)d_model * E;
    if (cfg.router == RouterKind::NoisyTopK) {
        // Shazeer et al. 2017: W_g and W_noise start at zero (every expert equally likely; the noise breaks ties)
        std::fill(w, w + size, 0.0f);
        if (cfg.noise) std::fill(w_noise.store->w(w_noise.w_index), w_noise.store->w(w_noise.w_index) + size, 0.0f);
        return;
    }
    // Switch's smaller initialisation: a normal truncated at two standard deviations, std sqrt(s / fan_in)
    const float std = std::sqrt(cfg.router_init_scale / d_model);
    for (size_t i = 0; i < size; i++) {
        float z = rng.normal();
        while (std::fabs(z) > 2.0f) z = rng.normal();
        w[i] = std * z;
    }
}

void Router::draw(Rng& rng, int rows) {
    if (cfg.router == RouterKind::NoisyTopK && cfg.noise)
        for (size_t i = 0; i < (size_t)rows * E; i++) noise[i] = rng.normal();
    if (cfg.router == RouterKind::Top2 && cfg.second_policy == SecondPolicy::Random)
        for (int t = 0; t < rows; t++) uniform[t] = rng.uniform();
}

// ---- forward ----

int Router::place(int token, int expert, int capacity) {
    if (used[expert] >= capacity) return -1;
    used[expert]++;
    const int slot = expert_count[expert]++;
    expert_token[(size_t)expert * max_rows + slot] = token;
    return slot;
}

void Router::forward(const float* x, int rows) {
    n = rows;
    // logits (N,E) = x W_g ; noisy_topk: the noise scale's logits (N,E) = x W_noise
    w_g.forward(x, logits.data(), n);
    if (w_noise.w_index >= 0) w_noise.forward(x, noise_logits.data(), n);
    // lse_t = ln sum_e exp(logits_te), for the z-loss and the logit magnitude; p = softmax(logits) = exp(z - lse)
    const bool softmax_router = cfg.router != RouterKind::NoisyTopK;
#pragma omp parallel for schedule(static) if (n >= 256)
    for (int t = 0; t < n; t++) {
        const float* z = logits.data() + (size_t)t * E;
        float m = z[0];
        for (int e = 1; e < E; e++) m = std::max(m, z[e]);
        double s = 0;
        for (int e = 0; e < E; e++) s += std::exp((double)(z[e] - m));
        lse[t] = m + (float)std::log(s);
        if (softmax_router)
            for (int e = 0; e < E; e++) probs[(size_t)t * E + e] = std::exp(z[e] - lse[t]);
    }
    std::fill(routes.begin(), routes.begin() + (size_t)n * K, Route{});
    std::fill(expert_count.begin(), expert_count.end(), 0);
    stats.balance = stats.importance = stats.load = stats.z = 0.0;
    smooth_load = cfg.router == RouterKind::NoisyTopK && cfg.noise && training;

    // GShard's random policy in evaluation: draws from a generator reset at every forward, so that evaluating the
    // same weights gives the same numbers and the training stream is not touched
    if (!training && cfg.router == RouterKind::Top2 && cfg.second_policy == SecondPolicy::Random) {
        Rng eval_rng(0x5EC0DE);
        draw(eval_rng, n);
    }
    // local group dispatching: capacity and the balance losses are per group; each loss is the mean over groups
    group = cfg.group_size > 0 ? std::min(cfg.group_size, n) : n;
    groups = (n + group - 1) / group;
    for (int g = 0; g < groups; g++) {
        const int t0 = g * group, count = std::min(group, n - t0);
        std::fill(used.begin(), used.end(), 0);
        switch (cfg.router) {
            case RouterKind::Switch: route_switch(g, t0, count); break;
            case RouterKind::Top2: route_top2(g, t0, count); break;
            case RouterKind::NoisyTopK: route_noisy_topk(g, t0, count); break;
            case RouterKind::ExpertChoice: route_expert_choice(g, t0, count); break;
        }
        // ST-MoE router z-loss: L_z = (1/B) sum over the B tokens of (log sum_j exp(x_j))^2
        double z = 0;
        for (int t = t0; t < t0 + count; t++) z += (double)lse[t] * lse[t];
        stats.z += z / count / groups;
    }
    compute_stats();
}

// ---- Switch Transformers: top-1 ----
// p(x) = softmax(x W_r); i = argmax p(x); y = p_i(x) E_i(x). Tokens are taken in order; an expert already holding
// C = capacity tokens of the group drops the token. Balance loss = E sum_i f_i P_i, f_i the fraction of tokens
// whose argmax is i (before capacity), P_i the mean of p_i(x).
void Router::route_switch(int g, int t0, int count) {
    const int C = expert_capacity(count, E, capacity_factor());
    double* f = group_a.data() + (size_t)g * E;
    double* P = group_b.data() + (size_t)g * E;
    std::fill(f, f + E, 0.0);
    std::fill(P, P + E, 0.0);
    for (int t = t0; t < t0 + count; t++) {
        const float* p = probs.data() + (size_t)t * E;
        const int e = argmax(p, E);
        f[e] += 1.0 / count;
        for (int j = 0; j < E; j++) P[j] += (double)p[j] / count;
        Route& r = routes[(size_t)t * K];
        r.expert = e;
        r.gate = p[e];
        r.slot = place(t, e, C);
        r.dropped = r.slot < 0;
    }
    add_balance_loss(g);
}

// Switch's load-balancing loss and GShard's l_aux are one formula: E sum_e f_e P_e over the group, f_e the fraction
// of its tokens whose first choice is e (group_a), P_e the mean router probability of e (group_b).
void Router::add_balance_loss(int g) {
    const double* f = group_a.data() + (size_t)g * E;
    const double* P = group_b.data() + (size_t)g * E;
    double balance = 0;
    for (int e = 0; e < E; e++) balance += E * f[e] * P[e];
    stats.balance += balance / groups;
}

// Its gradient flows through P_e = (1/T) sum_x p_e(x) only (f_e counts argmaxes):
// d p_e(x) += balance_coef E f_e / T, for the mean over G groups / G
void Router::balance_loss_backward(int g, int t0, int count) {
    const double* f = group_a.data() + (size_t)g * E;
    const double scale = (double)cfg.balance_coef / groups;
    for (int t = t0; t < t0 + count; t++) {
        float* dp = d_probs.data() + (size_t)t * E;
        for (int e = 0; e < E; e++) dp[e] += (float)(scale * E * f[e] / count);
    }
}

// y = p_i(x) E_i(x): d p_i(x) = d gate for processed tokens; then the balance loss
void Router::backward_switch(int g, int t0, int count, const float* d_gate) {
    for (int t = t0; t < t0 + count; t++) {
        const Route& r = routes[(size_t)t * K];
        if (r.slot >= 0) d_probs[(size_t)t * E + r.expert] += d_gate[(size_t)t * K];
    }
    balance_loss_backward(g, t0, count);
}

// ---- GShard: top-2 ----
// gates = softmax(x W_g); e1, e2 the best and second-best experts; g1 = p_e1 / (p_e1 + p_e2), g2 = p_e2 / (p_e1 + p_e2).
// The second expert is used always (all), never (none), when g2 > threshold, or with probability min(1, g2 / threshold)
// (random). First choices of all tokens fill the experts (in token order) before any second choice is placed; past
// C a choice is dropped (its gate becomes 0, no renormalisation). l_aux = E sum_e (c_e / T) m_e, c_e the tokens
// whose FIRST choice is e, m_e the mean gate probability of e.
void Router::route_top2(int g, int t0, int count) {
    const int C = expert_capacity(count, E, capacity_factor());
    double* c = group_a.data() + (size_t)g * E;
    double* m = group_b.data() + (size_t)g * E;
    std::fill(c, c + E, 0.0);
    std::fill(m, m + E, 0.0);
    for (int t = t0; t < t0 + count; t++) {
        const float* p = probs.data() + (size_t)t * E;
        const int e1 = argmax(p, E), e2 = argmax(p, E, e1);
        const float s = p[e1] + p[e2];
        routes[(size_t)t * 2] = Route{e1, -1, p[e1] / s, false};
        routes[(size_t)t * 2 + 1] = Route{e2, -1, p[e2] / s, false};
        c[e1] += 1.0 / count;
        for (int j = 0; j < E; j++) m[j] += (double)p[j] / count;
    }
    for (int t = t0; t < t0 + count; t++) {  // first choices
        Route& r = routes[(size_t)t * 2];
        r.slot = place(t, r.expert, C);
        r.dropped = r.slot < 0;
    }
    for (int t = t0; t < t0 + count; t++) {  // then second choices
        Route& r = routes[(size_t)t * 2 + 1];
        bool use = true;
        switch (cfg.second_policy) {
            case SecondPolicy::All: break;
            case SecondPolicy::None: use = false; break;
            case SecondPolicy::Threshold: use = r.gate > cfg.second_threshold; break;
            case SecondPolicy::Random: use = uniform[t] < r.gate / cfg.second_threshold; break;
        }
        if (!use) continue;
        r.slot = place(t, r.expert, C);
        r.dropped = r.slot < 0;
    }
    add_balance_loss(g);
}

// g1 = a / s, g2 = b / s with s = a + b:  da = b (dg1 - dg2) / s^2,  db = a (dg2 - dg1) / s^2
// (g1 keeps its normaliser even when the second expert is not used or dropped, as in the reference code);
// then l_aux (the balance loss's gradient, through m_e only)
void Router::backward_top2(int g, int t0, int count, const float* d_gate) {
    for (int t = t0; t < t0 + count; t++) {
        float* dp = d_probs.data() + (size_t)t * E;
        const float* p = probs.data() + (size_t)t * E;
        const Route& r1 = routes[(size_t)t * 2];
        const Route& r2 = routes[(size_t)t * 2 + 1];
        const float a = p[r1.expert], b = p[r2.expert], s = a + b;
        const float dg1 = r1.slot >= 0 ? d_gate[(size_t)t * 2] : 0.0f;
        const float dg2 = r2.slot >= 0 ? d_gate[(size_t)t * 2 + 1] : 0.0f;
        dp[r1.expert] += b * (dg1 - dg2) / (s * s);
        dp[r2.expert] += a * (dg2 - dg1) / (s * s);
    }
    balance_loss_backward(g, t0, count);
}

// ---- Shazeer et al. 2017: noisy top-k gating ----
// H(x)_i = (x W_g)_i + StandardNormal() * Softplus((x W_noise)_i)   (noise in training only)
// G(x) = Softmax(KeepTopK(H(x), k)): the softmax over the k largest H, 0 elsewhere. No capacity.
// Importance(X) = sum_x G(x); Load(X)_i = sum_x P(x, i),
// P(x, i) = Phi(((x W_g)_i - kth_excluding(H(x), k, i)) / Softplus((x W_noise)_i)): the probability that expert i
// stays in the top k when its own noise is drawn again; kth_excluding is the k-th largest H(x) without H(x)_i,
// i.e. the (k+1)-th largest if i is in the top k, the k-th largest otherwise. Without noise, Load counts tokens.
// L_importance = CV(Importance)^2, L_load = CV(Load)^2.
void Router::route_noisy_topk(int g, int t0, int count) {
    const int k = cfg.k;
    double* importance = group_a.data() + (size_t)g * E;
    double* load = group_b.data() + (size_t)g * E;
    std::fill(importance, importance + E, 0.0);
    std::fill(load, load + E, 0.0);
    for (int t = t0; t < t0 + count; t++) {
        const size_t row = (size_t)t * E;
        const float* z = logits.data() + row;
        float* H = noisy.data() + row;
        for (int e = 0; e < E; e++) {
            if (smooth_load) {
                noise_std[row + e] = softplus(noise_logits[row + e]);
                H[e] = z[e] + noise[row + e] * noise_std[row + e];
            } else {
                H[e] = z[e];
            }
        }
        // the experts by H, largest first (the lower index first on a tie): the top k and the (k+1)-th
        int* o = order.data();
        std::iota(o, o + E, 0);
        std::partial_sort(o, o + k + 1, o + E, [&](int a, int b) { return H[a] > H[b] || (H[a] == H[b] && a < b); });
        kth[t] = o[k - 1];
        kth1[t] = o[k];
        float* G = probs.data() + row;
        std::fill(G, G + E, 0.0f);
        double den = 0;
        for (int i = 0; i < k; i++) den += std::exp((double)(H[o[i]] - H[o[0]]));
        Route* r = routes.data() + (size_t)t * K;
        for (int i = 0; i < k; i++) {
            const int e = o[i];
            G[e] = (float)(std::exp((double)(H[e] - H[o[0]])) / den);
            r[i] = Route{e, place(t, e, count), G[e], false};
        }
        for (int e = 0; e < E; e++) {
            importance[e] += G[e];
            if (smooth_load) {
                const float threshold = among_first(r, k, e) ? H[kth1[t]] : H[kth[t]];
                load[e] += normal_cdf(((double)z[e] - threshold) / noise_std[row + e]);
            } else {
                load[e] += among_first(r, k, e) ? 1.0 : 0.0;
            }
        }
    }
    stats.importance += cv_squared(importance, E) / groups;
    stats.load += cv_squared(load, E) / groups;
}

// G = softmax over the kept i: dH_i = G_i (dG_i - sum_j G_j dG_j), dG_i = d gate_i + w_importance dL_imp/dImportance_i.
// P(x, i) = Phi(u), u = (z_i - H_thr) / s_i with s = Softplus(x W_noise):
//   dz_i += dP phi(u) / s_i ; dH_thr -= dP phi(u) / s_i ; ds_i -= dP phi(u) u / s_i
// H = z + noise s: dz += dH, ds += dH noise ; s = Softplus(r): dr = ds sigmoid(r). Writes d_logits, d_noise_logits.
void Router::backward_noisy_topk(int g, int t0, int count, const float* d_gate) {
    const int k = cfg.k;
    cv_squared_backward(group_a.data() + (size_t)g * E, E, (double)cfg.importance_coef / groups, d_group_a.data());
    cv_squared_backward(group_b.data() + (size_t)g * E, E, smooth_load ? (double)cfg.load_coef / groups : 0.0,
                        d_group_b.data());
    for (int t = t0; t < t0 + count; t++) {
        const size_t row = (size_t)t * E;
        const float* z = logits.data() + row;
        const float* H = noisy.data() + row;
        const float* G = probs.data() + row;
        const Route* r = routes.data() + (size_t)t * K;
        float* dH = d_probs.data() + row;  // zero on entry
        float* dz = d_logits.data() + row;
        double sum = 0;
        for (int i = 0; i < k; i++) sum += (double)G[r[i].expert] * (d_gate[(size_t)t * K + i] + d_group_a[r[i].expert]);
        for (int i = 0; i < k; i++) {
            const int e = r[i].expert;
            dH[e] = (float)(G[e] * (d_gate[(size_t)t * K + i] + d_group_a[e] - sum));
        }
        for (int e = 0; e < E; e++) dz[e] = 0.0f;
        if (!smooth_load) {
            for (int e = 0; e < E; e++) dz[e] = dH[e];
            if (w_noise.w_index >= 0) std::fill(d_noise_logits.begin() + row, d_noise_logits.begin() + row + E, 0.0f);
            continue;
        }
        float* ds = d_noise_logits.data() + row;  // d s first, d(x W_noise) at the end
        for (int e = 0; e < E; e++) ds[e] = 0.0f;
        for (int e = 0; e < E; e++) {
            const int thr = among_first(r, k, e) ? kth1[t] : kth[t];
            const double s = noise_std[row + e];
            const double u = ((double)z[e] - H[thr]) / s;
            const double w = d_group_b[e] * normal_pdf(u) / s;
            dz[e] += (float)w;
            dH[thr] -= (float)w;
            ds[e] -= (float)(w * u);
        }
        for (int e = 0; e < E; e++) {
            dz[e] += dH[e];
            ds[e] += dH[e] * noise[row + e];
            ds[e] *= sigmoid(noise_logits[row + e]);
        }
    }
}

// ---- Expert Choice routing ----
// S = softmax(X W_g) (T,E); each EXPERT takes the C = T * capacity_factor / E tokens with the largest S[:, e]
// (the lower token first on a tie), gate S[t, e]. Balanced by construction; a token may get 0, 1 or many experts.
void Router::route_expert_choice(int g, int t0, int count) {
    const int C = expert_capacity(count, E, capacity_factor());
    int* o = order.data();
    for (int e = 0; e < E; e++) {
        std::iota(o, o + count, t0);
        auto score = [&](int t) { return probs[(size_t)t * E + e]; };
        std::partial_sort(o, o + C, o + count,
                          [&](int a, int b) { return score(a) > score(b) || (score(a) == score(b) && a < b); });
        for (int i = 0; i < C; i++) {
            const int t = o[i];
            routes[(size_t)t * K + e] = Route{e, place(t, e, C), score(t), false};
        }
    }
}

void Router::backward_expert_choice(int g, int t0, int count, const float* d_gate) {
    for (int t = t0; t < t0 + count; t++)
        for (int e = 0; e < E; e++)
            if (routes[(size_t)t * K + e].slot >= 0) d_probs[(size_t)t * E + e] += d_gate[(size_t)t * K + e];
}

// ---- backward ----

void Router::backward(const float* d_gate, float* dx) {
    const size_t NE = (size_t)n * E;
    std::fill(d_probs.begin(), d_probs.begin() + NE, 0.0f);
    for (int g = 0; g < groups; g++) {
        const int t0 = g * group, count = std::min(group, n - t0);
        switch (cfg.router) {
            case RouterKind::Switch: backward_switch(g, t0, count, d_gate); break;
            case RouterKind::Top2: backward_top2(g, t0, count, d_gate); break;
            case RouterKind::NoisyTopK: backward_noisy_topk(g, t0, count, d_gate); break;
            case RouterKind::ExpertChoice: backward_expert_choice(g, t0, count, d_gate); break;
        }
    }
    const bool softmax_router = cfg.router != RouterKind::NoisyTopK;
#pragma omp parallel for schedule(static) if (n >= 256)
    for (int t = 0; t < n; t++) {
        const float* p = probs.data() + (size_t)t * E;
        const float* dp = d_probs.data() + (size_t)t * E;
        const float* z = logits.data() + (size_t)t * E;
        float* dz = d_logits.data() + (size_t)t * E;
        // p = softmax(z): dz_j = p_j (dp_j - sum_i p_i dp_i)   (noisy_topk wrote dz itself)
        if (softmax_router) {
            double dot = 0;
            for (int j = 0; j < E; j++) dot += (double)p[j] * dp[j];
            for (int j = 0; j < E; j++) dz[j] = p[j] * (float)(dp[j] - dot);
        }
        // z-loss, the mean over the group of lse^2, averaged over groups: dz_j += c_z 2 lse softmax(z)_j / (T G)
        const int count = std::min(group, n - t / group * group);
        const float w = cfg.z_loss_coef * 2.0f * lse[t] / ((float)count * groups);
        if (w != 0.0f)
            for (int j = 0; j < E; j++) dz[j] += w * std::exp(z[j] - lse[t]);
    }
    w_g.backward(d_logits.data(), dx, n);
    if (w_noise.w_index >= 0) w_noise.backward(d_noise_logits.data(), dx, n);
}

// ---- statistics ----

void Router::compute_stats() {
    MoeStats& s = stats;
    s.tokens = n;
    for (auto* v : {&s.routed_first, &s.routed_second, &s.kept, &s.dropped, &s.capacity})
        std::fill(v->begin(), v->end(), 0);
    s.tokens_dropped = s.tokens_without_expert = 0;
    double entropy = 0, lse_sum = 0;
    float lse_max = n > 0 ? lse[0] : 0.0f;
    for (int t = 0; t < n; t++) {
        bool processed = false;
        for (int i = 0; i < K; i++) {
            const Route& r = routes[(size_t)t * K + i];
            if (r.expert < 0 || (r.slot < 0 && !r.dropped)) continue;  // unused, or top2's policy said no
            const bool first = i == 0 || cfg.router == RouterKind::ExpertChoice;  // an expert's pick is its first
            (first ? s.routed_first : s.routed_second)[r.expert]++;
            if (r.slot >= 0) s.kept[r.expert]++;
            if (r.dropped) s.dropped[r.expert]++;
            processed |= r.slot >= 0;
        }
        if (!processed) s.tokens_without_expert++;
        const float* p = probs.data() + (size_t)t * E;
        for (int e = 0; e < E; e++)
            if (p[e] > 0) entropy -= (double)p[e] * std::log((double)p[e]) / n;
        lse_sum += lse[t];
        lse_max = std::max(lse_max, lse[t]);
    }
    for (int g = 0; g < groups; g++) {
        const int count = std::min(group, n - g * group);
        const int C = cfg.has_capacity() ? expert_capacity(count, E, capacity_factor()) : count;
        for (int e = 0; e < E; e++) s.capacity[e] += C;
    }
    int routed = 0;
    double mean = 0, var = 0;
    for (int e = 0; e < E; e++) {
        double mean_prob = 0;
        for (int t = 0; t < n; t++) mean_prob += (double)probs[(size_t)t * E + e] / n;
        s.mean_prob[e] = (float)mean_prob;
        s.tokens_dropped += s.dropped[e];
        routed += s.routed_first[e] + s.routed_second[e];
        mean += (double)(s.routed_first[e] + s.routed_second[e]) / E;
    }
    for (int e = 0; e < E; e++) {
        const double d = s.routed_first[e] + s.routed_second[e] - mean;
        var += d * d / E;
    }
    s.load_cv = mean > 0 ? (float)(std::sqrt(var) / mean) : 0.0f;
    s.dropped_fraction = routed > 0 ? (float)s.tokens_dropped / routed : 0.0f;
    s.entropy = (float)entropy;
    s.logit_lse_mean = n > 0 ? (float)(lse_sum / n) : 0.0f;
    s.logit_lse_max = lse_max;
    s.aux = (double)cfg.balance_coef * s.balance + (double)cfg.importance_coef * s.importance +
            (double)cfg.load_coef * s.load + (double)cfg.z_loss_coef * s.z;
}

}  // namespace noam
