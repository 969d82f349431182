// Panel "Lesson" (the step view): the lesson's paper and title, the step's title and counter ("Step 2 / 4"),
// its narrative in large type, the "watch for" list (an empty box that becomes a green tick, with the step it
// happened at), the knobs (sliders, choice buttons; locked ones disabled, hidden ones absent), the
// known-good settings, an inline "This restarts the run. Restart?" confirmation, the errors (a knob's, and a
// red panel when the lesson file on disk does not load), and the navigation bar (Previous, Train / Pause,
// Next, and what the arrow keys do). Navigation is returned to the caller (the app also moves the stepper);
// knob changes go straight to the LessonPlayer.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lesson_player.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct LessonStepPanel {
    struct Pending {  // a change that restarts the run, waiting for the answer
        std::vector<std::pair<std::string, nlohmann::json>> settings;
        std::string path;   // where the settings come from in the lesson file (for messages)
        std::string what;   // "heads per layer = 8"
        int knob = -1;      // the knob whose new value is shown until the answer (-1: a known-good button)
    };
    std::optional<Pending> pending;
    int editing = -1;       // the slider being dragged
    double draft = 0;       // its value
    uint64_t seen_entry = ~0ull;
    const Lesson* seen_lesson = nullptr;  // the lesson text whose characters were requested (a language switch changes it)

    struct Actions {
        bool prev = false, next = false, restart = false, toggle_play = false, show_list = false, next_lesson = false;
    };
    // list_shown: the lesson list is on screen (else a button brings it back); stepper_shown: the step shows the
    // forward-pass stepper (the arrow keys walk it first); has_next_lesson: the last step offers the next lesson.
    Actions Draw(LessonPlayer& player, RunView& run, UiContext& ui, bool list_shown, bool stepper_shown,
                 bool has_next_lesson);
    // The config a pending or dragged change would give (the schedule panel draws it); false when none.
    bool preview(const LessonPlayer& player, RunConfig& out) const;

private:
    void request(LessonPlayer& player, RunView& run, Pending p);
    void draw_knobs(LessonPlayer& player, RunView& run, UiContext& ui);
    void draw_watch_for(const LessonPlayer& player, UiContext& ui);
};

// How a setting's value reads on a button: on / off for booleans, numbers without trailing zeros.
std::string knob_value_label(const nlohmann::json& v);

}  // namespace noam::viz
