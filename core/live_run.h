// A run on a worker thread, for the window: the UI posts commands to a queue and reads immutable snapshots
// (published by swapping a shared_ptr under a mutex) and the step history (appended, read by index).
// The UI thread never waits for a training step. No GUI code here.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "replay_log.h"
#include "snapshot.h"
#include "trainer.h"

namespace noam {

enum class CommandKind { Play, Pause, StepOnce, StepN, StepTo, Reset, SetLrScale, SetStepsPerTick, SetMaxStepsPerSecond, WatchParam, SaveRun, Quit };

struct Command {
    CommandKind kind;
    // StepN: n; StepTo: train until the run's step is this (side-by-side runs stay level); Reset: seed;
    // SetLrScale: multiplier; SetStepsPerTick: steps between snapshots;
    // SetMaxStepsPerSecond: a speed limit for watching slowly (0: as fast as the CPU goes);
    // WatchParam: the parameter index whose second moment the snapshots carry (-1: none; kept across resets);
    // SaveRun: value is the request number (LiveRun::save)
    double value = 0;
    std::string dir = "", name = "";  // SaveRun: into the folder dir as name-stepN.noamrun (free_run_path: never over a file)
};

// What became of a SaveRun request, reported back by the worker.
struct SaveResult {
    int request = 0;    // LiveRun::save's number (0: nothing saved yet)
    bool ok = false;
    std::string path;   // the file written
    int step = 0;       // the step it holds
    std::string error;  // one line, when !ok
};

class LiveRun {
public:
    // Builds the trainer on the calling thread (so config errors surface here, as exceptions),
    // then starts the worker, paused unless play is true.
    // lockstep: see lockstep_release()
    LiveRun(const RunConfig& cfg, bool play, bool lockstep = false);
    // A run loaded from a file (load_run): it continues from its saved step, with its history and replay log.
    LiveRun(std::unique_ptr<Trainer> loaded, ReplayLog replay, bool play);
    ~LiveRun();  // stops and joins the worker
    LiveRun(const LiveRun&) = delete;
    LiveRun& operator=(const LiveRun&) = delete;

    void post(Command c);
    std::shared_ptr<const Snapshot> snapshot() const;
    // copies history entries [from, end) into out (appending); returns the new end
    size_t read_history(size_t from, std::vector<StepRecord>& out) const;
    size_t history_size() const;
    const RunConfig& config() const { return cfg_; }
    // static facts about the model (never changed after construction)
    const ModelSummary& summary() const { return summary_; }
    // token_text(id) for every id of the data's tokenizer (the model's vocabulary may be larger)
    const std::vector<std::string>& vocab_labels() const { return vocab_labels_; }
    uint64_t seed() const { return seed_.load(); }
    int generation() const { return generation_.load(); }

    // Lockstep (`noamlab render`): the worker takes the queued commands and trains one tick only when the window
    // releases it, once per frame after the frame's commands are posted, and the window waits for that tick's
    // snapshot before its next frame. Every snapshot is then seen and every command lands between the same two
    // ticks, however fast either thread runs: the window decides the same things at the same steps every time.
    void lockstep_release();
    void lockstep_wait();  // until the work of the last release is done (its snapshot published)
    // ---- saving and replay
    // Asks the worker to save the run between two steps (with its replay log) into dir as name-stepN.noamrun,
    // once the steps asked for before (Step N, Step once) are done; returns the request number that last_save()
    // reports when it is done.
    int save(const std::string& dir, const std::string& name);
    SaveResult last_save() const;
    // The kept pictures (shared, never changed) and their spacing K; replay_version() changes when they do.
    std::vector<std::shared_ptr<const ReplayFrame>> replay_frames(int* every) const;
    uint64_t replay_version() const { return replay_version_.load(); }

private:
    void start(bool play);
    void worker();
    void publish(double sample_every_seconds, double elapsed_seconds);
    void after_step();  // the batch fingerprint, and a kept picture when one is due
    void keep_replay_frame();
    void save_now(const Command& c);

    RunConfig cfg_;
    std::unique_ptr<Trainer> trainer_;            // owned by the worker thread after start
    ModelSummary summary_;
    std::vector<std::string> vocab_labels_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool lockstep_ = false;                                  // under mu_
    uint64_t released_ = 0, done_ = 0;                       // lockstep: releases given, and worked through
    std::condition_variable done_cv_;
    std::deque<Command> queue_;
    std::shared_ptr<const Snapshot> snap_;
    std::vector<StepRecord> history_;
    ReplayLog replay_;                                       // written by the worker under mu_
    std::atomic<uint64_t> replay_version_{0};
    SaveResult last_save_;                                   // under mu_
    std::atomic<int> save_requests_{0};
    std::atomic<uint64_t> seed_{1};
    std::atomic<int> generation_{0};
    bool playing_ = false;                                   // worker thread only
    int watched_param_ = -1;                                 // worker thread only
    std::chrono::steady_clock::time_point last_sample_{};   // worker thread only
    std::thread thread_;
};

}  // namespace noam
