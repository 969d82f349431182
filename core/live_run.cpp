// LiveRun: the worker thread that trains while the window draws.
#include "live_run.h"

#include <chrono>

#include "checkpoint.h"
#include "run_files.h"

namespace noam {

using Clock = std::chrono::steady_clock;

LiveRun::LiveRun(const RunConfig& cfg, bool play, bool lockstep) : cfg_(cfg), lockstep_(lockstep) {
    // Two cores: one trains, the other draws the window (Mesa's software renderer needs it). An OpenMP team
    // of two beside a busy UI thread spins at its barriers and trains slower than one thread.
    if (cfg_.train.threads == 0) cfg_.train.threads = 1;
    trainer_ = std::make_unique<Trainer>(cfg_);  // config errors throw here, on the caller's thread
    start(play);
}

LiveRun::LiveRun(std::unique_ptr<Trainer> loaded, ReplayLog replay, bool play) : cfg_(loaded->cfg) {
    if (cfg_.train.threads == 0) cfg_.train.threads = loaded->cfg.train.threads = 1;  // as above
    trainer_ = std::move(loaded);
    history_ = trainer_->history;
    replay_ = std::move(replay);
    start(play);
}

void LiveRun::start(bool play) {
    summary_ = summarize(*trainer_->model);
    const CharTokenizer& tok = trainer_->data->tokenizer();
    for (int id = 0; id < tok.size(); id++) vocab_labels_.push_back(tok.token_text(id));
    seed_ = cfg_.train.seed;
    playing_ = play;
    if (replay_.due(trainer_->step_count)) keep_replay_frame();  // the pictures before the first step (or of the loaded one)
    publish(0.0, 0.0);
    thread_ = std::thread([this] { worker(); });
}

LiveRun::~LiveRun() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        lockstep_ = false;  // the worker no longer waits for a release
    }
    post({CommandKind::Quit});
    if (thread_.joinable()) thread_.join();
}

void LiveRun::post(Command c) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.push_back(c);
    }
    cv_.notify_one();
}

void LiveRun::lockstep_release() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        released_++;
    }
    cv_.notify_one();
}

void LiveRun::lockstep_wait() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return !lockstep_ || done_ == released_; });
}

std::shared_ptr<const Snapshot> LiveRun::snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return snap_;
}

size_t LiveRun::read_history(size_t from, std::vector<StepRecord>& out) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = from; i < history_.size(); i++) out.push_back(history_[i]);
    return history_.size();
}

size_t LiveRun::history_size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return history_.size();
}

int LiveRun::save(const std::string& dir, const std::string& name) {
    const int request = ++save_requests_;
    Command c{CommandKind::SaveRun, (double)request};
    c.dir = dir;
    c.name = name;
    post(c);
    return request;
}

SaveResult LiveRun::last_save() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_save_;
}

std::vector<std::shared_ptr<const ReplayFrame>> LiveRun::replay_frames(int* every) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (every) *every = replay_.every;
    return replay_.frames;
}

// Worker thread: a forward pass of the watched example for the pictures, kept in the replay log.
void LiveRun::keep_replay_frame() {
    Snapshot s;
    capture_watched(*trainer_, s);
    auto f = std::make_shared<const ReplayFrame>(replay_frame_from(s));
    std::lock_guard<std::mutex> lock(mu_);
    replay_.keep(std::move(f));
    replay_version_++;
}

void LiveRun::after_step() {
    replay_.record_batch(trainer_->step_count, batch_fingerprint(trainer_->batch));  // the worker's own: no lock
    if (replay_.due(trainer_->step_count)) keep_replay_frame();
}

// Worker thread, between steps: the trainer and the replay log are consistent here.
void LiveRun::save_now(const Command& c) {
    SaveResult res;
    res.request = (int)c.value;
    res.step = trainer_->step_count;
    try {
        res.path = free_run_path(c.dir, c.name + "-step" + std::to_string(trainer_->step_count));
        save_run(*trainer_, res.path, {}, &replay_);
        res.ok = true;
    } catch (const std::exception& e) {
        res.error = e.what();
    }
    std::lock_guard<std::mutex> lock(mu_);
    last_save_ = res;
}

// Builds a new snapshot on the worker thread (the watched example's forward pass and, every few seconds,
// a generated sample), then swaps it in under the lock.
void LiveRun::publish(double sample_every_seconds, double elapsed_seconds) {
    Trainer& tr = *trainer_;
    auto s = std::make_shared<Snapshot>();
    capture_watched(tr, *s);
    s->playing = playing_;
    s->generation = generation_;
    const Batch& w = tr.data->watched();
    const CharTokenizer& tok = tr.data->tokenizer();
    // keep the previous sample unless it is time for a new one
    std::shared_ptr<const Snapshot> prev = snapshot();
    const bool due = !prev || prev->sample_step < 0 || prev->generation != s->generation ||
                     std::chrono::duration<double>(Clock::now() - last_sample_).count() >= sample_every_seconds;
    if (due) {
        // prompt: the watched example up to its first scored position (the question of a task),
        // or its first 16 characters for text; the model writes the rest, greedily for tasks
        int first = 0;
        while (first < w.T && w.targets[first] < 0) first++;
        const bool text = tr.data->scores_all_positions();
        const int prompt_len = text ? std::min(16, w.T) : std::min(first + 1, w.T);
        std::vector<int> prompt(w.tokens.begin(), w.tokens.begin() + prompt_len);
        Rng rng(1000 + tr.step_count);
        const int n = text ? 120 : w.T + 1 - prompt_len;
        std::vector<int> out = tr.generate(prompt, n, text ? 0.8f : 0.0f, rng);
        s->sample_text = tok.decode(out);
        s->sample_step = tr.step_count;
        // [decoding panels] the weights the window decodes with: a copy, made here between training steps
        auto wcopy = std::make_shared<ModelWeights>();
        wcopy->cfg = tr.model->cfg;
        wcopy->values = tr.model->params.values;
        wcopy->step = tr.step_count;
        s->weights = std::move(wcopy);
        last_sample_ = Clock::now();
    } else {
        s->sample_text = prev->sample_text;
        s->sample_step = prev->sample_step;
        s->weights = prev->weights;
    }
    s->elapsed_seconds = elapsed_seconds;
    std::lock_guard<std::mutex> lock(mu_);
    snap_ = std::move(s);
}

