// Panel "Setup": the task (copy, reverse, sort, recall, induction, text from a corpus or the user's file),
// the model's size knobs and the paper-vs-practice switches. "Apply" builds a new run from the edited
// config; any error (bad sizes, an empty / binary / unreadable file) is shown here and the old run goes on.
#pragma once
#include <string>

#include "config.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct SetupPanel {
    RunConfig draft;
    bool have_draft = false;
    uint64_t draft_run_id = ~0ull;
    int corpus_choice = 0;        // 0 literature, 1 tang300, 2 a file path
    std::string corpus_path;
    std::string error;            // from the last Apply
    std::string applied_note;     // "Applied: ..." after a successful Apply
    bool play_after_apply = true;

    void Draw(RunView& run, UiContext& ui);
    // Checks the knobs the core's parser would reject, with the same kind of message; "" when fine.
    static std::string check(const RunConfig& c);
    void apply(RunView& run);
    RunConfig effective() const;  // the draft with the corpus choice filled in

private:
    void take(const RunConfig& c);
};

}  // namespace noam::viz
