// The replay log (core/replay_log.h): thinning keeps a bounded number of evenly spaced pictures for a run of any
// length; the nearest kept picture; the replayed snapshot; the batch fingerprint against FNV-1a worked by hand.
#include <gtest/gtest.h>

#include "data.h"
#include "replay_log.h"

using namespace noam;

static std::shared_ptr<const ReplayFrame> frame_at(int step) {
    auto f = std::make_shared<ReplayFrame>();
    f->step = step;
    return f;
}

// Steps 0..5000 kept whenever due: never more than max_kept, never fewer than half of it once that many steps have
// passed, always step 0 first, every kept step a multiple of K with exactly K between neighbours, K a power of
// two, and the newest kept step the last multiple of K reached.
TEST(ReplayLog, ThinningKeepsABoundedEvenlySpacedSet) {
    for (int max_kept : {2, 3, 16, 200}) {
        SCOPED_TRACE("max_kept " + std::to_string(max_kept));
        ReplayLog log;
        log.max_kept = max_kept;
        for (int step = 0; step <= 5000; step++) {
            if (log.due(step)) log.keep(frame_at(step));
            ASSERT_LE((int)log.frames.size(), max_kept) << "at step " << step;
            if (step >= max_kept) ASSERT_GE((int)log.frames.size(), max_kept / 2) << "at step " << step;
            ASSERT_EQ(log.frames.front()->step, 0);
            ASSERT_EQ(log.every & (log.every - 1), 0) << "K = " << log.every << " is not a power of two";
            for (size_t i = 1; i < log.frames.size(); i++)
                ASSERT_EQ(log.frames[i]->step - log.frames[i - 1]->step, log.every) << "at step " << step;
            ASSERT_EQ(log.frames.back()->step, step / log.every * log.every) << "at step " << step;
        }
        // 5001 steps in at most max_kept pictures: K is the smallest power of two that fits them
        EXPECT_LE(5000 / log.every + 1, max_kept);
        EXPECT_GT(5000 / (log.every / 2) + 1, max_kept);
    }
}

// The default bound: a 100,000-step run keeps between 100 and 200 pictures.
TEST(ReplayLog, ALongRunKeepsAtMostTheDefaultBound) {
    ReplayLog log;
    for (int step = 0; step <= 100000; step++)
        if (log.due(step)) log.keep(frame_at(step));
    EXPECT_LE((int)log.frames.size(), ReplayLog::kDefaultMaxKept);
    EXPECT_GE((int)log.frames.size(), ReplayLog::kDefaultMaxKept / 2);
    EXPECT_EQ(log.every, 512);  // 100,001 / 512 -> 196 pictures; 256 would need 391
}

TEST(ReplayLog, NearestPicture) {
    ReplayLog log;
    EXPECT_EQ(log.nearest(5), -1);
    for (int s : {0, 4, 8, 12}) log.frames.push_back(frame_at(s));
    log.every = 4;
    EXPECT_EQ(log.nearest(-3), 0);
    EXPECT_EQ(log.nearest(0), 0);
    EXPECT_EQ(log.nearest(5), 1);
    EXPECT_EQ(log.nearest(6), 1) << "a tie goes to the earlier picture";
    EXPECT_EQ(log.nearest(7), 2);
    EXPECT_EQ(log.nearest(100), 3);
    EXPECT_FALSE(log.due(8)) << "a step already kept is not due again";
    EXPECT_TRUE(log.due(16));
    EXPECT_FALSE(log.due(14));
}

// A replayed snapshot is the live one with the kept pictures in place and marked with the picture's step.
// (Snapshot and ReplayFrame name the picture fields alike: one filler for both.)
template <class Picture>
static void one_by_two(Picture& p, int step, std::vector<float> attention, std::vector<float> target_prob,
                       std::vector<int> predicted) {
    p.step = step;
    p.n_layers = p.n_heads = 1;
    p.T = 2;
    p.attention = std::move(attention);
    p.target_prob = std::move(target_prob);
    p.predicted = std::move(predicted);
}

TEST(ReplayLog, ReplaySnapshotSwapsThePicturesOnly) {
    Snapshot live;
    one_by_two(live, 40, {1, 0, 0.5f, 0.5f}, {0.9f, 0.8f}, {3, 4});
    live.sample_text = "live text";
    ReplayFrame f;
    one_by_two(f, 8, {1, 0, 0.25f, 0.75f}, {0.1f, 0.2f}, {1, 2});
    const auto s = replay_snapshot(live, f, 4);
    EXPECT_TRUE(s->is_replay());
    EXPECT_FALSE(live.is_replay());
    EXPECT_EQ(s->replay_step, 8);
    EXPECT_EQ(s->replay_every, 4);
    EXPECT_EQ(s->step, 40) << "the run's own step stays the live one";
    EXPECT_EQ(s->attention, f.attention);
    EXPECT_EQ(s->target_prob, f.target_prob);
    EXPECT_EQ(s->predicted, f.predicted);
    EXPECT_EQ(s->sample_text, "live text");
}

// FNV-1a over little-endian int32s: offset basis 2166136261, prime 16777619. One token 1 and one target -1:
// bytes 01 00 00 00 ff ff ff ff -> 3969839840 (worked in Python: h = ((h ^ b) * 16777619) mod 2^32).
TEST(ReplayLog, BatchFingerprintIsFnv1a) {
    Batch b;
    EXPECT_EQ(batch_fingerprint(b), 2166136261u);
    b.resize(1, 1);
    b.tokens[0] = 1;
    EXPECT_EQ(batch_fingerprint(b), 3969839840u);
    Batch c = b;
    c.targets[0] = 2;
    EXPECT_NE(batch_fingerprint(c), batch_fingerprint(b));
}
