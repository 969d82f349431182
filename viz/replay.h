// The replay scrubber: while the run is paused, a cursor moves through the recorded history. The loss plot
// draws it with the values at its step; the attention and expert panels show the picture kept nearest to it
// (core/replay_log.h), marked "replay: step N (kept every K)" in the replay colour. Training resumes from the
// live end (Space): scrubbing never changes the run.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "line_plot.h"
#include "replay_log.h"
#include "run_set.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

// Amber: nothing else on the screen uses it, so a replayed picture is never taken for a live one.
constexpr ImU32 kReplayColor = IM_COL32(255, 176, 32, 255);

struct ReplayScrubber {
    bool active = false;         // scrubbing: the panels show kept pictures
    int cursor_step = 0;         // the step under the cursor
    int index = -1;              // the kept picture nearest it (into frames)
    int every = 1;               // K, the spacing of the kept pictures
    std::vector<std::shared_ptr<const ReplayFrame>> frames;

    // Once per frame, before the keys: new pictures; scrubbing ends when the run trains or is replaced.
    void refresh(RunView& run, bool paused);
    // Shift+Left / Shift+Right: one kept picture back / on (Shift+Left enters while paused); Home / End: the
    // first / last one; Escape: back to live. Space and the step keys end scrubbing and return false, so that they
    // go on to do what they do (train from the live end). True when the key was the scrubber's.
    bool handle_key(RunView& run, bool paused, int key, int mods);
    void enter(const RunView& run);
    void leave();
    void move(int delta);       // by kept pictures
    void to_step(int step);     // the cursor at a step (the slider)

    // Around the panels' drawing: each run's snap is its replayed snapshot in between (the live ones are put back
    // after). Side-by-side runs show their own pictures nearest the primary's picture step (they train level).
    void begin_draw(RunSet& runs);
    void end_draw(RunSet& runs);

    // The strip under the loss plot (shown while paused with pictures kept): a slider over the steps.
    bool shows_strip(const RunView& run) const;
    void DrawStrip(RunView& run, UiContext& ui);
    // The cursor on a plot of steps (the loss plot) with the run's values at its step.
    void DrawCursor(const RunView& run, const PlotResult& plot, UiContext& ui) const;
    // for --state-out: active, the cursor's step, the picture's step, K, how many are kept
    nlohmann::json state() const;

private:
    uint64_t seen_replay_version_ = ~0ull, seen_run_id_ = ~0ull;
    int seen_generation_ = -1;
    bool paused_ = false;
    // per run of the set: the snapshot shown while scrubbing, what it was built from, the live one it replaces
    struct Shown {
        std::shared_ptr<const Snapshot> snap;
        const ReplayFrame* frame = nullptr;
        uint64_t from = ~0ull;                      // the run's snapshot_version of the live snapshot it copies
        uint64_t version = uint64_t(1) << 62;       // a version of its own, for the panels' texture caches
        std::shared_ptr<const Snapshot> live;
        uint64_t live_version = 0;
    };
    std::vector<Shown> shown_;
};

// "replay: step N (kept every K)" in the replay colour and a frame of that colour around the window, when s is a
// replayed snapshot; nothing otherwise. Panels that draw kept pictures call it at their top.
void draw_replay_banner(const Snapshot& s, const UiContext& ui);

}  // namespace noam::viz
