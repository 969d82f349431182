// Training end to end: the model learns what the tasks ask, runs are bit-for-bit reproducible at any
// thread count, and a diverging run stops itself with a message.
#include <gtest/gtest.h>

#include <cmath>

#include "same_history.h"
#include "trainer.h"

using namespace noam;

static RunConfig config_file(const std::string& name) {
    return load_run_config(std::string(NOAM_SOURCE_DIR) + "/configs/" + name);
}

// The window's default run (configs/default.json): reversing 16 digits. Budget: 400 steps, ~10 s on 2 cores.
TEST(Training, ReverseReachesNinetyNinePercent) {
    RunConfig cfg = config_file("default.json");
    cfg.train.steps = 400;
    cfg.optim.total_steps = 400;
    Trainer tr(cfg);
    while (!tr.finished()) ASSERT_TRUE(tr.step()) << tr.error;
    const EvalResult e = tr.evaluate();
    EXPECT_GE(e.accuracy, 0.99) << "validation token accuracy after 400 steps (loss " << e.loss << ")";
}

// A character LM on real text must beat the model that ignores context: the unigram entropy.
TEST(Training, CharLMBeatsUnigramEntropy) {
    RunConfig cfg = config_file("literature.json");
    cfg.train.steps = 300;
    cfg.optim.total_steps = 300;
    Trainer tr(cfg);
    // the unigram entropy of the validation text, from its own symbol counts
    std::vector<int> ids;
    for (const Batch& b : tr.data->validation())
        for (int t : b.tokens) ids.push_back(t);
    const double unigram = unigram_entropy_nats(ids, tr.data->tokenizer().size());
    while (!tr.finished()) ASSERT_TRUE(tr.step()) << tr.error;
    const EvalResult e = tr.evaluate();
    EXPECT_LT(e.loss, unigram - 0.5) << "validation loss " << e.loss << " vs unigram entropy " << unigram << " nats";
}

static std::vector<StepRecord> run_steps(RunConfig cfg, int steps, int threads) {
    cfg.train.steps = steps;
    cfg.train.eval_every = 5;
    cfg.train.threads = threads;
    Trainer tr(cfg);
    while (!tr.finished()) EXPECT_TRUE(tr.step());
    return tr.history;
}

using noam::test::expect_same_history;

TEST(Determinism, SameSeedSameHistory) {
    RunConfig cfg = config_file("literature.json");
    expect_same_history(run_steps(cfg, 12, 1), run_steps(cfg, 12, 1));
}

TEST(Determinism, OneThreadEqualsTwoThreads) {
    for (const char* file : {"default.json", "literature.json"}) {
        RunConfig cfg = config_file(file);
        cfg.model.n_kv_heads = 2;  // GQA: the backward shares dk/dv between heads
        expect_same_history(run_steps(cfg, 12, 1), run_steps(cfg, 12, 2));
    }
}

TEST(Determinism, DifferentSeedsDiffer) {
    RunConfig a = config_file("default.json"), b = a;
    b.train.seed = a.train.seed + 1;
    EXPECT_NE(run_steps(a, 3, 1)[2].loss, run_steps(b, 3, 1)[2].loss);
}

TEST(Training, HugeLearningRateStopsWithAMessage) {
    RunConfig cfg = config_file("default.json");
    cfg.optim.lr = 1e9f;
    cfg.optim.schedule = Schedule::Constant;
    cfg.optim.grad_clip = 0;
    cfg.train.steps = 200;
    Trainer tr(cfg);
    int steps = 0;
    while (!tr.finished() && tr.step()) steps++;
    ASSERT_TRUE(tr.stopped()) << "a learning rate of 1e9 should make the loss non-finite within 200 steps";
    EXPECT_NE(tr.error.find("not finite"), std::string::npos) << tr.error;
    EXPECT_NE(tr.error.find("learning rate"), std::string::npos) << tr.error;
    EXPECT_FALSE(tr.step()) << "a stopped run must refuse to keep training";
    // the history holds only finite steps
    for (const StepRecord& r : tr.history) EXPECT_TRUE(std::isfinite(r.loss));
}

TEST(Training, LargeButFiniteLearningRateIsCaughtAsDivergence) {
    RunConfig cfg = config_file("default.json");
    cfg.optim.lr = 30.0f;  // every number stays finite, but the model is wrecked
    cfg.optim.schedule = Schedule::Constant;
    cfg.train.steps = 300;
    Trainer tr(cfg);
    while (!tr.finished() && tr.step()) {
    }
    ASSERT_TRUE(tr.stopped()) << "final loss " << tr.history.back().nll;
    EXPECT_NE(tr.error.find("diverged"), std::string::npos) << tr.error;
}

TEST(Training, WatchedAttentionIsADistribution) {
    RunConfig cfg = config_file("default.json");
    Trainer tr(cfg);
    tr.forward_watched();
    const int T = cfg.model.seq_len;
    for (int l = 0; l < cfg.model.n_layers; l++)
        for (int h = 0; h < cfg.model.n_heads; h++)
            for (int t = 0; t < T; t++) {
                double s = 0;
                for (int j = 0; j < T; j++) s += tr.watched_attention(l, h, t, j);
                EXPECT_NEAR(s, 1.0, 1e-5);
            }
}

TEST(Config, VocabSmallerThanDataIsAnError) {
    RunConfig cfg = config_file("default.json");
    cfg.model.vocab_size = 3;
    EXPECT_THROW(Trainer tr(cfg), ConfigError);
}
