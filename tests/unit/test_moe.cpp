// Mixture-of-Experts: every router's backward (with its losses) against finite differences, alone and inside the
// whole model; every router against PyTorch (tests/data/reference/moe, written by
// tests/reference/make_moe_reference.py); and the papers' claims worked by hand: Switch's balance loss, capacity
// and drops (first choices before second choices), the 2017 load estimator, GShard's random second expert; and
// the config: bad values, wrong combinations, knobs on the nested keys.
//
// Reference tolerances (NMSE = sum (ours - torch)^2 / sum torch^2, ggml's metric): ours is float32, torch float64,
// so a correct layer differs by round-off alone, NMSE ~1e-14..1e-12 measured. A wrong gate (missing the top2
// renormalisation), a missing loss term or a token in the wrong expert moves NMSE to 1e-4..1. We require
// y and gradients below 1e-9 and 1e-8 (as tests/unit/test_reference.cpp), loss terms within 1e-5 relative.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"
#include "grad_check.h"
#include "json_reader.h"
#include "moe.h"
#include "transformer.h"

using namespace noam;
using namespace noam::test;

namespace {

// The model section a config file would hold, with its "moe" object, parsed and validated as a file is.
ModelConfig model_with_moe(const nlohmann::json& moe, int D, int d_ff, const std::string& ffn, bool bias,
                           int n_layers = 1) {
    const nlohmann::json j = {{"model", {{"d_model", D}, {"n_heads", 1}, {"n_layers", n_layers}, {"d_ff", d_ff},
                                         {"ffn", ffn}, {"ffn_bias", bias}, {"positions", "none"}, {"moe", moe}}},
                              {"data", {{"task", "copy"}}}};
    return parse_run_config(j, "<test>").model;
}

// One MoE layer with its own parameters (constructed in place: the layer points into ps).
struct Layer {
    ParamStore ps;
    MoE moe;
    Layer(const ModelConfig& m, int rows, uint64_t seed) {
        moe.declare(ps, "moe", m);
        ps.allocate();
        moe.reserve(rows);
        Rng rng(seed);
        moe.init(rng, 1.0f);
    }
    Layer(const Layer&) = delete;
    float* router_w() { return ps.w(moe.router.w_g.w_index); }
};

// The routing decisions of routers, recorded once and then compared after every evaluation of a finite
// difference: a step that moves a token across a top-k or capacity boundary measures a jump, not a derivative,
// so the gradient checks must run where no decision changes (the settings are chosen so; this proves it).
struct DecisionWatch {
    std::vector<const Router*> routers;
    std::vector<std::vector<int>> recorded;
    int evaluations = 0, changed = 0;

    static std::vector<int> decisions(const Router& r) {
        std::vector<int> d;
        for (size_t i = 0; i < (size_t)r.n * r.K; i++) {
            d.push_back(r.routes[i].expert);
            d.push_back(r.routes[i].slot);
        }
        if (r.cfg.router == RouterKind::NoisyTopK) {  // the experts whose H is the load estimator's threshold
            d.insert(d.end(), r.kth.begin(), r.kth.begin() + r.n);
            d.insert(d.end(), r.kth1.begin(), r.kth1.begin() + r.n);
        }
        return d;
    }
    void record() {
        recorded.clear();
        for (const Router* r : routers) recorded.push_back(decisions(*r));
    }
    void compare() {  // after record()
        if (recorded.empty()) return;
        evaluations++;
        for (size_t i = 0; i < routers.size(); i++) changed += decisions(*routers[i]) != recorded[i];
    }
};

// The layer alone: forward with the draws fixed (drawn once, reused by every evaluation), the objective
// sum(y * R) + aux, then the aux losses alone (R = 0), whose gradients are small beside the output's.
void check_layer_gradients(const std::string& what, const nlohmann::json& moe, const std::string& ffn, int N,
                           uint64_t seed, float router_scale) {
    const int D = 6, F = 5;
    Layer L(model_with_moe(moe, D, F, ffn, true), N, seed);
    Rng rng(seed + 100);
    // a router far from uniform, and (noisy top-k) a noise scale that is not zero everywhere
    for (Linear* w : {&L.moe.router.w_g, &L.moe.router.w_noise}) {
        if (w->w_index < 0) continue;
        float* p = L.ps.w(w->w_index);
        for (int i = 0; i < D * L.moe.router.E; i++) p[i] = router_scale * rng.normal() / std::sqrt((float)D);
    }
    std::vector<float> x = random_vector(rng, (size_t)N * D), y(x.size());
    std::vector<float> R = random_vector(rng, y.size());
    L.moe.set_training(true);
    L.moe.draw(rng, N);
    DecisionWatch watch;
    watch.routers.push_back(&L.moe.router);
    auto loss = [&] {
        L.moe.forward(x.data(), y.data(), N);
        watch.compare();
        return weighted_sum(y.data(), R) + L.moe.aux_loss();
    };
    loss();
    watch.record();
    check_layer(what, L.ps, &x, loss, [&](float* dx) { L.moe.backward(R.data(), dx); }, 11, 2e-3f);
    std::fill(R.begin(), R.end(), 0.0f);
    loss();
    ASSERT_GT(L.moe.aux_loss(), 0.0) << what;
    check_layer(what + " (aux losses alone)", L.ps, &x, loss, [&](float* dx) { L.moe.backward(R.data(), dx); }, 12,
                2e-3f);
    EXPECT_EQ(watch.changed, 0) << what << ": " << watch.changed << " of " << watch.evaluations
                                << " finite-difference evaluations changed a routing decision; choose another seed";
}

}  // namespace

