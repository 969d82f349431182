// The window's side of a LiveRun: owns it, takes the latest snapshot once per frame, copies the new
// history entries and keeps them as plot-ready columns. Nothing here waits for the trainer.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "live_run.h"

namespace noam::viz {

struct RunView {
    std::unique_ptr<LiveRun> live;
    std::shared_ptr<const Snapshot> snap;   // this frame's snapshot (immutable)
    uint64_t snapshot_version = 0;          // +1 whenever snap is a new one
    uint64_t run_id = 0;                    // +1 for every new LiveRun (Apply in the setup panel)
    int generation = -1;                    // the LiveRun's reset counter we have seen
    std::string start_error;                // why the last start() failed ("" if it did not)
    uint64_t history_version = 0;           // +1 whenever the history restarts (new run, reset)

    // history as columns (every step)
    std::vector<StepRecord> history;
    std::vector<float> steps, loss, accuracy, lr, grad_norm;
    // validation, only at the steps where it ran
    std::vector<float> val_steps, val_loss, val_accuracy;

    // Builds a new LiveRun from cfg; on an exception (ConfigError, invalid_argument ...) keeps the current
    // run, stores the message in start_error and returns false.
    bool start(const RunConfig& cfg, bool play);
    bool lockstep = false;                  // runs started from now train in lockstep with the frames (LiveRun)
    // A run loaded from a file (checkpoint.h load_run): continues from its saved step with its history and
    // replay log. Cannot fail (load_run has made every check).
    void start_loaded(std::unique_ptr<Trainer> loaded, ReplayLog replay, bool play);
    // The weight matrix whose second moment the snapshots carry (for the second-moment picture; "" none).
    // The current run is asked at once (CommandKind::WatchParam), and every run started later before its first
    // step, so Adafactor's exact V of that matrix is exact from step 0.
    void watch_param(const std::string& name);
    std::string watched_param;
    // Once per frame, before drawing.
    void refresh();
    // to this run and to its followers (side-by-side runs: see run_set.h)
    void post(CommandKind k, double value = 0);
    std::vector<RunView*> followers;

    bool valid() const { return live && snap; }
    bool playing() const { return snap && snap->playing; }
    // the step moved within the last half second (playing, or working through Step N)
    bool training_now() const;
    int step() const { return snap ? snap->step : 0; }
    bool finished() const { return snap && snap->total_steps > 0 && snap->step >= snap->total_steps; }
    // mean tokens per second over the last steps (0 before the first)
    double tokens_per_second() const;
    const RunConfig& config() const { return live->config(); }

private:
    void adopt(std::unique_ptr<LiveRun> next);
    void clear_history();
    void post_watch();
    uint64_t watch_posted_run_ = ~0ull;  // the run and the name last asked for
    std::string watch_posted_;
    int last_step_ = -1;
    std::chrono::steady_clock::time_point last_step_change_{};
};

}  // namespace noam::viz
