// ExpertShareRing (the expert_history panel's data): shares per step, oldest column first, the oldest overwritten.
#include <gtest/gtest.h>

#include "expert_share_ring.h"

using namespace noam;
using namespace noam::viz;

namespace {

MoeStats routing(std::vector<int> first, std::vector<int> second) {
    MoeStats s;
    s.experts = (int)first.size();
    s.routed_first = std::move(first);
    s.routed_second = std::move(second);
    return s;
}

}  // namespace

TEST(ExpertShareRing, SharesAreEachExpertsChoicesOverAllChoices) {
    ExpertShareRing r;
    r.reset(3, 4);
    r.push(1, routing({6, 2, 0}, {0, 1, 1}));  // 10 choices: 6, 3, 1
    std::vector<float> v;
    std::vector<int> steps;
    r.image(v, steps);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_FLOAT_EQ(v[0], 0.6f);
    EXPECT_FLOAT_EQ(v[1], 0.3f);
    EXPECT_FLOAT_EQ(v[2], 0.1f);
    EXPECT_EQ(steps, std::vector<int>{1});
}

TEST(ExpertShareRing, KeepsTheNewestColumnsOldestFirst) {
    ExpertShareRing r;
    r.reset(2, 3);
    for (int step = 1; step <= 5; step++) r.push(step, routing({step, 10 - step}, {0, 0}));  // expert 0: step/10
    std::vector<float> v;
    std::vector<int> steps;
    r.image(v, steps);
    EXPECT_EQ(steps, (std::vector<int>{3, 4, 5})) << "3 columns kept: steps 1 and 2 overwritten";
    ASSERT_EQ(v.size(), 6u);  // (E = 2, count = 3) row-major
    EXPECT_FLOAT_EQ(v[0], 0.3f);
    EXPECT_FLOAT_EQ(v[1], 0.4f);
    EXPECT_FLOAT_EQ(v[2], 0.5f);
    EXPECT_FLOAT_EQ(v[3], 0.7f);
    EXPECT_FLOAT_EQ(v[5], 0.5f);
    r.reset(2, 3);
    r.image(v, steps);
    EXPECT_TRUE(steps.empty() && v.empty()) << "reset empties the ring";
}

TEST(ExpertShareRing, CollapseIsOneFullRowAndNoChoicesAreZeros) {
    ExpertShareRing r;
    r.reset(4, 2);
    r.push(7, routing({0, 0, 32, 0}, {0, 0, 0, 0}));
    r.push(8, routing({0, 0, 0, 0}, {0, 0, 0, 0}));
    std::vector<float> v;
    std::vector<int> steps;
    r.image(v, steps);
    EXPECT_FLOAT_EQ(v[2 * 2 + 0], 1.0f) << "every token at expert 2";
    for (int e = 0; e < 4; e++) EXPECT_EQ(v[e * 2 + 1], 0.0f) << "a step without choices";
}
