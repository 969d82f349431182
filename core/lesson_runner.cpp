// The headless lesson player.
#include "lesson_runner.h"

#include <cmath>
#include <sstream>
#include <thread>

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

RunConfig variant_config(const RunConfig& primary, const RunVariant& v, const std::string& where) {
    RunConfig c = primary;
    for (const auto& [setting, value] : v.set) c = with_setting(c, setting, value, where, "/runs/" + v.label + "/set/" + setting);
    return c;
}

namespace {

// One of the runs the lesson trains (the primary, or a companion trained beside it).
struct HeadlessRun {
    std::string label;
    std::unique_ptr<Trainer> tr;
    Snapshot snap;
    bool stop_reported = false;
};

// Trains every run that has not stopped on to `to` (the primary first decides nothing: all train the same
// steps). Runs train on threads of their own when there are several (each trainer is independent and
// deterministic, so the result is the same as training them one after the other).
// The lesson's watched matrix (lesson_watched_matrix), kept by the trainer as the window's run keeps it.
void watch(Trainer& tr, const std::string& matrix) {
    if (matrix.empty()) return;
    const auto& ps = tr.model->params.params;
    for (size_t i = 0; i < ps.size(); i++)
        if (ps[i].name == matrix) tr.watch_param((int)i);
}

void train_runs_to(std::vector<HeadlessRun>& runs, int to) {
    auto advance = [to](Trainer& t) {
        while (t.step_count < to && !t.stopped())
            if (!t.step()) break;
    };
    if (runs.size() == 1) {
        advance(*runs[0].tr);
        return;
    }
    std::vector<std::thread> threads;
    for (HeadlessRun& r : runs) threads.emplace_back([&r, &advance] { advance(*r.tr); });
    for (auto& t : threads) t.join();
}

}  // namespace

LessonRunResult run_lesson_headless(const Lesson& lesson, const std::function<void(const std::string&)>& log) {
    auto say = [&](const std::string& s) {
        if (log) log(s);
    };
    LessonRunResult result;
    RunConfig cfg = lesson.run;
    // a lesson runs as long as its steps ask: the config's step count only shapes schedules
    const std::string matrix = lesson_watched_matrix(lesson);
    std::vector<HeadlessRun> runs(1);
    runs[0].tr = std::make_unique<Trainer>(cfg);
    watch(*runs[0].tr, matrix);
    train_runs_to(runs, lesson.pretrain_steps);
    if (runs[0].tr->stopped()) {
        result.error = runs[0].tr->error;
        return result;
    }
    for (size_t si = 0; si < lesson.steps.size(); si++) {
        const LessonStep& step = lesson.steps[si];
        StepResult sr;
        sr.title = step.title;
        if (step.reset) {
            cfg = step_config(cfg, step, lesson.file);
            runs.clear();
            runs.resize(std::max<size_t>(1, step.runs.size()));
            runs[0].tr = std::make_unique<Trainer>(cfg);
            for (size_t k = 0; k < step.runs.size(); k++) {
                runs[k].label = step.runs[k].label;
                if (k > 0) runs[k].tr = std::make_unique<Trainer>(variant_config(cfg, step.runs[k], lesson.file));
            }
            for (HeadlessRun& r : runs) watch(*r.tr, matrix);
            std::string what = step.set.empty() ? "" : " with new settings";
            if (runs.size() > 1) {
                what += ", " + std::to_string(runs.size()) + " runs side by side:";
                for (const auto& r : runs) what += " " + r.label;
            }
            say("step " + std::to_string(si + 1) + ": run reset" + what);
        }
        Trainer& primary = *runs[0].tr;
        sr.start_step = primary.step_count;
        const int target = train_target(step.train, sr.start_step);
        int budget_end = target;  // observations may ask for more steps than the action trains
        for (const Observation& o : step.watch_for) {
            budget_end = std::max(budget_end, sr.start_step + (o.within_steps > 0 ? o.within_steps : target - sr.start_step));
            sr.observations.push_back({o.text, o.when.describe()});
        }
        bool until_met = step.train.kind != TrainAction::Until;
        // check conditions now, then every few steps while training
        auto check = [&]() {
            std::vector<RunMetrics> metrics;
            for (HeadlessRun& r : runs) {
                capture_watched(*r.tr, r.snap);
                metrics.push_back({r.label, &r.snap, &r.tr->history});
                if (r.tr->stopped() && !r.stop_reported && &r != &runs[0]) {
                    r.stop_reported = true;
                    say("  run " + r.label + " stopped at step " + std::to_string(r.tr->step_count) + ": " + r.tr->error);
                }
            }
            const int now = primary.step_count;
            bool all = true;
            for (size_t k = 0; k < step.watch_for.size(); k++) {
                const Observation& o = step.watch_for[k];
                ObservationResult& r = sr.observations[k];
                r.last_value = metric_value(o.when, metrics);
                const int limit = sr.start_step + (o.within_steps > 0 ? o.within_steps : target - sr.start_step);
                const bool may_check = !o.at_end || now >= std::max(limit, target);
                if (!r.met && may_check && now <= std::max(limit, target) && condition_holds(o.when, metrics)) {
                    r.met = true;
                    r.met_at_step = now;
                    say("  ✓ " + o.text + " (" + r.condition + ", at step " + std::to_string(now) + ")");
                }
                all = all && (r.met || now >= limit);
            }
            if (!until_met && condition_holds(step.train.until, metrics)) until_met = true;
            return all;
        };
        bool observations_done = check();
        const int check_every = std::max(1, std::min(10, cfg.train.eval_every));
        while (primary.step_count < budget_end) {
            const bool action_done = primary.step_count >= target || (step.train.kind == TrainAction::Until && until_met);
            if (action_done && observations_done) break;
            // on to the next check: a multiple of check_every, or the budget's end
            const int next = std::min(budget_end, (primary.step_count / check_every + 1) * check_every);
            train_runs_to(runs, next);
            if (primary.stopped()) {
                result.error = primary.error;
                break;
            }
            observations_done = check();
        }
        if (result.error.empty()) check();
        sr.train_target_met = until_met;
        sr.end_step = primary.step_count;
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
