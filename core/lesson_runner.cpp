// The headless lesson player.
#include "lesson_runner.h"

#include <cmath>
#include <sstream>

namespace noam {

bool LessonRunResult::ok() const {
    if (!error.empty()) return false;
    for (const auto& s : steps) {
        if (!s.train_target_met) return false;
        for (const auto& o : s.observations)
            if (!o.met) return false;
    }
    return true;
}

RunConfig step_config(const RunConfig& before, const LessonStep& step, const std::string& where) {
    RunConfig c = before;
    for (const auto& [setting, value] : step.set) c = with_setting(c, setting, value, where, "/set/" + setting);
    return c;
}

int train_target(const TrainAction& a, int start_step) {
    switch (a.kind) {
        case TrainAction::None: return start_step;
        case TrainAction::ToStep: return std::max(a.steps, start_step);
        case TrainAction::ForSteps:
        case TrainAction::Until: return start_step + a.steps;
    }
    return start_step;
}

static std::string fmt(double x) {
    std::ostringstream s;
    s.precision(4);
    s << x;
    return s.str();
}

LessonRunResult run_lesson_headless(const Lesson& lesson, const std::function<void(const std::string&)>& log) {
    auto say = [&](const std::string& s) {
        if (log) log(s);
    };
    LessonRunResult result;
    RunConfig cfg = lesson.run;
    // a lesson runs as long as its steps ask: the config's step count only shapes schedules
    std::unique_ptr<Trainer> tr = std::make_unique<Trainer>(cfg);
    Snapshot snap;
    for (int i = 0; i < lesson.pretrain_steps; i++)
        if (!tr->step()) {
            result.error = tr->error;
            return result;
        }
    for (size_t si = 0; si < lesson.steps.size(); si++) {
        const LessonStep& step = lesson.steps[si];
        StepResult sr;
        sr.title = step.title;
        if (step.reset) {
            cfg = step_config(cfg, step, lesson.file);
            tr = std::make_unique<Trainer>(cfg);
            say("step " + std::to_string(si + 1) + ": run reset" + (step.set.empty() ? "" : " with new settings"));
        }
        sr.start_step = tr->step_count;
        const int target = train_target(step.train, sr.start_step);
        int budget_end = target;  // observations may ask for more steps than the action trains
        for (const Observation& o : step.watch_for) {
            budget_end = std::max(budget_end, sr.start_step + (o.within_steps > 0 ? o.within_steps : target - sr.start_step));
            sr.observations.push_back({o.text, o.when.describe()});
        }
        bool until_met = step.train.kind != TrainAction::Until;
        // check conditions now, then every few steps while training
        auto check = [&]() {
            capture_watched(*tr, snap);
            bool all = true;
            for (size_t k = 0; k < step.watch_for.size(); k++) {
                const Observation& o = step.watch_for[k];
                ObservationResult& r = sr.observations[k];
                r.last_value = metric_value(o.when, snap, tr->history);
                const int limit = sr.start_step + (o.within_steps > 0 ? o.within_steps : target - sr.start_step);
                const bool may_check = !o.at_end || tr->step_count >= std::max(limit, target);
                if (!r.met && may_check && tr->step_count <= std::max(limit, target) && condition_holds(o.when, snap, tr->history)) {
                    r.met = true;
                    r.met_at_step = tr->step_count;
                    say("  ✓ " + o.text + " (" + r.condition + ", at step " + std::to_string(tr->step_count) + ")");
                }
                all = all && (r.met || tr->step_count >= limit);
            }
            if (!until_met && condition_holds(step.train.until, snap, tr->history)) until_met = true;
            return all;
        };
        bool observations_done = check();
        const int check_every = std::max(1, std::min(10, cfg.train.eval_every));
        while (tr->step_count < budget_end) {
            const bool action_done = tr->step_count >= target || (step.train.kind == TrainAction::Until && until_met);
            if (action_done && observations_done) break;
            if (!tr->step()) {
                result.error = tr->error;
                break;
            }
            if (tr->step_count % check_every == 0 || tr->step_count == budget_end) observations_done = check();
        }
        if (result.error.empty()) check();
        sr.train_target_met = until_met;
        sr.end_step = tr->step_count;
        std::string line = "step " + std::to_string(si + 1) + "/" + std::to_string(lesson.steps.size()) + " \"" + step.title +
                           "\": trained " + std::to_string(sr.start_step) + " -> " + std::to_string(sr.end_step);
        if (step.train.kind == TrainAction::Until)
            line += until_met ? ", reached " + step.train.until.describe() : ", NOT reached " + step.train.until.describe();
        say(line);
        for (const auto& o : sr.observations)
            if (!o.met) say("  ✗ " + o.text + " (" + o.condition + "; last value " + fmt(o.last_value) + ")");
        result.steps.push_back(sr);
        if (!result.error.empty()) {
            say("  run stopped: " + result.error);
            break;
        }
    }
    return result;
}

}  // namespace noam