// ---- finite differences, the layer alone ----

TEST(MoeGradients, SwitchWithCapacityDropsBalanceAndZLoss) {
    // capacity 1.0 on 16 tokens and 4 experts: C = 4, and this seed's router overfills some experts
    check_layer_gradients("switch", {{"experts", 4}, {"router", "switch"}, {"capacity_factor", 1.0},
                                     {"balance_coef", 0.5}, {"z_loss_coef", 0.05}}, "relu", 16, 5, 2.0f);
}

TEST(MoeGradients, SwitchInGroups) {
    check_layer_gradients("switch groups", {{"experts", 3}, {"router", "switch"}, {"group_size", 5},
                                            {"balance_coef", 0.5}, {"z_loss_coef", 0.05}}, "gelu", 15, 6, 2.0f);
}

TEST(MoeGradients, Top2EveryPolicy) {
    for (const char* policy : {"all", "none", "threshold", "random"})
        check_layer_gradients(std::string("top2 ") + policy,
                              {{"experts", 4}, {"router", "top2"}, {"second_policy", policy},
                               {"second_threshold", 0.2}, {"capacity_factor", 1.25}, {"balance_coef", 0.5},
                               {"z_loss_coef", 0.05}}, "relu", 16, 11, 2.0f);
}

TEST(MoeGradients, NoisyTopKWithNoiseImportanceAndLoad) {
    for (int k : {1, 2})
        check_layer_gradients("noisy_topk k=" + std::to_string(k),
                              {{"experts", 4}, {"router", "noisy_topk"}, {"k", k}, {"importance_coef", 0.5},
                               {"load_coef", 0.5}, {"z_loss_coef", 0.05}}, "swiglu", 12, 8 + k, 2.0f);
}

TEST(MoeGradients, ExpertChoice) {
    check_layer_gradients("expert_choice", {{"experts", 4}, {"router", "expert_choice"}, {"capacity_factor", 1.0},
                                            {"z_loss_coef", 0.05}}, "relu", 16, 11, 2.0f);
}

// ---- finite differences, the whole model (MoE blocks, label smoothing, aux losses in the objective) ----

static void check_model_with_moe(nlohmann::json moe, int every, uint64_t seed, const std::string& what) {
    moe["every"] = every;
    ModelConfig c = model_with_moe(moe, 8, 12, "gelu", true, 2);
    c.vocab_size = 11;
    c.seq_len = 6;
    Rng init(seed);
    TransformerLM model(c, 2, init);
    model.loss_fn.label_smoothing = 0.1f;
    model.training = true;
    Rng rng(9);
    std::vector<int> tokens(12), targets(12);
    for (int i = 0; i < 12; i++) {
        tokens[i] = rng.randint(11);
        targets[i] = i % 5 == 2 ? -1 : rng.randint(11);
    }
    const Rng draws = model.route_rng;  // every evaluation draws the same noise and the same second experts
    DecisionWatch watch;
    for (const Block& b : model.blocks)
        if (b.use_moe) watch.routers.push_back(&b.moe.router);
    auto loss = [&] {
        model.route_rng = draws;
        const LossStats s = model.forward(tokens.data(), targets.data(), 2, 6);
        watch.compare();
        return s.loss + s.aux_loss;
    };
    EXPECT_EQ(watch.routers.size(), every == 1 ? 2u : 1u) << what;
    EXPECT_GT(loss(), 0.0);
    EXPECT_GT(model.last.aux_loss, 0.0) << what;
    watch.record();
    check_layer(what, model.params, nullptr, loss, [&](float*) { model.backward(); }, 10, 2e-3f);
    EXPECT_EQ(watch.changed, 0) << what << ": " << watch.changed << " of " << watch.evaluations
                                << " finite-difference evaluations changed a routing decision; choose another seed";
}

