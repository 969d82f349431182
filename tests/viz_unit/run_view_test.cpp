// The window's side of a run, without a window: starting runs (and refusing bad ones while the old run
// goes on), following the history through steps and resets, and the setup panel's checks.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "config.h"
#include "panel_setup.h"
#include "run_view.h"

using namespace noam;
using namespace noam::viz;

namespace {

RunConfig default_config() { return load_run_config(std::string(NOAM_SOURCE_DIR) + "/configs/default.json"); }

// refresh() until pred holds or 20 s pass (the trainer runs on its own thread)
template <class Pred>
bool wait_for(RunView& run, Pred pred) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end) {
        run.refresh();
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

std::string temp_file(const std::string& name, const std::string& contents) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream f(path, std::ios::binary);
    f << contents;
    return path;
}

}  // namespace

TEST(RunView, StartsPausedAndFollowsSteps) {
    RunView run;
    ASSERT_TRUE(run.start(default_config(), false)) << run.start_error;
    ASSERT_TRUE(run.valid());
    EXPECT_EQ(run.step(), 0);
    EXPECT_FALSE(run.playing());
    run.post(CommandKind::StepN, 7);
    ASSERT_TRUE(wait_for(run, [&] { return run.history.size() >= 7 && run.step() >= 7; })) << "step " << run.step();
    EXPECT_EQ(run.history.size(), 7u) << "StepN 7 trains exactly 7 steps";
    ASSERT_EQ(run.steps.size(), run.history.size());
    for (size_t i = 1; i < run.steps.size(); i++) EXPECT_EQ(run.steps[i], run.steps[i - 1] + 1);
    EXPECT_EQ(run.loss.size(), 7u);
    EXPECT_GT(run.snapshot_version, 0u);
}

TEST(RunView, ResetRestartsTheHistory) {
    RunView run;
    ASSERT_TRUE(run.start(default_config(), false)) << run.start_error;
    run.post(CommandKind::StepN, 5);
    ASSERT_TRUE(wait_for(run, [&] { return run.history.size() >= 5; }));
    const float first_loss = run.loss[0];
    run.post(CommandKind::Reset, 1);  // same seed: the same first step
    run.post(CommandKind::StepN, 2);
    ASSERT_TRUE(wait_for(run, [&] { return run.generation >= 1 && run.history.size() >= 2; }));
    EXPECT_EQ(run.history.size(), 2u);
    EXPECT_EQ(run.loss[0], first_loss) << "a reset with the same seed repeats the run bit for bit";
}

TEST(RunView, BadCorpusIsRefusedAndTheOldRunGoesOn) {
    RunView run;
    ASSERT_TRUE(run.start(default_config(), false)) << run.start_error;
    const uint64_t id = run.run_id;
    LiveRun* old = run.live.get();

    RunConfig text = default_config();
    text.data.task = "text";
    for (const std::string& path : {temp_file("empty.txt", ""), temp_file("binary.bin", std::string("ab\0cd\x01\x02", 7)),
                                    std::string("/nonexistent/dir/corpus.txt")}) {
        text.data.corpus = path;
        EXPECT_FALSE(run.start(text, true)) << path;
        EXPECT_FALSE(run.start_error.empty()) << path;
        EXPECT_EQ(run.start_error.find('\n'), std::string::npos) << "one line: " << run.start_error;
        EXPECT_EQ(run.run_id, id);
        EXPECT_EQ(run.live.get(), old) << "the old run must survive a failed start";
    }
    run.post(CommandKind::StepOnce);
    EXPECT_TRUE(wait_for(run, [&] { return run.step() >= 1; })) << "the old run still trains";
}

TEST(SetupPanel, ChecksSizesBeforeBuilding) {
    RunConfig c = default_config();
    EXPECT_EQ(SetupPanel::check(c), "");
    c.model.d_model = 0;
    EXPECT_NE(SetupPanel::check(c).find("d_model"), std::string::npos);
    c = default_config();
    c.model.n_layers = 100;
    EXPECT_NE(SetupPanel::check(c).find("layers"), std::string::npos);
    c = default_config();
    c.data.task = "text";
    c.data.corpus = "";
    EXPECT_NE(SetupPanel::check(c), "");
}

TEST(SetupPanel, ApplyShowsTheErrorAndKeepsTheRun) {
    RunView run;
    ASSERT_TRUE(run.start(default_config(), false)) << run.start_error;
    SetupPanel setup;
    setup.draft = run.config();
    setup.have_draft = true;
    setup.draft_run_id = run.run_id;
    setup.draft.model.n_heads = 3;  // 64 is not divisible by 3
    setup.apply(run);
    EXPECT_NE(setup.error.find("n_heads"), std::string::npos) << setup.error;
    EXPECT_EQ(run.run_id, 1u);
    setup.draft.model.n_heads = 2;
    setup.apply(run);
    EXPECT_EQ(setup.error, "");
    EXPECT_EQ(run.run_id, 2u);
    EXPECT_EQ(run.config().model.n_heads, 2);
}

// Lockstep (noamlab render): nothing trains until the window releases a tick; each release is one tick (one
// step here) whose snapshot is in when lockstep_wait() returns; commands posted between releases are taken at
// the next one, so the run pauses exactly where the window asked.
TEST(RunView, LockstepTrainsOneTickPerRelease) {
    RunView run;
    run.lockstep = true;
    ASSERT_TRUE(run.start(default_config(), false)) << run.start_error;
    run.post(CommandKind::StepN, 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    run.live->lockstep_wait();
    run.refresh();
    EXPECT_EQ(run.step(), 0) << "trained without a release";
    for (int i = 1; i <= 3; i++) {
        run.live->lockstep_release();
        run.live->lockstep_wait();
        run.refresh();
        EXPECT_EQ(run.step(), i) << "one step per release";
    }
    run.post(CommandKind::Pause);
    for (int i = 0; i < 3; i++) {
        run.live->lockstep_release();
        run.live->lockstep_wait();
    }
    run.refresh();
    EXPECT_EQ(run.step(), 3) << "the pause posted before the release must stop the run before another step";
    EXPECT_EQ(run.history.size(), 3u);
}
