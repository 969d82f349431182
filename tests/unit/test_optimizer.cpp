// Adam against its formula worked by hand, the schedules, and gradient clipping.
#include <gtest/gtest.h>

#include <cmath>

#include "optimizer.h"

using namespace noam;

TEST(Optimizer, AdamFirstStepsByHand) {
    ParamStore ps;
    ps.declare("w", {2});
    ps.allocate();
    ps.values = {1.0f, -2.0f};
    Adam adam(ps, 0.9f, 0.98f, 1e-9f, 0.0f);
    // step 1, g = [0.5, -4]: m = 0.1 g, v = 0.02 g^2; mhat = g, vhat = g^2 -> update = lr * sign(g)
    ps.grads = {0.5f, -4.0f};
    adam.step(ps, 0.1f, 1);
    EXPECT_NEAR(ps.values[0], 0.9f, 1e-6);
    EXPECT_NEAR(ps.values[1], -1.9f, 1e-6);
    // step 2, g = [0.5, 0]: m = 0.09*0.5 + 0.1*0.5 = 0.095, mhat = 0.095 / (1 - 0.81) = 0.5
    //   v = 0.98*0.005 + 0.02*0.25 = 0.0099, vhat = 0.0099 / (1 - 0.9604) = 0.25 -> update 0.1 * 0.5 / 0.5
    //   second: m = -0.36, mhat = -1.894737; v = 0.98*0.32 = 0.3136, vhat = 7.919192 -> -0.673300
    ps.grads = {0.5f, 0.0f};
    adam.step(ps, 0.1f, 2);
    EXPECT_NEAR(ps.values[0], 0.8f, 1e-6);
    EXPECT_NEAR(ps.values[1], -1.9f + 0.1f * 0.673300f, 1e-5);
}

TEST(Optimizer, AdamWDecaysMatricesOnly) {
    ParamStore ps;
    ps.declare("m", {1, 1});
    ps.declare("b", {1});
    ps.allocate();
    ps.values = {1.0f, 1.0f};
    ps.grads = {0.0f, 0.0f};
    Adam adamw(ps, 0.9f, 0.98f, 1e-9f, 0.5f);
    adamw.step(ps, 0.1f, 1);
    EXPECT_NEAR(ps.values[0], 1.0f - 0.1f * 0.5f, 1e-6);  // w -= lr * wd * w
    EXPECT_EQ(ps.values[1], 1.0f);
}

TEST(Optimizer, NoamScheduleMatchesPaper) {
    OptimConfig c;
    c.schedule = Schedule::Noam;
    c.lr = 1.0f;
    c.warmup = 4000;
    // lr = d^-0.5 * min(t^-0.5, t * warmup^-1.5); peak at t = warmup: 512^-0.5 * 4000^-0.5 = 7.0e-4
    EXPECT_NEAR(learning_rate(c, 4000, 512, 0), 1.0 / std::sqrt(512.0) / std::sqrt(4000.0), 1e-9);
    EXPECT_NEAR(learning_rate(c, 100, 512, 0), 1.0 / std::sqrt(512.0) * 100 * std::pow(4000.0, -1.5), 1e-9);
    EXPECT_NEAR(learning_rate(c, 16000, 512, 0), 1.0 / std::sqrt(512.0) / std::sqrt(16000.0), 1e-9);
    EXPECT_LT(learning_rate(c, 3999, 512, 0), learning_rate(c, 4000, 512, 0));
    EXPECT_GT(learning_rate(c, 4000, 512, 0), learning_rate(c, 4001, 512, 0));
}

TEST(Optimizer, CosineWarmsUpThenDecaysToMin) {
    OptimConfig c;
    c.schedule = Schedule::Cosine;
    c.lr = 1.0f;
    c.min_lr = 0.1f;
    c.warmup = 10;
    EXPECT_NEAR(learning_rate(c, 5, 64, 110), 0.5, 1e-6);
    EXPECT_NEAR(learning_rate(c, 10, 64, 110), 1.0, 1e-6);
    EXPECT_NEAR(learning_rate(c, 60, 64, 110), 0.55, 1e-6);  // halfway: (1 + 0.1) / 2
    EXPECT_NEAR(learning_rate(c, 110, 64, 110), 0.1, 1e-6);
}

TEST(Optimizer, ClipGradNormScalesToMax) {
    ParamStore ps;
    ps.declare("w", {2});
    ps.allocate();
    ps.grads = {3.0f, 4.0f};
    EXPECT_NEAR(clip_grad_norm(ps, 1.0f), 5.0, 1e-9);
    EXPECT_NEAR(ps.grads[0], 0.6f, 1e-6);
    EXPECT_NEAR(ps.grads[1], 0.8f, 1e-6);
    ps.grads = {0.3f, 0.4f};
    clip_grad_norm(ps, 1.0f);  // below the limit: unchanged
    EXPECT_EQ(ps.grads[0], 0.3f);
}