TEST(MoeGradients, WholeModelEachRouter) {
    // router_init_scale 4: logits far from uniform, so that few tokens sit near a decision boundary
    check_model_with_moe({{"experts", 4}, {"router", "switch"}, {"capacity_factor", 1.0}, {"balance_coef", 0.1},
                          {"z_loss_coef", 0.01}, {"router_init_scale", 4.0}}, 1, 25, "model switch");
    check_model_with_moe({{"experts", 4}, {"router", "top2"}, {"second_policy", "random"}, {"balance_coef", 0.1},
                          {"router_init_scale", 4.0}}, 2, 26, "model top2");
    check_model_with_moe({{"experts", 4}, {"router", "noisy_topk"}, {"k", 2}, {"z_loss_coef", 0.01}}, 1, 27,
                         "model noisy_topk");
    check_model_with_moe({{"experts", 3}, {"router", "expert_choice"}, {"capacity_factor", 1.0},
                          {"z_loss_coef", 0.01}, {"router_init_scale", 4.0}}, 1, 28, "model expert_choice");
}

// ---- PyTorch ----

namespace {

double nmse(const float* ours, const std::vector<double>& ref) {
    double err2 = 0, ref2 = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        err2 += ((double)ours[i] - ref[i]) * ((double)ours[i] - ref[i]);
        ref2 += ref[i] * ref[i];
    }
    const double r = err2 / std::max(ref2, 1e-300);
    return std::isfinite(r) ? r : INFINITY;
}

constexpr double kOutputNmse = 1e-9, kGradNmse = 1e-8, kLossRel = 1e-5;

}  // namespace

TEST(MoeReference, EveryRouterMatchesPyTorch) {
    const std::string dir = std::string(NOAM_TEST_DATA) + "/reference/moe";
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".json") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    ASSERT_GE(files.size(), 8u) << "expected the reference cases in " << dir << " (tests/reference/make_moe_reference.py)";
    for (const std::string& file : files) {
        const nlohmann::json j = read_json_file(file);
        const std::string name = j["name"];
        SCOPED_TRACE(name);
        const int N = j["N"], D = j["d_model"];
        Layer L(model_with_moe(j["moe"], D, j["d_ff"], j["ffn"], j["ffn_bias"]), N, 1);
        ASSERT_EQ(L.ps.params.size(), j["params"].size()) << "the same parameters on both sides";
        for (const auto& [pname, p] : j["params"].items()) {
            const int idx = L.ps.find(pname);
            ASSERT_GE(idx, 0) << "no parameter " << pname;
            const std::vector<float> values = p["values"];
            ASSERT_EQ(values.size(), L.ps.params[idx].size) << pname;
            std::copy(values.begin(), values.end(), L.ps.w(idx));
        }
        const std::vector<float> x = j["x"], dy = j["dy"];
        std::vector<float> y(x.size()), dx(x.size(), 0.0f);
        Router& r = L.moe.router;
        L.moe.set_training(j["training"]);
        if (j.contains("noise")) r.noise = j["noise"].get<std::vector<float>>();
        if (j.contains("uniform")) r.uniform = j["uniform"].get<std::vector<float>>();
        L.moe.forward(x.data(), y.data(), N);

        const nlohmann::json& t = j["torch"];
        EXPECT_LT(nmse(y.data(), t["y"]), kOutputNmse) << "y";
        const MoeStats& s = r.stats;
        for (const auto& [term, ours] : {std::pair<std::string, double>{"balance", s.balance}, {"importance", s.importance},
                                         {"load", s.load}, {"z", s.z}}) {
            const double ref = t["terms"][term];
            EXPECT_NEAR(ours, ref, kLossRel * std::max(1.0, std::fabs(ref))) << term;
        }
        EXPECT_NEAR(s.aux, t["aux"].get<double>(), kLossRel * std::max(1.0, std::fabs(t["aux"].get<double>()))) << "aux";
        for (int tok = 0; tok < N; tok++)
            for (int i = 0; i < r.K; i++) {
                const Route& route = r.routes[(size_t)tok * r.K + i];
                const nlohmann::json& ref = t["routes"][tok][i];
                EXPECT_EQ(route.expert, ref[0].get<int>()) << "token " << tok << " route " << i;
                EXPECT_EQ(route.slot >= 0, ref[1].get<bool>()) << "token " << tok << " route " << i << " processed";
            }

        L.ps.zero_grad();
        L.moe.backward(dy.data(), dx.data());
        double worst_grad = nmse(dx.data(), t["dx"]);
        EXPECT_LT(worst_grad, kGradNmse) << "dx";
        for (const auto& [pname, g] : t["grads"].items()) {
            const int idx = L.ps.find(pname);
            const double e = nmse(L.ps.g(idx), g);
            EXPECT_LT(e, kGradNmse) << "d " << pname;
            worst_grad = std::max(worst_grad, e);
        }
        std::printf("  %-28s vs torch: y NMSE %.2g, aux %.9f (torch %.9f), worst gradient NMSE %.2g\n", name.c_str(),
                    nmse(y.data(), t["y"]), s.aux, t["aux"].get<double>(), worst_grad);
    }
}

