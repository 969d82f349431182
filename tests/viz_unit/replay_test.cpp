// The replay scrubber without a window: it enters only while the run is paused, moves by kept pictures, shows
// each run's picture in place of the live snapshot only between begin_draw and end_draw, and leaves when the
// run trains again or Space / Escape is pressed.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <GLFW/glfw3.h>  // key codes only

#include "config.h"
#include "replay.h"
#include "run_set.h"

using namespace noam;
using namespace noam::viz;

namespace {

RunConfig tiny_config() {
    RunConfig cfg = load_run_config(std::string(NOAM_SOURCE_DIR) + "/tests/data/runs/tiny.json");
    cfg.train.steps = 40;
    cfg.train.threads = 1;
    return cfg;
}

bool wait_for_step(RunView& run, int step) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end) {
        run.refresh();
        if (run.step() >= step && (int)run.live->replay_frames(nullptr).size() > step) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

}  // namespace

TEST(ReplayScrubber, MovesThroughKeptPicturesWhilePaused) {
    RunView run;
    ASSERT_TRUE(run.start(tiny_config(), false)) << run.start_error;
    RunSet runs;
    runs.primary = &run;
    run.post(CommandKind::StepN, 10);
    ASSERT_TRUE(wait_for_step(run, 10));
    ReplayScrubber scrub;

    // training: Shift+Left is taken (not a step key) but does not enter
    scrub.refresh(run, false);
    EXPECT_TRUE(scrub.handle_key(run, false, GLFW_KEY_LEFT, GLFW_MOD_SHIFT));
    EXPECT_FALSE(scrub.active);

    scrub.refresh(run, true);
    ASSERT_EQ(scrub.frames.size(), 11u);  // steps 0..10
    EXPECT_TRUE(scrub.handle_key(run, true, GLFW_KEY_LEFT, GLFW_MOD_SHIFT));
    ASSERT_TRUE(scrub.active);
    EXPECT_EQ(scrub.cursor_step, 9) << "one kept picture back from the live step 10";
    scrub.handle_key(run, true, GLFW_KEY_LEFT, GLFW_MOD_SHIFT);
    EXPECT_EQ(scrub.cursor_step, 8);
    scrub.handle_key(run, true, GLFW_KEY_HOME, 0);
    EXPECT_EQ(scrub.cursor_step, 0);
    scrub.handle_key(run, true, GLFW_KEY_LEFT, GLFW_MOD_SHIFT);
    EXPECT_EQ(scrub.cursor_step, 0) << "the first picture is the limit";
    scrub.handle_key(run, true, GLFW_KEY_END, 0);
    EXPECT_EQ(scrub.cursor_step, 10);
    scrub.to_step(3);
    EXPECT_EQ(scrub.frames[scrub.index]->step, 3);
    EXPECT_EQ(scrub.state()["picture_step"], 3);

    // drawing: the replayed picture in between, the live snapshot (and its version) back after
    const auto live = run.snap;
    const uint64_t live_version = run.snapshot_version;
    scrub.begin_draw(runs);
    ASSERT_NE(run.snap, live);
    EXPECT_TRUE(run.snap->is_replay());
    EXPECT_EQ(run.snap->replay_step, 3);
    EXPECT_EQ(run.snap->step, 10);
    EXPECT_EQ(run.snap->attention, scrub.frames[3]->attention);
    EXPECT_NE(run.snap->attention, live->attention) << "step 3's maps should differ from step 10's";
    EXPECT_NE(run.snapshot_version, live_version);
    scrub.end_draw(runs);
    EXPECT_EQ(run.snap, live);
    EXPECT_EQ(run.snapshot_version, live_version);

    // Escape leaves; Space leaves and is not taken (it goes on to train); training again leaves too
    scrub.handle_key(run, true, GLFW_KEY_ESCAPE, 0);
    EXPECT_FALSE(scrub.active);
    scrub.handle_key(run, true, GLFW_KEY_LEFT, GLFW_MOD_SHIFT);
    ASSERT_TRUE(scrub.active);
    EXPECT_FALSE(scrub.handle_key(run, true, GLFW_KEY_SPACE, 0));
    EXPECT_FALSE(scrub.active);
    scrub.handle_key(run, true, GLFW_KEY_LEFT, GLFW_MOD_SHIFT);
    ASSERT_TRUE(scrub.active);
    scrub.refresh(run, false);
    EXPECT_FALSE(scrub.active);
    EXPECT_FALSE(scrub.handle_key(run, true, GLFW_KEY_HOME, 0)) << "Home is the scrubber's only while scrubbing";
}
