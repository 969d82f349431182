// Speculative decoding keeps the target's distribution: many short generations from a draft and a target that
// disagree, against the target's exact distribution over every continuation; and the generation loops agree.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "generate.h"
#include "speculative.h"

using namespace noam;

static std::unique_ptr<TransformerLM> tiny_model(int d, int layers, int heads, int kv, uint64_t seed) {
    ModelConfig cfg;
    cfg.vocab_size = 4;
    cfg.seq_len = 16;
    cfg.d_model = d;
    cfg.n_heads = heads;
    cfg.n_kv_heads = kv;
    cfg.n_layers = layers;
    cfg.d_ff = 2 * d;
    cfg.init_scale = 2.0f;  // larger weights: peaked distributions, and a draft that often disagrees
    Rng rng(seed);
    return std::make_unique<TransformerLM>(cfg, 1, rng);
}

// The 0.999 quantile of chi-square with k degrees of freedom (Wilson-Hilferty; within 1% for k >= 3).
static double chi2_quantile_999(int k) {
    const double z = 3.0902, a = 2.0 / (9.0 * k);
    return k * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

// P(x1 x2 x3 | prompt) under model + sampling, for all 4^3 continuations, from the model's full forward.
static std::vector<double> exact_distribution(TransformerLM& model, const SamplingConfig& sc, int prompt) {
    Sampler s(sc, 4);
    std::vector<double> out(64);
    for (int c = 0; c < 64; c++) {
        const int x[3] = {c / 16, (c / 4) % 4, c % 4};
        const int seq[3] = {prompt, x[0], x[1]};
        model.forward(seq, nullptr, 1, 3);
        double prob = 1.0;
        for (int t = 0; t < 3; t++) prob *= s.distribution(model.logits_at(0, t))[x[t]];
        out[c] = prob;
    }
    return out;
}

TEST(Speculative, OutputFollowsTheTargetDistribution) {
    auto target = tiny_model(16, 2, 4, 2, 101);
    auto draft = tiny_model(8, 1, 2, 1, 202);
    const int prompt = 1;
    SamplingConfig temp{SamplingKind::Temperature, 1.0f};
    SamplingConfig topk{SamplingKind::TopK, 1.5f};
    topk.top_k = 2;
    for (const SamplingConfig& sc : {temp, topk}) {
        const std::string what = std::string("sampling ") + to_string(sc.kind);
        const std::vector<double> p = exact_distribution(*target, sc, prompt);
        const std::vector<double> q = exact_distribution(*draft, sc, prompt);
        // the test means something only if the draft alone would be caught: their total variation distance
        double tv_models = 0;
        for (int c = 0; c < 64; c++) tv_models += 0.5 * std::fabs(p[c] - q[c]);
        ASSERT_GT(tv_models, 0.2) << what << ": draft and target too alike for this test";

        KVCacheDecoder dt(*target), dd(*draft);
        SpeculativeDecoder spec(dd, dt, sc, 2);
        Rng rng(7);
        const int N = 20000;
        std::vector<int> count(64, 0);
        std::vector<int> tokens;
        for (int i = 0; i < N; i++) {
            tokens.assign(1, prompt);
            spec.generate(tokens, 3, rng);
            ASSERT_EQ(tokens.size(), 4u);
            count[tokens[1] * 16 + tokens[2] * 4 + tokens[3]]++;
        }
        double chi2 = 0, tv = 0;
        int cells = 0;
        for (int c = 0; c < 64; c++) {
            tv += 0.5 * std::fabs((double)count[c] / N - p[c]);
            if (p[c] == 0) {
                EXPECT_EQ(count[c], 0) << what << ": continuation " << c << " has probability 0 under the target";
                continue;
            }
            chi2 += std::pow(count[c] - N * p[c], 2) / (N * p[c]);
            cells++;
        }
        EXPECT_LT(chi2, chi2_quantile_999(cells - 1))
            << what << ": speculative samples do not follow the target (total variation " << tv
            << "; draft vs target " << tv_models << ")";
        EXPECT_LT(tv, 0.05) << what;
        // and the draft was really rejected sometimes and accepted sometimes
        EXPECT_GT(spec.stats.acceptance_rate(), 0.1) << what;
        EXPECT_LT(spec.stats.acceptance_rate(), 0.95) << what;
    }
}

TEST(Speculative, ADraftEqualToTheTargetIsAlwaysAccepted) {
    auto target = tiny_model(16, 2, 4, 4, 101);
    auto same = tiny_model(16, 2, 4, 4, 101);
    KVCacheDecoder dt(*target), dd(*same);
    SpeculativeDecoder spec(dd, dt, {SamplingKind::Temperature, 1.0f}, 4);
    std::vector<int> tokens = {0, 1};
    Rng rng(3);
    spec.generate(tokens, 12, rng);
    EXPECT_EQ(tokens.size(), 14u);
    EXPECT_EQ(spec.stats.acceptance_rate(), 1.0);
    // 12 tokens: rounds of 4 proposals + a bonus (5 tokens), 5 again, then 2 (1 proposal + bonus)
    EXPECT_EQ(spec.stats.rounds, 3);
}

// round() one at a time is generate(): the same tokens from the same seed; each round appends its kept
// proposals (chunk[1 .. last_accepted]) and then one token of the target's, and proposes at most gamma.
TEST(Speculative, RoundsOneAtATimeAreGenerate) {
    auto target = tiny_model(16, 2, 4, 2, 101);
    auto draft = tiny_model(8, 1, 2, 1, 202);
    const SamplingConfig sc{SamplingKind::Temperature, 1.0f};
    KVCacheDecoder dt(*target), dd(*draft), dt2(*target), dd2(*draft);
    SpeculativeDecoder whole(dd, dt, sc, 3), rounds(dd2, dt2, sc, 3);
    std::vector<int> a = {1, 2}, b = a;
    b.reserve(64);
    Rng r1(11), r2(11);
    whole.generate(a, 40, r1);
    rounds.restart();
    int produced = 0, rejections = 0;
    while (produced < 40) {
        const size_t before = b.size();
        const int n = rounds.round(b, 40 - produced, r2);
        ASSERT_EQ(b.size(), before + n);
        ASSERT_EQ(n, rounds.last_accepted + 1);
        ASSERT_LE(rounds.last_accepted, rounds.last_drafted);
        ASSERT_LE(rounds.last_drafted, 3);
        for (int i = 1; i <= rounds.last_accepted; i++) ASSERT_EQ(b[before + i - 1], rounds.chunk[i]);
        rejections += rounds.last_accepted < rounds.last_drafted;
        produced += n;
    }
    EXPECT_EQ(a, b);
    EXPECT_GT(rejections, 0) << "these two models should disagree sometimes, or the test shows little";
    EXPECT_EQ(whole.stats.rounds, rounds.stats.rounds);
}

// Greedy: speculative decoding gives exactly the target's greedy tokens, also past seq_len (the window moves).
TEST(Speculative, GreedyEqualsTheTargetsGreedyDecoding) {
    auto target = tiny_model(16, 2, 4, 1, 303);
    auto draft = tiny_model(8, 1, 2, 1, 404);
    SamplingConfig greedy{SamplingKind::Greedy};
    KVCacheDecoder dt(*target), dd(*draft);
    for (int gamma : {1, 3, 6}) {
        std::vector<int> spec_tokens = {2, 0, 3}, plain_tokens = spec_tokens;
        SpeculativeDecoder spec(dd, dt, greedy, gamma);
        Rng r1(1), r2(1);
        spec.generate(spec_tokens, 40, r1);
        Sampler s(greedy, 4);
        generate_cached(dt, s, plain_tokens, 40, r2);
        EXPECT_EQ(spec_tokens, plain_tokens) << "gamma " << gamma;
    }
}

// With and without the cache, the same sampler and seed give the same tokens, past seq_len too.
TEST(Generate, CachedAndUncachedGiveTheSameTokens) {
    auto model = tiny_model(16, 2, 4, 2, 505);
    for (SamplingConfig sc : {SamplingConfig{SamplingKind::Greedy}, SamplingConfig{SamplingKind::TopP, 0.9f, 40, 0.8f}}) {
        std::vector<int> a = {1, 2}, b = a;
        Sampler s(sc, 4);
        Rng r1(9), r2(9);
        KVCacheDecoder dec(*model);
        generate_cached(dec, s, a, 45, r1);
        generate_uncached(*model, s, b, 45, r2);
        EXPECT_EQ(a, b) << to_string(sc.kind);
        // a decoder that takes at most 3 positions a pass fills the cache in pieces: the same tokens
        std::vector<int> c = {1, 2, 0, 3, 3, 1, 2}, d = c;
        KVCacheDecoder small(*model, 3);
        Rng r3(9), r4(9);
        generate_cached(small, s, c, 30, r3);
        generate_uncached(*model, s, d, 30, r4);
        EXPECT_EQ(c, d) << to_string(sc.kind) << " with passes of at most 3 positions";
    }
}

TEST(Generate, TheContextRestartsFromItsLastHalf) {
    EXPECT_EQ(context_start(0, 16, 16), 0);  // fits
    EXPECT_EQ(context_start(0, 17, 16), 9);  // 17 > 16: keep the last 8
    EXPECT_EQ(context_start(9, 25, 16), 9);
    EXPECT_EQ(context_start(9, 26, 16), 18);
}

TEST(Speculative, RefusesMismatchedModels) {
    auto target = tiny_model(16, 1, 4, 4, 1);
    ModelConfig other = target->cfg;
    other.vocab_size = 5;
    Rng rng(1);
    TransformerLM bigger_vocab(other, 1, rng);
    KVCacheDecoder dt(*target), dd(bigger_vocab);
    EXPECT_THROW(SpeculativeDecoder(dd, dt, {}, 4), std::invalid_argument);
    KVCacheDecoder dd2(*target);
    EXPECT_THROW(SpeculativeDecoder(dd2, dt, {}, 0), std::invalid_argument);
    EXPECT_THROW(SpeculativeDecoder(dd2, dt, {}, 16), std::invalid_argument);
}
