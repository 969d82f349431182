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

#include "snapshot.h"
#include "trainer.h"

namespace noam {

enum class CommandKind { Play, Pause, StepOnce, StepN, StepTo, Reset, SetLrScale, SetStepsPerTick, SetMaxStepsPerSecond, WatchParam, Quit };

struct Command {
    CommandKind kind;
    // StepN: n; StepTo: train until the run's step is this (side-by-side runs stay level); Reset: seed;
    // SetLrScale: multiplier; SetStepsPerTick: steps between snapshots;
    // SetMaxStepsPerSecond: a speed limit for watching slowly (0: as fast as the CPU goes);
    // WatchParam: the parameter index whose second moment the snapshots carry (-1: none; kept across resets)
    double value = 0;
};

class LiveRun {
public:
    // Builds the trainer on the calling thread (so config errors surface here, as exceptions),
    // then starts the worker, paused unless play is true.
    // lockstep: see lockstep_release()
    LiveRun(const RunConfig& cfg, bool play, bool lockstep = false);
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

private:
    void worker();
    void publish(double sample_every_seconds, double elapsed_seconds);

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
    std::atomic<uint64_t> seed_{1};
    std::atomic<int> generation_{0};
    bool playing_ = false;                                   // worker thread only
    int watched_param_ = -1;                                 // worker thread only
    std::chrono::steady_clock::time_point last_sample_{};   // worker thread only
    std::thread thread_;
};

}  // namespace noam
