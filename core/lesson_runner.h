// Plays a lesson without a window: applies each step's settings, trains as the step says, and records when
// each "watch for" observation becomes true. `noamlab lesson run` and the lesson tests use it; the window's
// player follows the same rules on its live run.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lesson.h"
#include "lesson_metrics.h"

namespace noam {

struct ObservationResult {
    std::string text, condition;
    bool met = false;
    int met_at_step = -1;   // the run's step when it first held
    double last_value = 0;  // the metric's value at the last check
};

struct StepResult {
    std::string title;
    int start_step = 0, end_step = 0;
    bool train_target_met = true;  // for "until" actions
    std::vector<ObservationResult> observations;
};

struct LessonRunResult {
    std::vector<StepResult> steps;
    std::string error;   // the run stopped itself (diverged) or could not be built
    bool ok() const;     // no error, every observation met, every "until" met
};

// The config a step runs with, given the config before it (applies its "set").
RunConfig step_config(const RunConfig& before, const LessonStep& step, const std::string& where);

// The config of a side-by-side run: the primary run's config with the variant's settings.
RunConfig variant_config(const RunConfig& primary, const RunVariant& v, const std::string& where);

// The run's step at which a step's training action is done, from the step it started at.
int train_target(const TrainAction& a, int start_step);

// log receives one line per event (may be null).
LessonRunResult run_lesson_headless(const Lesson& lesson, const std::function<void(const std::string&)>& log);

}  // namespace noam
