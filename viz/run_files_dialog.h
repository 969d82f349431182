// File > Save run (Ctrl+S) and File > Open run (Ctrl+O): saved runs (.noamrun, core/checkpoint.h) in the runs
// folder. Saving goes through each run's worker (LiveRun::save: between two steps, never over a file); opening
// is a small modal listing the folder's runs with a path field (there is no native file dialog).
#pragma once
#include <string>
#include <vector>

#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct RunFilesDialog {
    std::string runs_dir = "noamlab-runs";  // --runs-dir

    // Asks every run of the set to save itself: the primary as STEM-stepN.noamrun, side-by-side runs with their
    // label too (STEM-LABEL-stepN.noamrun). stem: the lesson's id or the run's task.
    void save(RunSet& runs, const std::string& stem);
    bool saving() const { return !pending_.empty(); }
    // Once per frame: the saves the workers have finished. Returns a line for the status ("saved PATH, PATH")
    // or "" while nothing finished; a failed save sets error.
    std::string poll();

    // The Open run modal
    void request_open();       // shows it (next DrawOpen), listing the folder again
    bool open_shown() const { return shown_; }
    void key_up_down(int delta);  // the selection (keys reach the app, not the modal's widgets, under --keys)
    void confirm() { confirm_ = true; }
    void close() { shown_ = want_show_ = false; }
    // Draws the modal when shown; returns the path to open when one was chosen (Open, Enter, double click).
    std::string DrawOpen(UiContext& ui);

    // the last failed save or open: one line, shown in red in the modal and in the menu bar until the next success
    std::string error;

private:
    struct Pending {
        RunView* view;
        int request;
    };
    std::vector<Pending> pending_;
    std::vector<std::string> saved_;  // paths of the saves of the last request
    bool want_show_ = false, shown_ = false, confirm_ = false;
    std::vector<std::string> files_;
    int selected_ = 0;
    char path_[1024] = "";
};

}  // namespace noam::viz
