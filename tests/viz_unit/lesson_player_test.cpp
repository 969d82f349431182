// The lesson player's rules on a live run, without a window: entering steps (settings, resets, training
// actions that end exactly where core/lesson_runner.cpp ends them), the "watch for" ticks and their budgets,
// going back without retraining, knobs, hot reload, and following a run changed by another panel.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "lesson.h"
#include "lesson_player.h"
#include "panel_lesson_step.h"
#include "run_set.h"
#include "run_view.h"

using namespace noam;
using namespace noam::viz;
using nlohmann::json;

namespace {

// A tiny model so every test trains in well under a second.
json tiny_run() {
    return json::parse(R"({
        "model": {"d_model": 16, "n_heads": 2, "n_layers": 1, "d_ff": 32, "seq_len": 16},
        "data": {"task": "copy", "digits": 5},
        "optim": {"lr": 0.003, "label_smoothing": 0.0},
        "train": {"batch_size": 4, "steps": 500, "seed": 3, "eval_every": 5, "val_batches": 1}
    })");
}

json step(const std::string& title, json extra = json::object()) {
    json s = {{"title", title}, {"text", "Some words."}, {"panels", json::array({"loss"})}};
    for (auto it = extra.begin(); it != extra.end(); ++it) s[it.key()] = it.value();
    return s;
}

std::shared_ptr<const Lesson> make_lesson(const json& steps, json run = tiny_run()) {
    json l = {{"id", "test-lesson"},
              {"title", "A test lesson"},
              {"paper", {{"title", "A Paper"}, {"authors", "Someone"}, {"year", 2017}}},
              {"minutes", 1},
              {"run", run},
              {"steps", steps}};
    return std::make_shared<const Lesson>(parse_lesson(l, "test.json"));
}

// one frame of the window, repeated: refresh the run, let the player follow it; until pred or 30 s
template <class Pred>
bool play_until(LessonPlayer& p, RunView& run, Pred pred) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < end) {
        run.refresh();
        p.update(run);
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
}

// frames for a while (to see that nothing more happens)
void frames_for(LessonPlayer& p, RunView& run, int ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
        run.refresh();
        p.update(run);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

json cond(const std::string& metric, const std::string& op, double value) {
    return {{"metric", metric}, {"op", op}, {"value", value}};
}

}  // namespace

