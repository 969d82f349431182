// Adafactor against Algorithm 4 of the paper worked by hand, its memory, its clipping, and a training run;
// SGD with momentum by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "adafactor.h"
#include "trainer.h"

using namespace noam;

// X0 = [[1, 2], [3, 4]], G = [[0.1, -0.2], [0.3, 0.4]], t = 1 (so beta2hat_1 = 1 - 1^-0.8 = 0):
//   R = rowsum(G^2) = [0.05, 0.25]          C = colsum(G^2) = [0.10, 0.20]        sum(R) = 0.30
//   Vhat = R C^T / 0.3 = [[0.016667, 0.033333], [0.083333, 0.166667]]
//   U = G / sqrt(Vhat) = [[0.774597, -1.095445], [1.039230, 0.979796]]    RMS(U) = 0.979796 < d = 1: no clipping
//   alpha = max(1e-3, RMS(X0)) * min(1e-2, 1/sqrt(1)) = sqrt(7.5) * 0.01 = 0.0273861
//   X1 = X0 - alpha U = [[0.978787, 2.030000], [2.971540, 3.973167]]
TEST(Adafactor, FirstStepByHand) {
    ParamStore ps;
    ps.declare("w", {2, 2});
    ps.allocate();
    ps.values = {1, 2, 3, 4};
    ps.grads = {0.1f, -0.2f, 0.3f, 0.4f};
    Adafactor opt(ps, AdafactorSettings{});
    opt.step(ps, /*lr, unused with the relative step=*/123.0f, 1);
    const float want[4] = {0.978787f, 2.030000f, 2.971540f, 3.973167f};
    for (int i = 0; i < 4; i++) EXPECT_NEAR(ps.values[i], want[i], 2e-6) << i;
    EXPECT_NEAR(opt.slots[0].R[0], 0.05f, 1e-7);
    EXPECT_NEAR(opt.slots[0].C[1], 0.20f, 1e-7);
    EXPECT_EQ(opt.last.beta2hat, 0.0f);
    EXPECT_NEAR(opt.last.alpha[0], 0.0273861f, 1e-7);
    EXPECT_NEAR(opt.last.update_rms[0], 0.979796f, 1e-6);
    EXPECT_FALSE(opt.last.clipped[0]);
    // the rank-1 estimate for the pictures
    const std::vector<float> v = opt.second_moment_estimate(0);
    EXPECT_NEAR(v[3], 0.25f * 0.20f / 0.30f, 1e-7);
}

TEST(Adafactor, DecayAndRelativeStepFollowTheSchedules) {
    ParamStore ps;
    ps.declare("b", {3});
    ps.allocate();
    Adafactor opt(ps, AdafactorSettings{});
    for (int t : {1, 4, 100, 10000}) {
        ps.grads = {0.1f, 0.2f, 0.3f};
        opt.step(ps, 0, t);
        EXPECT_NEAR(opt.last.beta2hat, 1.0 - std::pow(t, -0.8), 1e-6) << "t = " << t;   // beta2hat_t = 1 - t^-0.8
        EXPECT_NEAR(opt.last.rho, std::min(1e-2, 1.0 / std::sqrt(t)), 1e-9) << "t = " << t;  // rho_t
    }
}

TEST(Adafactor, VectorsUseTheFullSecondMoment) {
    // t = 1: Vhat = G^2 + eps1, so U = sign(G) and RMS(U) = 1: no clipping;
    // alpha = max(eps2, RMS(X0) = 0) * 0.01 = 1e-5: the floor eps2 keeps zero-initialised parameters moving
    ParamStore ps;
    ps.declare("b", {2});
    ps.allocate();
    ps.grads = {0.5f, -2.0f};
    Adafactor opt(ps, AdafactorSettings{});
    opt.step(ps, 0, 1);
    EXPECT_NEAR(ps.values[0], -1e-5f, 1e-9);
    EXPECT_NEAR(ps.values[1], 1e-5f, 1e-9);
}

TEST(Adafactor, ClippingFiresWhenTheUpdateIsLarge) {
    // t = 2 with a gradient 100x the first: Vhat is still dominated by the small first gradient's decayed sum
    // (beta2hat_2 = 1 - 2^-0.8 = 0.4257), so |U| >> 1 and the update is scaled back to RMS d = 1
    ParamStore ps;
    ps.declare("w", {2, 2});
    ps.allocate();
    ps.values = {1, 1, 1, 1};
    Adafactor opt(ps, AdafactorSettings{});
    ps.grads = {0.01f, 0.01f, 0.01f, 0.01f};
    opt.step(ps, 0, 1);
    ps.grads = {1.0f, 1.0f, 1.0f, 1.0f};
    const std::vector<float> before = ps.values;
    opt.step(ps, 0, 2);
    EXPECT_TRUE(opt.last.clipped[0]);
    EXPECT_GT(opt.last.update_rms[0], 1.0f);
    // the applied update has RMS alpha * d
    double sum = 0;
    for (int i = 0; i < 4; i++) sum += (before[i] - ps.values[i]) * (before[i] - ps.values[i]);
    EXPECT_NEAR(std::sqrt(sum / 4), opt.last.alpha[0] * 1.0, 1e-6);
}

TEST(Adafactor, MemoryIsRowsPlusColumns) {
    ParamStore ps;
    ps.declare("w", {64, 256});
    ps.declare("b", {256});
    ps.allocate();
    Adafactor opt(ps, AdafactorSettings{});
    EXPECT_EQ(opt.state_floats(), (size_t)(64 + 256) + 256);  // Adam: 2 * (64*256 + 256)
    AdafactorSettings with_momentum;
    with_momentum.beta1 = 0.9f;
    EXPECT_EQ(Adafactor(ps, with_momentum).state_floats(), (size_t)(64 + 256) + 256 + 64 * 256 + 256);
}

TEST(SGD, MomentumByHand) {
    ParamStore ps;
    ps.declare("w", {1});
    ps.allocate();
    ps.values = {1.0f};
    SGD opt(ps, 0.9f);
    ps.grads = {1.0f};
    opt.step(ps, 0.1f, 1);  // v = 1, w = 1 - 0.1
    ps.grads = {1.0f};
    opt.step(ps, 0.1f, 2);  // v = 0.9 + 1 = 1.9, w = 0.9 - 0.19
    EXPECT_NEAR(ps.values[0], 0.71f, 1e-6);
}

TEST(Adafactor, TrainsReverseLikeAdam) {
    RunConfig cfg = load_run_config(std::string(NOAM_SOURCE_DIR) + "/configs/default.json");
    cfg.optim.kind = "adafactor";
    cfg.optim.beta1 = 0;
    cfg.train.steps = 600;
    Trainer tr(cfg);
    EXPECT_EQ(tr.optim->name(), "Adafactor");
    while (!tr.finished()) ASSERT_TRUE(tr.step()) << tr.error;
    EXPECT_GE(tr.evaluate().accuracy, 0.95);
}