// ---- Switch: the balance loss, worked by hand ----

// W_g = a I (D = E = 4) and one-hot inputs: token t's logits are a * onehot(e_t), so p_t = (e^a at e_t, 1 elsewhere)
// / (e^a + 3). With c_i tokens at expert i out of T: f_i = c_i / T, P_i = (c_i e^a + T - c_i) / (T (e^a + 3)).
TEST(MoeSwitch, BalanceLossIsAlphaUnderUniformRoutingAndGrowsWithImbalance) {
    const int E = 4, T = 8;
    const float alpha = 0.01f, a = 2.0f;
    Layer L(model_with_moe({{"experts", E}, {"router", "switch"}, {"capacity_factor", 4.0}, {"balance_coef", alpha}},
                           E, 3, "relu", true),
            T, 1);
    float* w = L.router_w();
    for (int i = 0; i < E; i++)
        for (int j = 0; j < E; j++) w[i * E + j] = i == j ? a : 0.0f;
    std::vector<float> x(T * E), y(T * E);
    double previous = 0;
    // tokens per expert, from uniform to all at expert 0
    const std::vector<std::vector<int>> loads = {{2, 2, 2, 2}, {3, 2, 2, 1}, {4, 2, 1, 1}, {5, 1, 1, 1}, {8, 0, 0, 0}};
    for (const auto& c : loads) {
        std::fill(x.begin(), x.end(), 0.0f);
        int t = 0;
        for (int e = 0; e < E; e++)
            for (int i = 0; i < c[e]; i++) x[(size_t)t++ * E + e] = 1.0f;
        L.moe.forward(x.data(), y.data(), T);
        double hand = 0;
        for (int e = 0; e < E; e++) {
            const double f = (double)c[e] / T, P = (c[e] * std::exp((double)a) + T - c[e]) / (T * (std::exp((double)a) + 3));
            hand += alpha * E * f * P;
        }
        const double ours = L.moe.aux_loss();
        EXPECT_NEAR(ours, hand, 1e-6 * hand) << "loads " << c[0] << c[1] << c[2] << c[3];
        if (c == loads.front())
            EXPECT_NEAR(ours, alpha, 1e-6 * alpha) << "uniform routing: the loss is alpha exactly";
        else
            EXPECT_GT(ours, previous) << "more imbalance, larger loss";
        previous = ours;
    }
}

// ---- capacity and drops ----

// Expert e gets the tokens whose one-hot (scaled) input points at it: W_g = I, x_t = 3 onehot(first) + 1.5 onehot(second).
static void route_by_hand(Layer& L, const std::vector<int>& first, const std::vector<int>& second, std::vector<float>& y) {
    const int E = L.moe.router.E, T = (int)first.size();
    float* w = L.router_w();
    for (int i = 0; i < E; i++)
        for (int j = 0; j < E; j++) w[i * E + j] = i == j ? 1.0f : 0.0f;
    std::vector<float> x((size_t)T * E, 0.0f);
    for (int t = 0; t < T; t++) {
        x[(size_t)t * E + first[t]] = 3.0f;
        if (!second.empty()) x[(size_t)t * E + second[t]] = 1.5f;
    }
    y.assign(x.size(), 0.0f);
    L.moe.set_training(true);
    L.moe.forward(x.data(), y.data(), T);
}