TEST(LessonPlayer, OpensOnTheFirstStepPausedAndTicksWhatHoldsAtOnce) {
    auto l = make_lesson(json::array(
        {step("one", {{"watch_for", json::array({{{"text", "untrained"}, {"when", cond("step", "<", 1)}, {"within_steps", 1}}})}}),
         step("two")}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    ASSERT_TRUE(p.active());
    ASSERT_TRUE(run.valid()) << p.error;
    EXPECT_EQ(p.index(), 0);
    EXPECT_EQ(p.phase(), StepPhase::Idle) << "a step without a train action leaves the run paused";
    ASSERT_EQ(p.observations().size(), 1u);
    EXPECT_TRUE(p.observations()[0].met);
    EXPECT_EQ(p.observations()[0].met_at, 0);
    frames_for(p, run, 100);
    EXPECT_EQ(run.step(), 0) << "nothing trains until the student asks";
}

TEST(LessonPlayer, ForStepsTrainsExactlyThatManySteps) {
    auto l = make_lesson(json::array({step("zero"), step("train", {{"train", {{"for_steps", 23}}}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    p.next(run);
    EXPECT_EQ(p.index(), 1);
    EXPECT_EQ(p.phase(), StepPhase::Training);
    EXPECT_EQ(p.target_step(), 23);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; })) << "step " << run.step();
    frames_for(p, run, 100);
    EXPECT_EQ(run.step(), 23) << "the window's Step N stops where the headless runner stops";
    EXPECT_EQ(p.done_at(), 23);
}

TEST(LessonPlayer, UntilStopsWhenTheConditionHoldsAndObservationsTickInTheirBudget) {
    auto l = make_lesson(json::array({step(
        "until", {{"train", {{"until", cond("step", ">=", 9)}, {"max_steps", 2000}}},
                  {"watch_for", json::array({{{"text", "reaches 5"}, {"when", cond("step", ">=", 5)}},
                                             {{"text", "not yet"}, {"when", cond("step", ">", 1000)}, {"within_steps", 4}}})}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    // this tiny model trains a step in a fraction of a millisecond: at lesson-model speed (a few ms per step)
    // the pause lands a step or two after the condition, which is what this checks, not the machine's load
    run.post(CommandKind::SetMaxStepsPerSecond, 300);
    EXPECT_EQ(p.phase(), StepPhase::Training);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; })) << "step " << run.step();
    frames_for(p, run, 100);
    EXPECT_TRUE(p.until_met());
    EXPECT_GE(run.step(), 9);
    EXPECT_LE(run.step(), 60) << "the run pauses soon after the condition holds, far from max_steps";
    const auto& o = p.observations();
    EXPECT_TRUE(o[0].met);
    // checked once per snapshot the window sees (the trainer may publish several between two frames)
    EXPECT_GE(o[0].met_at, 5);
    EXPECT_LE(o[0].met_at, run.step());
    EXPECT_FALSE(o[1].met);
}

TEST(LessonPlayer, AnOpenAtEndPromiseKeepsTheStepTrainingToItsEnd) {
    // as in core/lesson_runner.cpp: an at_end observation is open until the end, so "until" alone does not stop
    auto l = make_lesson(json::array({step(
        "until", {{"train", {{"until", cond("step", ">=", 3)}, {"max_steps", 30}}},
                  {"watch_for", json::array({{{"text", "at the end"}, {"when", cond("step", ">=", 30)}, {"at_end", true}}})}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; })) << "step " << run.step();
    frames_for(p, run, 100);
    EXPECT_EQ(run.step(), 30) << "training stops at the observation's end for the check to see it";
    EXPECT_TRUE(p.observations()[0].met);
    EXPECT_EQ(p.observations()[0].met_at, 30);
}

TEST(LessonPlayer, AtEndObservationIsCheckedExactlyAtTheEnd) {
    auto l = make_lesson(json::array({step(
        "for", {{"train", {{"for_steps", 12}}},
                {"watch_for", json::array({{{"text", "at the end"}, {"when", cond("step", ">=", 12)}, {"at_end", true}},
                                           {{"text", "too early"}, {"when", cond("step", "<", 12)}, {"at_end", true}}})}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; }));
    EXPECT_TRUE(p.observations()[0].met);
    EXPECT_EQ(p.observations()[0].met_at, 12);
    EXPECT_FALSE(p.observations()[1].met) << "true at every step before the end, but at_end checks only the end";
}

TEST(LessonPlayer, SpacePausesAndResumesTheStepsTraining) {
    auto l = make_lesson(json::array({step("train", {{"train", {{"for_steps", 400}}}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    ASSERT_TRUE(play_until(p, run, [&] { return run.step() >= 3; }));
    p.toggle_play(run);
    EXPECT_EQ(p.phase(), StepPhase::Paused);
    frames_for(p, run, 150);
    const int paused_at = run.step();
    frames_for(p, run, 150);
    EXPECT_EQ(run.step(), paused_at) << "paused means paused";
    EXPECT_LT(paused_at, 400);
    p.toggle_play(run);
    EXPECT_EQ(p.phase(), StepPhase::Training);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; })) << "step " << run.step();
    frames_for(p, run, 100);
    EXPECT_EQ(run.step(), 400) << "resuming goes on to the same target";
}

TEST(LessonPlayer, SetResetsAndGoingBackRestoresTheSettingsWithoutTraining) {
    auto l = make_lesson(json::array({step("masked", {{"train", {{"for_steps", 6}}}}),
                                      step("unmasked", {{"set", {{"model.causal", false}}}, {"train", {{"for_steps", 4}}}}),
                                      step("look")}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; }));
    const uint64_t first_run = run.run_id;
    p.next(run);
    EXPECT_NE(run.run_id, first_run) << "a step with set restarts the run";
    EXPECT_FALSE(p.config().model.causal);
    EXPECT_FALSE(run.config().model.causal);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; }));
    EXPECT_EQ(run.step(), 4);
    // forward to a step without settings: the run goes on
    const uint64_t second_run = run.run_id;
    p.next(run);
    EXPECT_EQ(run.run_id, second_run);
    EXPECT_EQ(run.step(), 4);
    // back to step 2: same settings, the run stays, nothing trains
    p.prev(run);
    EXPECT_EQ(p.index(), 1);
    EXPECT_EQ(run.run_id, second_run) << "going back keeps the run when the settings are the same";
    frames_for(p, run, 100);
    EXPECT_EQ(run.step(), 4) << "going back does not retrain";
    // back to step 1: the mask comes back, with a fresh run
    p.prev(run);
    EXPECT_EQ(p.index(), 0);
    EXPECT_TRUE(p.config().model.causal);
    EXPECT_NE(run.run_id, second_run);
    frames_for(p, run, 100);
    EXPECT_EQ(run.step(), 0);
    EXPECT_EQ(p.phase(), StepPhase::Idle);
}

TEST(LessonPlayer, OpeningAtAStepAppliesTheSettingsOfTheStepsBefore) {
    auto l = make_lesson(json::array({step("a", {{"set", {{"model.n_heads", 4}}}}), step("b"),
                                      step("c", {{"set", {{"optim.label_smoothing", 0.1}}}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run, 1);
    EXPECT_EQ(p.index(), 1);
    EXPECT_EQ(p.config().model.n_heads, 4);
    p.go_to(2, run);
    EXPECT_EQ(p.config().model.n_heads, 4);
    EXPECT_FLOAT_EQ(p.config().optim.label_smoothing, 0.1f);
}

TEST(LessonPlayer, KnobsRestartWithTheSettingOrShowTheError) {
    auto l = make_lesson(json::array({step("knobs", {{"train", {{"for_steps", 3}}}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; }));
    const uint64_t id = run.run_id;
    EXPECT_FALSE(p.apply_settings({{"model.n_heads", 3}}, run, "/steps/0/knobs/0")) << "16 is not divisible by 3";
    EXPECT_NE(p.error.find("n_heads"), std::string::npos) << p.error;
    EXPECT_EQ(p.error.find('\n'), std::string::npos) << "one line: " << p.error;
    EXPECT_EQ(run.run_id, id) << "the old run goes on";
    EXPECT_TRUE(p.differs({{"model.n_heads", 4}}));
    EXPECT_FALSE(p.differs({{"model.n_heads", 2}}));
    ASSERT_TRUE(p.apply_settings({{"model.n_heads", 4}}, run, "/steps/0/knobs/0")) << p.error;
    EXPECT_TRUE(p.error.empty());
    EXPECT_NE(run.run_id, id);
    EXPECT_EQ(run.config().model.n_heads, 4);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; }));
    EXPECT_EQ(run.step(), 3) << "the step's training runs again on the new run";
}

TEST(LessonPlayer, LearningRateIsLive) {
    auto l = make_lesson(json::array({step("lr")}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    const uint64_t id = run.run_id;
    p.set_live_lr(0.006, run);
    EXPECT_NEAR(p.lr_scale, 2.0f, 1e-5);
    EXPECT_NEAR(p.value_of("optim.lr").get<double>(), 0.006, 1e-6);
    EXPECT_EQ(run.run_id, id) << "the learning rate changes the live run";
}

TEST(LessonStepPanel, KnobValuesReadAsWords) {
    EXPECT_EQ(knob_value_label(json(true)), "on");
    EXPECT_EQ(knob_value_label(json(false)), "off");
    EXPECT_EQ(knob_value_label(json(16)), "16");
    EXPECT_EQ(knob_value_label(json(0.98)), "0.98");
    EXPECT_EQ(knob_value_label(json("sinusoidal")), "sinusoidal");
}

TEST(LessonPlayer, HotReloadKeepsTheRunUnlessItsSettingsChange) {
    json steps = json::array({step("one"), step("two", {{"train", {{"for_steps", 5}}}})});
    RunView run;
    LessonPlayer p;
    p.open(make_lesson(steps), run, 1);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; }));
    const uint64_t id = run.run_id;
    // a new title: same run, same step
    json edited = steps;
    edited[1]["title"] = "two, renamed";
    p.reload(make_lesson(edited), run);
    EXPECT_EQ(p.index(), 1);
    EXPECT_EQ(p.step().title, "two, renamed");
    EXPECT_EQ(run.run_id, id);
    EXPECT_EQ(run.step(), 5);
    // a step removed: the index is clamped
    json shorter = json::array({step("only")});
    p.reload(make_lesson(shorter), run);
    EXPECT_EQ(p.index(), 0);
    EXPECT_EQ(run.run_id, id) << "the run config did not change";
    // the run's settings changed: a new run
    json run_cfg = tiny_run();
    run_cfg["model"]["n_heads"] = 4;
    p.reload(make_lesson(shorter, run_cfg), run);
    EXPECT_NE(run.run_id, id);
    EXPECT_EQ(run.config().model.n_heads, 4);
}

TEST(LessonPlayer, FollowsAResetFromTheControlsPanel) {
    auto l = make_lesson(json::array({step("train", {{"train", {{"for_steps", 8}}}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; }));
    run.post(CommandKind::Reset, 3);
    ASSERT_TRUE(play_until(p, run, [&] { return run.step() == 0 && run.generation >= 1; }));
    frames_for(p, run, 50);
    EXPECT_EQ(p.start_step(), 0);
    EXPECT_EQ(p.phase(), StepPhase::Idle);
}

TEST(LessonPlayer, MovingOnWhileAStepTrainsStartsTheNextFromWhereTheRunStopped) {
    // Right pressed in the middle of step 1's training: the run is paused first, and step 2's budget counts
    // from the step it stopped at, so "for_steps 5" trains exactly 5 more
    auto l = make_lesson(json::array({step("long", {{"train", {{"for_steps", 2000}}}}),
                                      step("short", {{"train", {{"for_steps", 5}}}})}));
    RunView run;
    LessonPlayer p;
    p.open(l, run);
    ASSERT_TRUE(play_until(p, run, [&] { return run.step() >= 10; }));
    p.next(run);
    EXPECT_EQ(p.phase(), StepPhase::Settling);
    ASSERT_TRUE(play_until(p, run, [&] { return p.phase() == StepPhase::Done; })) << "step " << run.step();
    frames_for(p, run, 100);
    EXPECT_GE(p.start_step(), 10);
    EXPECT_LT(p.start_step(), 2000);
    EXPECT_EQ(run.step(), p.start_step() + 5);
}

// A step's "runs": the companions start with the step, train exactly the same steps as the primary (Step To
// reaches them too), versus conditions compare them, a step without "runs" keeps them, "runs": [] drops them,
// and a run started elsewhere (the setup panel) drops them too.
TEST(LessonPlayer, SideBySideRunsTrainTogetherAndCompare) {
    json fast = {{"optim.lr", 0.01}};
    json two_runs = json::array({{{"label", "slow"}}, {{"label", "fast"}, {"set", fast}}});
    json faster = {{"text", "the faster rate is ahead"},
                   {"when", {{"metric", "loss"}, {"run", "fast"}, {"versus", "slow"}, {"op", "<"}, {"value", 0}}},
                   {"at_end", true}};
    auto l = make_lesson(json::array({step("compare", {{"runs", two_runs}, {"train", {{"for_steps", 37}}},
                                                       {"watch_for", json::array({faster})}}),
                                      step("same runs", {{"train", {{"for_steps", 5}}}}),
                                      step("one run", {{"runs", json::array()}, {"train", {{"for_steps", 3}}}})}));
    RunView run;
    RunSet set;
    set.primary = &run;
    LessonPlayer p;
    p.attach(&set);
    p.open(l, run);
    ASSERT_TRUE(p.error.empty()) << p.error;
    ASSERT_EQ(set.size(), 2u);
    EXPECT_EQ(set.label(0), "slow");
    EXPECT_EQ(set.label(1), "fast");
    EXPECT_FLOAT_EQ(set.view(1).config().optim.lr, 0.01f);
    auto frame_all = [&] { set.refresh_companions(); };
    ASSERT_TRUE(play_until(p, run, [&] { frame_all(); return p.phase() == StepPhase::Done; })) << "step " << run.step();
    frames_for(p, run, 100);
    set.refresh_companions();
    EXPECT_EQ(run.step(), 37);
    EXPECT_EQ(set.view(1).step(), 37) << "the companion stops at the same step";
    EXPECT_TRUE(p.observations()[0].met);
    EXPECT_EQ(p.observations()[0].met_at, 37);

    p.next(run);
    EXPECT_EQ(set.size(), 2u) << "a step without runs keeps them";
    ASSERT_TRUE(play_until(p, run, [&] { frame_all(); return p.phase() == StepPhase::Done; }));
    frames_for(p, run, 100);
    set.refresh_companions();
    EXPECT_EQ(set.view(1).step(), 42);

    p.next(run);
    EXPECT_EQ(set.size(), 1u) << "\"runs\": [] goes back to one run";
    EXPECT_TRUE(run.followers.empty());

    p.go_to(0, run);
    EXPECT_EQ(set.size(), 2u) << "going back to a step with runs brings them back";
    run.start(p.config(), false);  // another panel starts a run of its own
    set.refresh_companions();
    p.update(run);
    EXPECT_EQ(set.size(), 1u);
}

// A language switch: the same lesson in other words. The step, the run (and its companions), their steps and
// the ticks stay; the runs take their translated labels, and the conditions that name them still find them.
TEST(LessonPlayer, RetranslateKeepsTheStepTheRunsAndTheTicks) {
    json fast = {{"optim.lr", 0.01}};
    json two_runs = json::array({{{"label", "slow"}}, {{"label", "fast"}, {"set", fast}}});
    json faster = {{"text", "the faster rate is ahead"},
                   {"when", {{"metric", "loss"}, {"run", "fast"}, {"versus", "slow"}, {"op", "<"}, {"value", 0}}},
                   {"at_end", true}};
    json steps = json::array({step("compare", {{"runs", two_runs}, {"train", {{"for_steps", 20}}},
                                               {"watch_for", json::array({faster})}}),
                              step("same runs", {{"train", {{"for_steps", 5}}}})});
    auto en = make_lesson(steps);
    Lesson zh_lesson = *en;
    apply_translation(zh_lesson, json::parse(R"({"language": "zh", "translates": "test.json", "title": "测试课程",
        "steps": [{"title": "比较", "text": "一些话。", "runs": ["慢", "快"], "watch_for": ["较快的学习率领先"]},
                  {"title": "同样的运行", "text": "一些话。"}]})"), "zh/test.json", "zh");
    auto zh = std::make_shared<const Lesson>(zh_lesson);

    RunView run;
    RunSet set;
    set.primary = &run;
    LessonPlayer p;
    p.attach(&set);
    p.open(en, run);
    auto frame_all = [&] { set.refresh_companions(); };
    ASSERT_TRUE(play_until(p, run, [&] { frame_all(); return p.phase() == StepPhase::Done; })) << "step " << run.step();
    frames_for(p, run, 100);
    ASSERT_TRUE(p.observations()[0].met);
    const uint64_t run_id = run.run_id, entry = p.entry_version();

    p.retranslate(zh, run);
    EXPECT_EQ(p.lesson().title, "测试课程");
    EXPECT_EQ(p.step().title, "比较");
    EXPECT_EQ(p.index(), 0);
    EXPECT_EQ(run.run_id, run_id) << "the same run goes on";
    EXPECT_EQ(p.entry_version(), entry) << "not a new entry into the step";
    EXPECT_EQ(run.step(), 20);
    EXPECT_EQ(p.phase(), StepPhase::Done);
    EXPECT_TRUE(p.observations()[0].met) << "the tick stays";
    ASSERT_EQ(set.size(), 2u);
    EXPECT_EQ(set.label(0), "慢");
    EXPECT_EQ(set.label(1), "快");

    // the next step trains the same runs under their new names, and going back does not restart them
    p.next(run);
    EXPECT_EQ(set.size(), 2u);
    ASSERT_TRUE(play_until(p, run, [&] { frame_all(); return p.phase() == StepPhase::Done; }));
    p.go_to(0, run);
    EXPECT_EQ(run.run_id, run_id) << "going back to the same runs under the same names restarts nothing";
    EXPECT_EQ(set.label(1), "快");
}
