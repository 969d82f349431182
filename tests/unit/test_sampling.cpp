// Sampling filters against hand-computed distributions, and the draw against its distribution.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sampling.h"

using namespace noam;

// logits log([0.1, 0.2, 0.3, 0.4]): softmax gives back exactly those probabilities
static std::vector<float> four_logits() { return {std::log(0.1f), std::log(0.2f), std::log(0.3f), std::log(0.4f)}; }

static void expect_distribution(SamplingConfig cfg, const std::vector<float>& want, const char* what) {
    Sampler s(cfg, 4);
    const std::vector<float> z = four_logits();
    const float* p = s.distribution(z.data());
    for (int j = 0; j < 4; j++) EXPECT_NEAR(p[j], want[j], 1e-6) << what << ": p[" << j << "]";
}

TEST(Sampling, GreedyIsOneHotAtTheArgmax) {
    expect_distribution({SamplingKind::Greedy}, {0, 0, 0, 1}, "greedy");
    // ties go to the lowest id
    Sampler s({SamplingKind::Greedy}, 3);
    const std::vector<float> tie = {0.5f, 2.0f, 2.0f};
    Rng rng(1);
    EXPECT_EQ(s.sample(tie.data(), rng), 1);
}

TEST(Sampling, TemperatureDividesTheLogits) {
    expect_distribution({SamplingKind::Temperature, 1.0f}, {0.1f, 0.2f, 0.3f, 0.4f}, "T = 1");
    // T = 2: p_i proportional to sqrt(0.1 .. 0.4) = [.316228, .447214, .547723, .632456] / 1.943621
    expect_distribution({SamplingKind::Temperature, 2.0f}, {0.16270045f, 0.23009319f, 0.28180545f, 0.32540091f}, "T = 2");
}

TEST(Sampling, TopKKeepsTheKMostProbable) {
    SamplingConfig c{SamplingKind::TopK, 1.0f};
    c.top_k = 2;  // keep 0.4 and 0.3, renormalized by 0.7
    expect_distribution(c, {0, 0, 0.3f / 0.7f, 0.4f / 0.7f}, "top-2");
    c.top_k = 1;
    expect_distribution(c, {0, 0, 0, 1}, "top-1");
    c.top_k = 10;  // more than the vocabulary: nothing removed
    expect_distribution(c, {0.1f, 0.2f, 0.3f, 0.4f}, "top-10 of 4");
}

TEST(Sampling, TopPKeepsTheSmallestPrefixReachingP) {
    SamplingConfig c{SamplingKind::TopP, 1.0f};
    c.top_p = 0.5f;  // 0.4 < 0.5, 0.4 + 0.3 = 0.7 >= 0.5: keep two
    expect_distribution(c, {0, 0, 0.3f / 0.7f, 0.4f / 0.7f}, "top-p 0.5");
    c.top_p = 0.75f;  // 0.7 < 0.75, 0.9 >= 0.75: keep three
    expect_distribution(c, {0, 0.2f / 0.9f, 0.3f / 0.9f, 0.4f / 0.9f}, "top-p 0.75");
    c.top_p = 0.3f;  // the most probable token alone reaches it
    expect_distribution(c, {0, 0, 0, 1}, "top-p 0.3");
    c.top_p = 1.0f;
    expect_distribution(c, {0.1f, 0.2f, 0.3f, 0.4f}, "top-p 1");
}

TEST(Sampling, FiltersApplyAfterTheTemperature) {
    SamplingConfig c{SamplingKind::TopK, 2.0f};
    c.top_k = 2;  // T = 2 gives [.1627, .2301, .2818, .3254]; keep the last two: / .607206
    expect_distribution(c, {0, 0, 0.28180545f / 0.60720636f, 0.32540091f / 0.60720636f}, "top-2 at T = 2");
}

// 200,000 draws from [0.1, 0.2, 0.3, 0.4, 0]: the frequencies pass a chi-square test (3 degrees of freedom; the
// 0.999 quantile is 16.27) and the zero-probability token is never drawn.
TEST(Sampling, DrawsFollowTheDistribution) {
    const std::vector<float> p = {0.1f, 0.2f, 0.3f, 0.4f, 0.0f};
    std::vector<int> count(5, 0);
    Rng rng(2024);
    const int N = 200000;
    for (int i = 0; i < N; i++) count[sample_from(p.data(), 5, rng)]++;
    EXPECT_EQ(count[4], 0);
    double chi2 = 0;
    for (int j = 0; j < 4; j++) chi2 += std::pow(count[j] - N * p[j], 2) / (N * p[j]);
    EXPECT_LT(chi2, 16.27) << "counts " << count[0] << " " << count[1] << " " << count[2] << " " << count[3];
}

TEST(Sampling, SameSeedSameTokens) {
    Sampler s({SamplingKind::TopP, 0.8f, 40, 0.9f}, 4);
    const std::vector<float> z = four_logits();
    Rng a(5), b(5);
    for (int i = 0; i < 100; i++) EXPECT_EQ(s.sample(z.data(), a), s.sample(z.data(), b));
}

TEST(Sampling, KindNamesRoundTrip) {
    for (SamplingKind k : {SamplingKind::Greedy, SamplingKind::Temperature, SamplingKind::TopK, SamplingKind::TopP}) {
        SamplingKind back;
        ASSERT_TRUE(parse_sampling_kind(to_string(k), back));
        EXPECT_EQ(back, k);
    }
    SamplingKind unused;
    EXPECT_FALSE(parse_sampling_kind("nucleus", unused));
}