TEST(MoeCapacity, SwitchDropsTheOverflowInTokenOrder) {
    // E = 2, T = 8, capacity factor 1: C = floor(1 * 8 / 2) = 4. Six tokens choose expert 0: tokens 0, 1, 3, 4 fit,
    // tokens 5 and 7 come after it is full and are dropped (output 0); expert 1 takes its two.
    Layer L(model_with_moe({{"experts", 2}, {"router", "switch"}, {"capacity_factor", 1.0}}, 2, 3, "relu", true), 8, 1);
    std::vector<float> y;
    route_by_hand(L, {0, 0, 1, 0, 0, 0, 1, 0}, {}, y);
    const MoeStats& s = L.moe.router.stats;
    EXPECT_EQ(s.capacity, (std::vector<int>{4, 4}));
    EXPECT_EQ(s.routed_first, (std::vector<int>{6, 2}));
    EXPECT_EQ(s.kept, (std::vector<int>{4, 2}));
    EXPECT_EQ(s.dropped, (std::vector<int>{2, 0}));
    EXPECT_EQ(s.tokens_dropped, 2);
    EXPECT_FLOAT_EQ(s.dropped_fraction, 0.25f);
    EXPECT_FLOAT_EQ(s.dropped_fraction_of(0), 2.0f / 6.0f);
    EXPECT_EQ(s.tokens_without_expert, 2);
    for (int t = 0; t < 8; t++) {
        const bool dropped = t == 5 || t == 7;
        EXPECT_EQ(L.moe.router.routes[t].dropped, dropped) << "token " << t;
        const float norm = std::fabs(y[t * 2]) + std::fabs(y[t * 2 + 1]);
        if (dropped)
            EXPECT_EQ(norm, 0.0f) << "a dropped token's output is 0 (the residual carries it)";
        else
            EXPECT_GT(norm, 0.0f) << "token " << t;
    }
}

TEST(MoeCapacity, Top2PlacesFirstChoicesBeforeSecondChoices) {
    // E = 3, T = 6, capacity factor 1: C = 2. First choices 0 0 0 1 1 2, second 1 2 1 0 2 0, policy all.
    // First choices: expert 0 keeps tokens 0, 1 and drops 2; expert 1 keeps 3, 4; expert 2 keeps 5.
    // Then the second choices in token order: expert 1 is full (t0, t2 dropped); expert 2 has one row left: t1
    // takes it, t4 is dropped; expert 0 is full (t3, t5 dropped). Were second choices placed first, t0's second
    // choice would take a row of expert 1 ahead of t4's first choice.
    Layer L(model_with_moe({{"experts", 3}, {"router", "top2"}, {"capacity_factor", 1.0}, {"second_policy", "all"}},
                           3, 3, "relu", true),
            6, 1);
    std::vector<float> y;
    route_by_hand(L, {0, 0, 0, 1, 1, 2}, {1, 2, 1, 0, 2, 0}, y);
    const Router& r = L.moe.router;
    const std::vector<int> first_kept = {1, 1, 0, 1, 1, 1}, second_kept = {0, 1, 0, 0, 0, 0};
    for (int t = 0; t < 6; t++) {
        EXPECT_EQ(r.routes[t * 2].slot >= 0, first_kept[t] == 1) << "token " << t << " first choice";
        EXPECT_EQ(r.routes[t * 2 + 1].slot >= 0, second_kept[t] == 1) << "token " << t << " second choice";
    }
    EXPECT_EQ(r.stats.kept, (std::vector<int>{2, 2, 2}));
    EXPECT_EQ(r.stats.dropped, (std::vector<int>{3, 2, 1}));
    EXPECT_EQ(r.stats.tokens_dropped, 6);
    EXPECT_EQ(r.stats.tokens_without_expert, 1) << "token 2 lost both experts";
}

