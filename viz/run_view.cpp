// RunView: snapshot and history bookkeeping for the panels.
#include "run_view.h"

#include <algorithm>
#include <exception>

namespace noam::viz {

bool RunView::start(const RunConfig& cfg, bool play) {
    std::unique_ptr<LiveRun> next;
    try {
        next = std::make_unique<LiveRun>(cfg, play, lockstep);  // builds data + model here: errors throw now
    } catch (const std::exception& e) {
        start_error = e.what();
        return false;
    }
    adopt(std::move(next));
    return true;
}

void RunView::start_loaded(std::unique_ptr<Trainer> loaded, ReplayLog replay, bool play) {
    adopt(std::make_unique<LiveRun>(std::move(loaded), std::move(replay), play));
}

void RunView::adopt(std::unique_ptr<LiveRun> next) {
    live = std::move(next);  // the old run's destructor joins its worker
    start_error.clear();
    run_id++;
    generation = -1;
    snap.reset();
    clear_history();
    refresh();
    post_watch();  // before anyone else's command: before the first step
}

void RunView::watch_param(const std::string& name) {
    watched_param = name;
    post_watch();
}

void RunView::post_watch() {
    if (!live || !snap || (watch_posted_run_ == run_id && watch_posted_ == watched_param)) return;
    int index = -1;  // "" or a name that is not a matrix of this model: watch none
    const auto& tensors = snap->optimizer_memory.tensors;
    for (size_t i = 0; i < tensors.size(); i++)
        if (tensors[i].param == watched_param && tensors[i].shape.size() == 2) index = (int)i;
    post(CommandKind::WatchParam, index);
    watch_posted_run_ = run_id;
    watch_posted_ = watched_param;
}

void RunView::clear_history() {
    history_version++;
    history.clear();
    steps.clear();
    loss.clear();
    accuracy.clear();
    lr.clear();
    grad_norm.clear();
    val_steps.clear();
    val_loss.clear();
    val_accuracy.clear();
}

void RunView::refresh() {
    if (!live) return;
    auto s = live->snapshot();
    if (s != snap) {
        snap = std::move(s);
        snapshot_version++;
        if (snap && snap->step != last_step_) {
            last_step_ = snap->step;
            last_step_change_ = std::chrono::steady_clock::now();
        }
    }
    // a reset restarts the history at index 0
    const int gen = live->generation();
    if (gen != generation) {
        generation = gen;
        clear_history();
    }
    const size_t before = history.size();
    const size_t end = live->read_history(before, history);
    bool restart = end < before;  // the run was reset between our two reads
    for (size_t i = before; i < history.size() && !restart; i++)
        if (i > 0 && history[i].step != history[i - 1].step + 1) restart = true;
    if (restart) {
        clear_history();
        live->read_history(0, history);
    }
    for (size_t i = steps.size(); i < history.size(); i++) {
        const StepRecord& r = history[i];
        steps.push_back((float)r.step);
        loss.push_back(r.loss);
        accuracy.push_back(r.accuracy);
        lr.push_back(r.lr);
        grad_norm.push_back(r.grad_norm);
        if (r.val_loss >= 0) {
            val_steps.push_back((float)r.step);
            val_loss.push_back(r.val_loss);
            val_accuracy.push_back(r.val_accuracy);
        }
    }
}

void RunView::post(CommandKind k, double value) {
    if (live) live->post({k, value});
    for (RunView* f : followers) f->post(k, value);
}

bool RunView::training_now() const {
    if (playing()) return true;
    return std::chrono::steady_clock::now() - last_step_change_ < std::chrono::milliseconds(500);
}

double RunView::tokens_per_second() const {
    const size_t n = std::min<size_t>(history.size(), 20);
    if (n == 0) return 0;
    double sum = 0;
    for (size_t i = history.size() - n; i < history.size(); i++) sum += history[i].tokens_per_sec;
    return sum / n;
}

}  // namespace noam::viz
