// The lesson player's rules, without drawing: which step is open, the settings the student sees, the
// step's training and the "watch for" ticks. It follows core/lesson_runner.cpp (the headless player) on
// the window's live run, so a lesson behaves the same with or without a window:
//   entering a step (forward): if the step resets (or sets), cfg = step_config(cfg, step) and a new run;
//     then the step's training: to_step / for_steps / until, ending at train_target(), and on until the
//     observations' budgets while some are still open; posted to the run as Step N segments that stop at
//     every budget's end, so the checks see the exact step the headless runner sees;
//   an observation ticks when condition_holds() on a new snapshot + the history, within its budget
//     (within_steps from the step's start, else the step's own); at_end ones are checked once, at the end;
//   going back does not retrain: the run restarts only if the step's settings differ from the current ones.
// Tested in tests/viz_unit/lesson_player_test.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lesson.h"
#include "lesson_runner.h"
#include "run_set.h"
#include "run_view.h"

namespace noam::viz {

struct ObservationState {
    bool met = false;
    int met_at = -1;        // the run's step when it first held
    double value = 0;       // the metric at the last check (NaN before any validation)
    bool closed = false;    // its budget is over (checked for the last time)
};

enum class StepPhase {
    Idle,         // the step does not train (or was entered going back): the run waits for the student
    Pretraining,  // the lesson's run.pretrain_steps, before the first step's action
    Settling,     // a moving run is being paused, so the step's training starts from a known step
    Training,     // the step's own training, in progress
    Paused,       // the student paused the step's training (Space resumes it)
    Done,         // the step's training is over (target reached, "until" met, or the budget used)
};

class LessonPlayer {
public:
    // ---- what is open
    bool active() const { return lesson_ != nullptr; }
    const Lesson& lesson() const { return *lesson_; }
    std::shared_ptr<const Lesson> lesson_ptr() const { return lesson_; }
    int index() const { return index_; }  // 0-based
    int step_count() const { return active() ? (int)lesson_->steps.size() : 0; }
    const LessonStep& step() const { return lesson_->steps[index_]; }
    const RunConfig& config() const { return cfg_; }   // the settings as the student sees them (lr: see lr_scale)
    uint64_t config_version() const { return cfg_version_; }      // +1 whenever config() changes
    uint64_t entry_version() const { return entry_version_; }     // +1 at every step entry and reload
    StepPhase phase() const { return phase_; }
    int start_step() const { return start_; }     // the run's step when this step began
    int target_step() const { return target_; }   // train_target() of the step's action
    int budget_end() const { return budget_end_; }  // the last step any promise of this step is checked at
    int done_at() const { return done_at_; }        // the run's step when the step's training ended
    bool until_met() const { return until_met_; }
    const std::vector<ObservationState>& observations() const { return ticks_[index_]; }
    const std::vector<ObservationState>& observations(int step_index) const { return ticks_[step_index]; }

    std::string error;          // the last action's error (a knob's ConfigError, a run that would not start)
    std::string reload_error;   // the file on disk does not load; the previous version keeps running
    float lr_scale = 1.0f;      // the live learning-rate multiplier (shared with the controls panel)

    // The side-by-side runs of a step's "runs" live in this set (its primary is the run passed to the actions);
    // without one, a lesson trains its primary run only.
    void attach(RunSet* set) { set_ = set; }

    // ---- actions
    // Opens a lesson at step start_index: the settings of the steps before it, then the step's entry.
    void open(std::shared_ptr<const Lesson> lesson, RunView& run, int start_index = 0);
    // Forward: enter the step (settings, reset, training); backward: re-apply the step's settings only if
    // they differ from the current ones, and do not train.
    void go_to(int i, RunView& run);
    void next(RunView& run) { go_to(index_ + 1, run); }
    void prev(RunView& run) { go_to(index_ - 1, run); }
    void restart(RunView& run) { open(lesson_, run, 0); }
    // Space: pauses / resumes the step's training; once it is over, plays and pauses freely.
    void toggle_play(RunView& run);
    // the run trains now, for the step or freely (the play button shows Pause)
    bool busy(const RunView& run) const;

    // Knobs and known-good settings. optim.lr is live (a multiplier on the lesson's rate); any other setting
    // restarts the run (the window asks first) and the step's training runs again on the new run.
    static bool is_live(const std::string& setting) { return setting == "optim.lr"; }
    nlohmann::json value_of(const std::string& setting) const;  // null when the config has no such key
    void set_live_lr(double lr, RunView& run);
    // False with `error` set (ConfigError from with_setting, or the run did not start): the old run goes on.
    // path: where the settings come from, for the message ("/steps/2/knobs/0").
    bool apply_settings(const std::vector<std::pair<std::string, nlohmann::json>>& settings, RunView& run,
                        const std::string& path);
    // true when applying the settings would change the config
    bool differs(const std::vector<std::pair<std::string, nlohmann::json>>& settings) const;

    // Hot reload: the same step index (clamped); the run goes on if the step's settings did not change.
    void reload(std::shared_ptr<const Lesson> fresh, RunView& run);

    // The same lesson in another language (load_lesson(file, lang)): the step, the run, its training and the
    // ticks stay; the text and the runs' labels change. A lesson that is not aligned with the open one reloads.
    void retranslate(std::shared_ptr<const Lesson> fresh, RunView& run);

    // Once per frame, after run.refresh(): follows a run changed elsewhere, evaluates the step's
    // observations once per new snapshot, and drives the step's training.
    void update(RunView& run);

    // One line on the step's training for the step view ("Training until val_accuracy > 0.98 ...").
    std::string status(const RunView& run) const;
    // progress of the step's training in [0, 1] (-1 when it does not train)
    float progress(const RunView& run) const;

    // The config the lesson itself gives step i: its run, then the settings of every resetting step up to i.
    static RunConfig lesson_config_at(const Lesson& l, int i);
    static bool same_config(const RunConfig& a, const RunConfig& b);

private:
    void enter(int i, RunView& run, const RunConfig& before, bool new_run);
    bool start_run(const RunConfig& c, RunView& run);
    // bookkeeping from the run's step now (or from `start` when known: a reset starts at 0); then trains if asked
    void begin_step(RunView& run, bool train, int start = -1);
    void continue_training(RunView& run);
    void evaluate(const RunView& run);
    void follow_foreign_run(RunView& run);
    int limit_of(const Observation& o) const;    // the step where an observation's own budget ends
    int end_of(const Observation& o) const { return std::max(limit_of(o), target_); }
    bool action_done(int now) const;
    bool observations_done(int now) const;
    bool step_done(const RunView& run) const;
    int next_stop(int now) const;
    int level(const RunView& run) const;  // the step every run has reached (the run's own step when alone)

    std::shared_ptr<const Lesson> lesson_;
    int index_ = 0;
    RunConfig cfg_;
    uint64_t cfg_version_ = 0, entry_version_ = 0;
    StepPhase phase_ = StepPhase::Idle;
    int start_ = 0, target_ = 0, budget_end_ = 0, posted_end_ = -1, done_at_ = 0;
    bool until_met_ = true;
    std::vector<std::vector<ObservationState>> ticks_;  // per step
    uint64_t my_run_id_ = 0;      // the run this player started (another one: the setup panel applied)
    int seen_generation_ = -1;    // the run's reset counter (a reset: the controls panel's Reset)
    uint64_t last_eval_version_ = ~0ull;
    RunSet* set_ = nullptr;
    std::string runs_key_;        // the side-by-side runs now running (their settings)
    // the runs running are the step's (same settings) under other labels (a translation): they take the step's
    void relabel_runs();
};

}  // namespace noam::viz