TEST(MoeCapacity, NoExpertExceedsItsCapacityAndDropsAreTheOverflow) {
    // random routing of 64 tokens in 2 groups: per group, kept = min(routed, C) for first choices, and second
    // choices get what the first left: min(second, C - kept first)
    for (const char* router : {"switch", "top2", "expert_choice"}) {
        SCOPED_TRACE(router);
        nlohmann::json moe = {{"experts", 4}, {"router", router}, {"capacity_factor", 1.0}, {"group_size", 32}};
        if (std::string(router) == "top2") moe["second_policy"] = "all";
        const int T = 64, D = 6;
        Layer L(model_with_moe(moe, D, 4, "relu", true), T, 3);
        Rng rng(4);
        float* w = L.router_w();
        for (int i = 0; i < D * 4; i++) w[i] = rng.normal();
        for (int i = 0; i < D; i++) w[i * 4] += 1.0f;  // expert 0 popular: it overflows
        std::vector<float> x = random_vector(rng, (size_t)T * D), y(x.size());
        for (int t = 0; t < T; t++) x[(size_t)t * D] = std::fabs(x[(size_t)t * D]) + 1.0f;
        L.moe.set_training(true);
        L.moe.forward(x.data(), y.data(), T);
        const Router& r = L.moe.router;
        const int C = expert_capacity(32, 4, 1.0f);
        ASSERT_EQ(C, 8);
        std::vector<int> kept(4, 0), dropped(4, 0);
        for (int g = 0; g < 2; g++) {
            std::vector<int> first(4, 0), second(4, 0), kept_g(4, 0);
            for (int t = g * 32; t < (g + 1) * 32; t++)
                for (int i = 0; i < r.K; i++) {
                    const Route& route = r.routes[(size_t)t * r.K + i];
                    if (route.expert < 0) continue;
                    (i == 0 || r.cfg.router == RouterKind::ExpertChoice ? first : second)[route.expert]++;
                    if (route.slot >= 0) kept_g[route.expert]++;
                }
            for (int e = 0; e < 4; e++) {
                const int first_kept = std::min(first[e], C);
                const int by_hand = first_kept + std::min(second[e], C - first_kept);
                EXPECT_LE(kept_g[e], C) << "expert " << e << " group " << g;
                EXPECT_EQ(kept_g[e], by_hand) << "expert " << e << " group " << g;
                kept[e] += kept_g[e];
                dropped[e] += first[e] + second[e] - by_hand;
            }
        }
        EXPECT_EQ(r.stats.kept, kept);
        EXPECT_EQ(r.stats.dropped, dropped);
        EXPECT_EQ(r.stats.capacity, (std::vector<int>(4, 2 * C)));
        if (std::string(router) == "expert_choice") {
            EXPECT_EQ(kept, (std::vector<int>(4, 2 * C))) << "balanced by construction";
        } else {
            EXPECT_GT(dropped[0], 0) << "expert 0 was meant to overflow";
        }
    }
}

// ---- Shazeer et al. 2017: the load estimator, computed directly from its formula ----

TEST(MoeNoisyTopK, LoadAndImportanceMatchTheirFormulas) {
    const int T = 5, D = 3, E = 4, k = 2;
    Layer L(model_with_moe({{"experts", E}, {"router", "noisy_topk"}, {"k", k}}, D, 4, "relu", true), T, 1);
    Rng rng(7);
    for (Linear* w : {&L.moe.router.w_g, &L.moe.router.w_noise})
        for (int i = 0; i < D * E; i++) L.ps.w(w->w_index)[i] = rng.normal();
    std::vector<float> x = random_vector(rng, T * D), y(T * D);
    L.moe.set_training(true);
    L.moe.draw(rng, T);
    L.moe.forward(x.data(), y.data(), T);
    const Router& r = L.moe.router;
    std::vector<double> load(E, 0.0), importance(E, 0.0);
    for (int t = 0; t < T; t++) {
        double clean[E], scale[E], H[E];
        for (int e = 0; e < E; e++) {
            clean[e] = r.logits[t * E + e];
            scale[e] = std::log1p(std::exp((double)r.noise_logits[t * E + e]));  // Softplus(x W_noise)
            H[e] = clean[e] + r.noise[t * E + e] * scale[e];
        }
        // G = Softmax(KeepTopK(H, k))
        std::vector<double> sorted(H, H + E);
        std::sort(sorted.begin(), sorted.end(), std::greater<double>());
        double den = 0;
        for (int e = 0; e < E; e++)
            if (H[e] >= sorted[k - 1]) den += std::exp(H[e]);
        for (int e = 0; e < E; e++)
            if (H[e] >= sorted[k - 1]) importance[e] += std::exp(H[e]) / den;
        // P(x, i) = Phi((clean_i - kth_excluding(H, k, i)) / Softplus(noise_i))
        for (int i = 0; i < E; i++) {
            std::vector<double> others;
            for (int e = 0; e < E; e++)
                if (e != i) others.push_back(H[e]);
            std::sort(others.begin(), others.end(), std::greater<double>());
            load[i] += 0.5 * std::erfc(-((clean[i] - others[k - 1]) / scale[i]) / std::sqrt(2.0));
        }
    }
    auto cv2 = [&](const std::vector<double>& v) {
        double mean = 0, var = 0;
        for (double a : v) mean += a / E;
        for (double a : v) var += (a - mean) * (a - mean) / E;
        return var / (mean * mean);
    };
    EXPECT_NEAR(r.stats.load, cv2(load), 1e-5 * cv2(load));
    EXPECT_NEAR(r.stats.importance, cv2(importance), 1e-5 * cv2(importance));
    EXPECT_GT(cv2(load), 1e-3) << "an example with unequal load, or the comparison proves little";
}