void LiveRun::worker() {
    int pending = 0;            // steps asked for by StepOnce / StepN
    int steps_per_tick = 1;     // steps between snapshots
    double max_steps_per_second = 0;
    double elapsed = 0;
    uint64_t consumed = 0;      // lockstep: the releases taken
    const bool paced_by_frames = lockstep_;  // lockstep: no speed limit (set before this thread started)
    std::vector<Command> saves;  // SaveRun waits for the steps asked for before it (Step N, then Ctrl+S: step N saved)
    while (true) {
        if (pending == 0) {
            for (const Command& c : saves) save_now(c);
            saves.clear();
        }
        std::deque<Command> cmds;
        {
            std::unique_lock<std::mutex> lock(mu_);
            if (lockstep_) {
                done_ = consumed;  // the last release's work (commands, a tick, its snapshot) is done
                done_cv_.notify_all();
                cv_.wait(lock, [&] { return !lockstep_ || released_ > consumed; });
                consumed = released_;
            } else if (queue_.empty() && !playing_ && pending == 0) {
                cv_.wait(lock, [&] { return !queue_.empty(); });
            }
            cmds.swap(queue_);
        }
        bool changed = false;
        for (const Command& c : cmds) {
            switch (c.kind) {
                case CommandKind::Quit:
                    for (const Command& sc : saves) save_now(sc);  // a save asked for is kept, even at the window's close
                    return;
                case CommandKind::Play: playing_ = true; break;
                case CommandKind::Pause: playing_ = false; pending = 0; break;
                case CommandKind::StepOnce: pending += 1; break;
                case CommandKind::StepN: pending += (int)c.value; break;
                case CommandKind::StepTo: pending = std::max(0, (int)c.value - trainer_->step_count); break;
                case CommandKind::SetLrScale: trainer_->lr_scale = c.value; break;
                case CommandKind::SetStepsPerTick: steps_per_tick = std::max(1, (int)c.value); break;
                case CommandKind::SetMaxStepsPerSecond: max_steps_per_second = std::max(0.0, c.value); break;
                case CommandKind::SaveRun: saves.push_back(c); break;
                case CommandKind::WatchParam:
                    watched_param_ = (int)c.value;
                    trainer_->watch_param(watched_param_);
                    break;
                case CommandKind::Reset: {
                    RunConfig next = cfg_;
                    next.train.seed = (uint64_t)c.value;
                    const double lr_scale = trainer_->lr_scale;
                    trainer_ = std::make_unique<Trainer>(next);  // same config: cannot fail where the first did not
                    trainer_->lr_scale = lr_scale;
                    trainer_->watch_param(watched_param_);
                    seed_ = next.train.seed;
                    generation_++;
                    pending = 0;
                    elapsed = 0;
                    {
                        std::lock_guard<std::mutex> lock(mu_);
                        history_.clear();
                        replay_.clear();
                        replay_version_++;
                    }
                    keep_replay_frame();  // step 0 of the new run
                    break;
                }
            }
            changed = true;
        }
        if (!playing_ && pending == 0) {
            for (const Command& c : saves) save_now(c);
            saves.clear();
            if (changed) publish(0.0, elapsed);
            continue;
        }
        // a tick: up to steps_per_tick steps (or what is pending), then one snapshot
        const auto t0 = Clock::now();
        const int n = playing_ ? steps_per_tick : std::min(pending, steps_per_tick);
        std::vector<StepRecord> fresh;
        for (int i = 0; i < n; i++) {
            if (!trainer_->step()) {
                playing_ = false;
                pending = 0;
                break;
            }
            fresh.push_back(trainer_->history.back());
            after_step();
            if (pending > 0) pending--;
        }
        const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
        elapsed += dt;
        {
            std::lock_guard<std::mutex> lock(mu_);
            history_.insert(history_.end(), fresh.begin(), fresh.end());
        }
        publish(2.0, elapsed);
        if (max_steps_per_second > 0 && !fresh.empty() && !paced_by_frames) {
            const double want = fresh.size() / max_steps_per_second;
            const double spent = std::chrono::duration<double>(Clock::now() - t0).count();
            if (want > spent) {
                std::unique_lock<std::mutex> lock(mu_);
                cv_.wait_for(lock, std::chrono::duration<double>(want - spent), [&] { return !queue_.empty(); });
            }
        }
    }
}

}  // namespace noam
