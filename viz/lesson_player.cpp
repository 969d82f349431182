// The lesson player's rules on the live run.
//
// Index
//   [SECTION] Configs
//   [SECTION] Opening and moving between steps
//   [SECTION] The step's training
//   [SECTION] Observations
//   [SECTION] Knobs and hot reload
//   [SECTION] Status for the step view
#include "lesson_player.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "i18n.h"
#include "lesson_metrics.h"

namespace noam::viz {

// ============================================================================ [SECTION] Configs

RunConfig LessonPlayer::lesson_config_at(const Lesson& l, int i) {
    RunConfig c = l.run;
    for (int k = 0; k <= i && k < (int)l.steps.size(); k++)
        if (l.steps[k].reset) c = step_config(c, l.steps[k], l.file);
    return c;
}

bool LessonPlayer::same_config(const RunConfig& a, const RunConfig& b) {
    return run_config_to_json(a) == run_config_to_json(b);
}

namespace {

// the step's side-by-side runs as one comparable string: their settings (the labels are names: a translation
// renames the runs without changing them)
std::string runs_key(const std::vector<RunVariant>& runs) {
    nlohmann::json j = nlohmann::json::array();
    for (const RunVariant& v : runs) j.push_back(v.set);
    return j.dump();
}

}  // namespace

bool LessonPlayer::start_run(const RunConfig& c, RunView& run) {
    if (set_) set_->clear_companions();  // the old companions stop before the new runs start
    if (!run.start(c, false)) {
        error = tr("The run could not start: ") + run.start_error;
        return false;
    }
    runs_key_ = active() ? runs_key(step().runs) : "";
    if (set_ && active()) {
        // the step's side-by-side runs: the primary's config with each one's settings
        const std::vector<RunVariant>& variants = step().runs;
        std::vector<std::pair<std::string, RunConfig>> others;
        std::string err;
        try {
            for (size_t k = 1; k < variants.size(); k++)
                others.push_back({variants[k].label, variant_config(c, variants[k], lesson_->file)});
        } catch (const std::exception& e) {
            err = e.what();
        }
        if (err.empty()) set_->start_companions(variants.empty() ? "" : variants[0].label, others, err);
        if (!err.empty()) error = tr("The runs side by side could not start: ") + err;
    }
    cfg_ = c;
    cfg_version_++;
    my_run_id_ = run.run_id;
    seen_generation_ = run.generation;
    lr_scale = 1.0f;  // a new run trains at the lesson's rate
    return true;
}

// ============================================================================ [SECTION] Opening and moving between steps

void LessonPlayer::open(std::shared_ptr<const Lesson> lesson, RunView& run, int start_index) {
    if (!lesson || lesson->steps.empty()) return;
    lesson_ = std::move(lesson);
    error.clear();
    reload_error.clear();
    ticks_.assign(lesson_->steps.size(), {});
    for (size_t k = 0; k < ticks_.size(); k++) ticks_[k].assign(lesson_->steps[k].watch_for.size(), {});
    start_index = std::clamp(start_index, 0, (int)lesson_->steps.size() - 1);
    // the settings of the steps before it, as the player would have applied them
    RunConfig before = lesson_->run;
    try {
        if (start_index > 0) before = lesson_config_at(*lesson_, start_index - 1);
    } catch (const std::exception& e) {
        error = e.what();
    }
    phase_ = StepPhase::Idle;
    enter(start_index, run, before, true);
}

void LessonPlayer::go_to(int i, RunView& run) {
    if (!active() || i < 0 || i >= step_count() || i == index_) return;
    error.clear();
    if (i > index_) {
        // forward: the settings of any step skipped over, then the step's own entry
        RunConfig before = cfg_;
        try {
            for (int k = index_ + 1; k < i; k++)
                if (lesson_->steps[k].reset) before = step_config(before, lesson_->steps[k], lesson_->file);
        } catch (const std::exception& e) {
            error = e.what();
        }
        enter(i, run, before, false);
        return;
    }
    // backward: no training; a restart only if the step's settings differ from the current ones
    if (phase_ == StepPhase::Training || phase_ == StepPhase::Pretraining || run.playing()) run.post(CommandKind::Pause);
    index_ = i;
    entry_version_++;
    RunConfig want = cfg_;
    try {
        want = lesson_config_at(*lesson_, i);
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (!same_config(want, cfg_) || (set_ && runs_key(step().runs) != runs_key_)) start_run(want, run);
    else relabel_runs();
    begin_step(run, false);
}

void LessonPlayer::enter(int i, RunView& run, const RunConfig& before, bool new_run) {
    const bool moving = phase_ == StepPhase::Training || phase_ == StepPhase::Pretraining || run.playing();
    if (moving) run.post(CommandKind::Pause);
    index_ = i;
    entry_version_++;
    const LessonStep& st = step();
    ticks_[i].assign(st.watch_for.size(), {});
    RunConfig next = before;
    if (st.reset) {
        try {
            next = step_config(before, st, lesson_->file);
        } catch (const std::exception& e) {
            error = e.what();
        }
    }
    if (new_run || st.reset || !same_config(next, cfg_)) {
        const bool opening = new_run;
        if (!start_run(next, run)) {
            begin_step(run, false);
            return;
        }
        if (opening && lesson_->pretrain_steps > 0 && !st.reset) {
            run.post(CommandKind::StepTo, lesson_->pretrain_steps);
            posted_end_ = lesson_->pretrain_steps;
            phase_ = StepPhase::Pretraining;
            return;
        }
    } else if (moving) {
        // the step's budgets count from the step the run stops at
        phase_ = StepPhase::Settling;
        return;
    }
    begin_step(run, true);
}

// ============================================================================ [SECTION] The step's training

void LessonPlayer::begin_step(RunView& run, bool train, int start) {
    const LessonStep& st = step();
    start_ = start >= 0 ? start : level(run);
    target_ = train ? train_target(st.train, start_) : start_;
    until_met_ = !train || st.train.kind != TrainAction::Until;
    budget_end_ = target_;
    for (const Observation& o : st.watch_for) budget_end_ = std::max(budget_end_, limit_of(o));
    for (ObservationState& s : ticks_[index_]) s.closed = false;
    posted_end_ = -1;
    phase_ = StepPhase::Idle;
    if (run.valid()) {
        evaluate(run);
        last_eval_version_ = set_ ? set_->snapshot_version() : run.snapshot_version;
    }
    if (train) continue_training(run);
}

int LessonPlayer::limit_of(const Observation& o) const {
    return start_ + (o.within_steps > 0 ? o.within_steps : target_ - start_);
}

bool LessonPlayer::action_done(int now) const {
    switch (step().train.kind) {
        case TrainAction::None: return true;
        case TrainAction::ToStep:
        case TrainAction::ForSteps: return now >= target_;
        case TrainAction::Until: return until_met_ || now >= target_;
    }
    return true;
}

bool LessonPlayer::observations_done(int now) const {
    const LessonStep& st = step();
    for (size_t k = 0; k < st.watch_for.size(); k++)
        if (!ticks_[index_][k].met && now < limit_of(st.watch_for[k])) return false;
    return true;
}

int LessonPlayer::level(const RunView& run) const { return set_ && set_->comparing() ? set_->common_step() : run.step(); }

bool LessonPlayer::step_done(const RunView& run) const {
    const int now = level(run);
    if (!run.valid() || !run.snap->error.empty()) return true;
    return (action_done(now) && observations_done(now)) || now >= budget_end_;
}

// The next step where something is decided: the action's target, an observation's budget end, the end of
// all budgets. Training stops there for a frame so the check sees exactly that step.
int LessonPlayer::next_stop(int now) const {
    int stop = budget_end_;
    auto consider = [&](int s) {
        if (s > now) stop = std::min(stop, s);
    };
    consider(target_);
    for (const Observation& o : step().watch_for) {
        consider(limit_of(o));
        consider(end_of(o));
    }
    return stop;
}

void LessonPlayer::continue_training(RunView& run) {
    const int now = level(run);
    if (step_done(run)) {
        phase_ = step().train.kind == TrainAction::None ? StepPhase::Idle : StepPhase::Done;
        posted_end_ = -1;
        done_at_ = now;
        return;
    }
    const int stop = next_stop(now);
    run.post(CommandKind::StepTo, stop);  // and the side-by-side runs: all stop at the same step
    posted_end_ = stop;
    phase_ = StepPhase::Training;
}

void LessonPlayer::toggle_play(RunView& run) {
    if (!active() || !run.valid()) return;
    switch (phase_) {
        case StepPhase::Training:
        case StepPhase::Pretraining:
            run.post(CommandKind::Pause);
            phase_ = phase_ == StepPhase::Training ? StepPhase::Paused : StepPhase::Idle;
            return;
        case StepPhase::Paused: continue_training(run); return;
        case StepPhase::Settling: return;
        case StepPhase::Idle:
        case StepPhase::Done: run.post(run.playing() ? CommandKind::Pause : CommandKind::Play); return;
    }
}

bool LessonPlayer::busy(const RunView& run) const {
    return phase_ == StepPhase::Training || phase_ == StepPhase::Pretraining || phase_ == StepPhase::Settling ||
           run.playing();
}

void LessonPlayer::follow_foreign_run(RunView& run) {
    // a run the player did not start (the setup panel's Apply) or a reset (the controls' Reset): the step
    // goes on from the run's step, without training of its own
    if (run.run_id != my_run_id_ && run.live) {
        if (set_) set_->clear_companions();  // they were the player's: they compared with the old run
        runs_key_.clear();
        my_run_id_ = run.run_id;
        seen_generation_ = run.generation;
        cfg_ = run.config();
        cfg_version_++;
        begin_step(run, false);
    } else if (run.generation != seen_generation_) {
        const bool first = seen_generation_ < 0;  // RunView learns the generation at its first refresh
        seen_generation_ = run.generation;
        // a reset starts at step 0 (the new run's first snapshot may not have arrived yet)
        if (!first) begin_step(run, false, 0);
    }
}

void LessonPlayer::update(RunView& run) {
    if (!active()) return;
    follow_foreign_run(run);
    if (phase_ == StepPhase::Settling) {
        if (!run.training_now()) begin_step(run, true);
        return;
    }
    const uint64_t version = set_ ? set_->snapshot_version() : run.snapshot_version;
    if (!run.valid() || version == last_eval_version_) return;
    last_eval_version_ = version;
    if (phase_ == StepPhase::Pretraining) {
        if (level(run) >= lesson_->pretrain_steps || !run.snap->error.empty()) begin_step(run, true);
        return;
    }
    evaluate(run);
    if (phase_ == StepPhase::Training) {
        if (step_done(run)) {
            if (run.step() < posted_end_) run.post(CommandKind::Pause);
            phase_ = StepPhase::Done;
            posted_end_ = -1;
            done_at_ = level(run);
        } else if (level(run) >= posted_end_) {
            continue_training(run);  // a segment is over: the next one
        }
    }
}

// ============================================================================ [SECTION] Observations

void LessonPlayer::evaluate(const RunView& run) {
    if (!run.valid()) return;
    const LessonStep& st = step();
    const int now = level(run);
    // every run's latest numbers (one run: just this one), for conditions on side-by-side runs
    std::vector<RunMetrics> runs;
    if (set_ && set_->comparing()) {
        for (size_t i = 0; i < set_->size(); i++) {
            const RunView& v = set_->view(i);
            runs.push_back({set_->label(i), v.snap.get(), &v.history});
        }
    } else {
        runs.push_back({"", run.snap.get(), &run.history});
    }
    if (!until_met_ && st.train.kind == TrainAction::Until && now >= start_ && condition_holds(st.train.until, runs))
        until_met_ = true;
    for (size_t k = 0; k < st.watch_for.size(); k++) {
        const Observation& o = st.watch_for[k];
        ObservationState& r = ticks_[index_][k];
        r.value = metric_value(o.when, runs);
        if (r.met || r.closed || now < start_) continue;
        // checked at every snapshot up to the budget's end, and once at the first snapshot at or past it
        // (the training stops there, so that is the end itself); at_end ones only there
        const int end = end_of(o);
        if (now >= end) r.closed = true;
        if (o.at_end && now < end) continue;
        if (condition_holds(o.when, runs)) {
            r.met = true;
            r.met_at = now;
        }
    }
}

// ============================================================================ [SECTION] Knobs and hot reload

nlohmann::json LessonPlayer::value_of(const std::string& setting) const {
    if (setting == "optim.lr") return (double)cfg_.optim.lr * lr_scale;
    const size_t dot = setting.find('.');
    if (dot == std::string::npos) return nullptr;
    const nlohmann::json j = run_config_to_json(cfg_);
    const std::string sec = setting.substr(0, dot), key = setting.substr(dot + 1);
    if (!j.contains(sec) || !j[sec].contains(key)) return nullptr;
    return j[sec][key];
}

void LessonPlayer::set_live_lr(double lr, RunView& run) {
    if (!(cfg_.optim.lr > 0) || !(lr > 0)) return;
    lr_scale = (float)(lr / cfg_.optim.lr);
    run.post(CommandKind::SetLrScale, lr_scale);
}

bool LessonPlayer::differs(const std::vector<std::pair<std::string, nlohmann::json>>& settings) const {
    for (const auto& [k, v] : settings) {
        const nlohmann::json now = value_of(k);
        if (now.is_number() && v.is_number()) {
            const double a = now.get<double>(), b = v.get<double>();
            if (std::fabs(a - b) > 1e-6 * std::max(1.0, std::fabs(b))) return true;
        } else if (now != v) {
            return true;
        }
    }
    return false;
}

bool LessonPlayer::apply_settings(const std::vector<std::pair<std::string, nlohmann::json>>& settings, RunView& run,
                                  const std::string& path) {
    if (!active()) return false;
    RunConfig next = cfg_;
    // a live learning rate becomes the new run's own
    if (lr_scale != 1.0f) next.optim.lr = cfg_.optim.lr * lr_scale;
    try {
        for (const auto& [k, v] : settings) next = with_setting(next, k, v, lesson_->file, path);
    } catch (const std::exception& e) {
        error = e.what();
        return false;
    }
    if (phase_ == StepPhase::Training || run.playing()) run.post(CommandKind::Pause);
    if (!start_run(next, run)) return false;
    error.clear();
    ticks_[index_].assign(step().watch_for.size(), {});
    begin_step(run, true);  // the step's training again, on the new run
    return true;
}

namespace {

bool same_observations(const LessonStep& a, const LessonStep& b) {
    if (a.watch_for.size() != b.watch_for.size()) return false;
    for (size_t k = 0; k < a.watch_for.size(); k++) {
        const Observation &x = a.watch_for[k], &y = b.watch_for[k];
        if (x.text != y.text || x.when.describe() != y.when.describe() || x.within_steps != y.within_steps ||
            x.at_end != y.at_end)
            return false;
    }
    return true;
}

}  // namespace

void LessonPlayer::reload(std::shared_ptr<const Lesson> fresh, RunView& run) {
    if (!fresh || fresh->steps.empty()) return;
    if (!active()) {
        open(fresh, run, 0);
        return;
    }
    const int i = std::clamp(index_, 0, (int)fresh->steps.size() - 1);
    bool same_run = lesson_->pretrain_steps == fresh->pretrain_steps;
    try {
        same_run = same_run && same_config(lesson_config_at(*lesson_, index_), lesson_config_at(*fresh, i));
    } catch (const std::exception&) {
        same_run = false;
    }
    if (!same_run) {
        open(fresh, run, i);
        return;
    }
    // the same run goes on: keep the ticks of unchanged observations and the step's training
    std::vector<std::vector<ObservationState>> ticks(fresh->steps.size());
    for (size_t k = 0; k < fresh->steps.size(); k++) {
        if (k < lesson_->steps.size() && same_observations(lesson_->steps[k], fresh->steps[k])) ticks[k] = ticks_[k];
        else ticks[k].assign(fresh->steps[k].watch_for.size(), {});
    }
    const bool same_index = i == index_;
    const TrainAction old_action = step().train;
    lesson_ = std::move(fresh);
    ticks_ = std::move(ticks);
    reload_error.clear();
    relabel_runs();
    index_ = i;
    entry_version_++;
    if (!same_index) {
        begin_step(run, false);
        return;
    }
    // the step's action may have changed: its target and budgets count from the same start
    const TrainAction& a = step().train;
    if (a.kind != old_action.kind || a.steps != old_action.steps || a.until.describe() != old_action.until.describe()) {
        target_ = train_target(a, start_);
        const bool same_until = old_action.kind == TrainAction::Until && a.until.describe() == old_action.until.describe();
        until_met_ = a.kind != TrainAction::Until || (same_until && until_met_);  // else re-checked at the next snapshot
    }
    budget_end_ = target_;
    for (const Observation& o : step().watch_for) budget_end_ = std::max(budget_end_, limit_of(o));
    if (phase_ == StepPhase::Training && run.step() >= budget_end_) {
        run.post(CommandKind::Pause);
        phase_ = StepPhase::Done;
        done_at_ = run.step();
    }
}

void LessonPlayer::retranslate(std::shared_ptr<const Lesson> fresh, RunView& run) {
    if (!fresh || !active()) return;
    bool aligned = fresh->steps.size() == lesson_->steps.size();
    for (size_t k = 0; aligned && k < fresh->steps.size(); k++)
        aligned = fresh->steps[k].watch_for.size() == lesson_->steps[k].watch_for.size() &&
                  runs_key(fresh->steps[k].runs) == runs_key(lesson_->steps[k].runs);
    if (!aligned) {  // not the same lesson in other words (the file changed meanwhile): a hot reload
        reload(std::move(fresh), run);
        return;
    }
    lesson_ = std::move(fresh);  // same step, same run, same ticks: only the words change
    relabel_runs();
}

void LessonPlayer::relabel_runs() {
    if (!set_ || !set_->comparing() || !active()) return;
    const std::vector<RunVariant>& v = step().runs;
    if (v.size() != set_->size() || runs_key(v) != runs_key_) return;
    set_->primary_label = v[0].label;
    for (size_t k = 1; k < v.size(); k++) set_->companions[k - 1]->label = v[k].label;
}

// ============================================================================ [SECTION] Status for the step view

namespace {

std::string action_text(const TrainAction& a, int target) {
    char buf[200];
    switch (a.kind) {
        case TrainAction::None: return "";
        case TrainAction::ToStep: std::snprintf(buf, sizeof buf, tr("trains to step %d"), target); return buf;
        case TrainAction::ForSteps: std::snprintf(buf, sizeof buf, tr("trains %d steps (to step %d)"), a.steps, target); return buf;
        case TrainAction::Until:
            std::snprintf(buf, sizeof buf, tr("trains until %s (at most %d steps)"), a.until.describe().c_str(), a.steps);
            return buf;
    }
    return "";
}

}  // namespace

std::string LessonPlayer::status(const RunView& run) const {
    if (!active()) return "";
    const LessonStep& st = step();
    const int now = run.step();
    char buf[300];
    const std::string action = action_text(st.train, target_);
    switch (phase_) {
        case StepPhase::Pretraining:
            std::snprintf(buf, sizeof buf, tr("Preparing the model: step %d of %d"), now, lesson_->pretrain_steps);
            return buf;
        case StepPhase::Settling: return tr("Pausing the run, then this step's training starts.");
        case StepPhase::Training:
            if (now >= target_ && budget_end_ > target_) {
                std::snprintf(buf, sizeof buf, tr("Training on to step %d while a promise is still open: step %d"), budget_end_, now);
                return buf;
            }
            std::snprintf(buf, sizeof buf, tr("This step %s: step %d"), action.c_str(), now);
            return buf;
        case StepPhase::Paused:
            std::snprintf(buf, sizeof buf, tr("Paused at step %d; Space goes on (this step %s)."), now, action.c_str());
            return buf;
        case StepPhase::Done: {
            if (!run.valid() || !run.snap->error.empty()) return tr("The run stopped: see the Training panel.");
            const char* on = now > done_at_ ? "" : tr(" Space trains on.");
            if (st.train.kind == TrainAction::Until) {
                if (until_met_)
                    std::snprintf(buf, sizeof buf, tr("Reached %s: trained from step %d to %d.%s"), st.train.until.describe().c_str(),
                                  start_, done_at_, on);
                else
                    std::snprintf(buf, sizeof buf, tr("%s was not reached in %d steps (%d to %d).%s"),
                                  st.train.until.describe().c_str(), st.train.steps, start_, done_at_, on);
            } else {
                std::snprintf(buf, sizeof buf, tr("Trained from step %d to %d.%s"), start_, done_at_, on);
            }
            if (now > done_at_) {
                char more[160];
                std::snprintf(more, sizeof more, run.playing() ? tr(" Training on freely: step %d.") : tr(" Now at step %d."), now);
                return std::string(buf) + more;
            }
            return buf;
        }
        case StepPhase::Idle:
            if (run.playing()) return tr("Training freely: Space pauses.");
            if (st.train.kind == TrainAction::None) return tr("The run waits: press Space to train.");
            std::snprintf(buf, sizeof buf, tr("The run waits at step %d: press Space to train."), now);
            return buf;
    }
    return "";
}

float LessonPlayer::progress(const RunView& run) const {
    if (!active() || step().train.kind == TrainAction::None) return -1;
    if (phase_ == StepPhase::Idle || phase_ == StepPhase::Settling || phase_ == StepPhase::Pretraining) return -1;
    if (phase_ == StepPhase::Done) return 1;
    const int span = std::max(1, budget_end_ - start_);
    return std::clamp((float)(run.step() - start_) / span, 0.0f, 1.0f);
}

}  // namespace noam::viz