TEST(MoeNoisyTopK, ZeroInitialisedRouterAndNoNoiseInEvaluation) {
    const int T = 6, D = 3, E = 4;
    Layer L(model_with_moe({{"experts", E}, {"router", "noisy_topk"}, {"k", 2}}, D, 4, "relu", true), T, 1);
    for (Linear* w : {&L.moe.router.w_g, &L.moe.router.w_noise})
        for (int i = 0; i < D * E; i++) EXPECT_EQ(L.ps.w(w->w_index)[i], 0.0f) << "W_g and W_noise start at zero";
    Rng rng(3);
    std::vector<float> x = random_vector(rng, T * D), y(T * D);
    L.moe.set_training(false);
    L.moe.draw(rng, T);  // drawn, but evaluation must not use it
    L.moe.forward(x.data(), y.data(), T);
    for (int i = 0; i < T * E; i++) EXPECT_EQ(L.moe.router.noisy[i], L.moe.router.logits[i]) << "no noise in evaluation";
    L.moe.set_training(true);
    L.moe.forward(x.data(), y.data(), T);
    int differ = 0;
    for (int i = 0; i < T * E; i++) differ += L.moe.router.noisy[i] != L.moe.router.logits[i];
    EXPECT_EQ(differ, T * E) << "noise in training (Softplus(0) * N(0, 1))";
}

// ---- GShard: the random second expert ----

TEST(MoeTop2, RandomPolicyUsesTheSecondExpertAtRateG2OverThreshold) {
    const int T = 6000, D = 4, E = 4;
    const float threshold = 0.2f;
    Layer L(model_with_moe({{"experts", E}, {"router", "top2"}, {"second_policy", "random"},
                            {"second_threshold", threshold}, {"capacity_factor", 4.0}},
                           D, 2, "relu", true),
            T, 1);
    Rng rng(11);
    float* w = L.router_w();
    for (int i = 0; i < D * E; i++) w[i] = 1.5f * rng.normal();
    std::vector<float> x = random_vector(rng, (size_t)T * D), y(x.size());
    L.moe.set_training(true);
    L.moe.draw(rng, T);
    L.moe.forward(x.data(), y.data(), T);
    const Router& r = L.moe.router;
    // bins of the usage probability q = min(1, g2 / threshold): used counts against sum q, within 4 binomial sigmas
    const double edges[] = {0.0, 0.25, 0.5, 0.75, 1.0 - 1e-9, 1.5};
    for (int b = 0; b < 5; b++) {
        double expected = 0, variance = 0;
        int used = 0, count = 0;
        for (int t = 0; t < T; t++) {
            const Route& second = r.routes[(size_t)t * 2 + 1];
            const double q = std::min(1.0, (double)second.gate / threshold);
            if (q < edges[b] || q >= edges[b + 1]) continue;
            count++;
            expected += q;
            variance += q * (1 - q);
            used += second.slot >= 0;
        }
        ASSERT_GT(count, 200) << "bin " << b << ": too few tokens to measure a rate";
        EXPECT_NEAR(used, expected, 4.0 * std::sqrt(variance) + 1e-9)
            << "bin [" << edges[b] << ", " << edges[b + 1] << "): " << count << " tokens";
    }
}

// ---- config ----

