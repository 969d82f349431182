// Panel "Lessons": every lesson of the folder, grouped by paper (title and year), each with its minutes and
// progress (steps seen this session / steps); the open one highlighted; click to open. A file that does not
// load is listed with its one-line error in red (the app never stops over a bad file).
#pragma once
#include <string>

#include "lesson_library.h"
#include "ui_context.h"

namespace noam::viz {

struct LessonListPanel {
    // Returns the index of the entry clicked this frame (a lesson that loads), or -1.
    // open_key: LessonEntry::key of the lesson being played ("" for none). show: cleared by the hide button.
    int Draw(const LessonLibrary& library, const std::string& open_key, UiContext& ui, bool* show);
};

}  // namespace noam::viz