TEST(MoeConfig, BadValuesAndWrongCombinationsNameThePath) {
    auto error_of = [](const nlohmann::json& moe, int n_layers = 2) -> std::string {
        try {
            model_with_moe(moe, 8, 8, "relu", true, n_layers);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    };
    struct Case { nlohmann::json moe; std::string path, words; };
    const std::vector<Case> cases = {
        {{{"router", "switch"}}, "/model/moe/experts", "missing"},
        {{{"experts", 1}}, "/model/moe/experts", "0 (a dense FFN) or 2..256"},
        {{{"experts", 4}, {"router", "top3"}}, "/model/moe/router", "expert_choice"},
        {{{"experts", 4}, {"router", "noisy_topk"}, {"k", 4}}, "/model/moe/k", "k < experts"},
        {{{"experts", 4}, {"router", "switch"}, {"second_policy", "all"}}, "/model/moe/second_policy", "only to the router top2"},
        {{{"experts", 4}, {"router", "switch"}, {"k", 2}}, "/model/moe/k", "only to the router noisy_topk"},
        {{{"experts", 4}, {"router", "noisy_topk"}, {"capacity_factor", 2}}, "/model/moe/capacity_factor", "not to noisy_topk"},
        {{{"experts", 4}, {"every", 3}}, "/model/moe/every", "no MoE layer"},
        {{{"experts", 4}, {"capacity_factor", 0}}, "/model/moe/capacity_factor", "between"},
        {{{"experts", 4}, {"routr", "switch"}}, "/model/moe/routr", "unknown"},
    };
    for (const Case& c : cases) {
        const std::string msg = error_of(c.moe);
        EXPECT_NE(msg.find("<test>: " + c.path + ": "), std::string::npos) << c.moe.dump() << " -> " << msg;
        EXPECT_NE(msg.find(c.words), std::string::npos) << c.moe.dump() << " -> " << msg;
    }
    EXPECT_EQ(error_of({{"experts", 0}, {"router", "top2"}}), "") << "experts 0: a dense model, explicitly";
}

TEST(MoeConfig, EveryKeyIsASettingAndRoundTrips) {
    const std::vector<std::string> names = setting_names();
    for (const char* key : {"experts", "router", "every", "group_size", "z_loss_coef", "router_init_scale",
                            "capacity_factor", "eval_capacity_factor", "balance_coef", "second_policy",
                            "second_threshold", "k", "noise", "importance_coef", "load_coef"})
        EXPECT_NE(std::find(names.begin(), names.end(), std::string("model.moe.") + key), names.end()) << key;

    RunConfig dense;
    dense.data.task = "copy";
    const RunConfig moe = with_setting(dense, "model.moe.experts", 4, "<test>", "/knob");
    EXPECT_EQ(moe.model.moe.experts, 4);
    EXPECT_EQ(moe.model.moe.router, RouterKind::Switch);
    EXPECT_FLOAT_EQ(moe.model.moe.capacity_factor, 1.25f);

    RunConfig top2 = with_setting(moe, "model.moe.router", "top2", "<test>", "/knob");
    top2 = with_setting(top2, "model.moe.second_policy", "threshold", "<test>", "/knob");
    EXPECT_EQ(top2.model.moe.second_policy, SecondPolicy::Threshold);
    // a new router starts from its own defaults: expert choice's capacity factor is 2
    const RunConfig ec = with_setting(top2, "model.moe.router", "expert_choice", "<test>", "/knob");
    EXPECT_EQ(ec.model.moe.router, RouterKind::ExpertChoice);
    EXPECT_FLOAT_EQ(ec.model.moe.capacity_factor, 2.0f);
    EXPECT_FALSE(run_config_to_json(ec)["model"]["moe"].contains("second_policy"));
    try {
        with_setting(moe, "model.moe.k", 3, "lesson.json", "/steps/0/knobs/0");
        ADD_FAILURE() << "k on a switch router must be refused";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("lesson.json: /steps/0/knobs/0: setting model.moe.k = 3"), std::string::npos)
            << e.what();
    }
    // JSON and back
    const RunConfig back = parse_run_config(run_config_to_json(top2), "<test>");
    EXPECT_EQ(run_config_to_json(back).dump(), run_config_to_json(top2).dump());
    EXPECT_FALSE(run_config_to_json(dense)["model"].contains("moe")) << "dense configs keep their old JSON form";
}
