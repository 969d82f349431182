// The replay scrubber: state, keys, the swap of the drawn snapshot, the strip and the plot cursor.
#include "replay.h"

#include <algorithm>
#include <cstdio>

#include <GLFW/glfw3.h>

#include "i18n.h"
#include "theme.h"

namespace noam::viz {

// ==== state ====

void ReplayScrubber::refresh(RunView& run, bool paused) {
    paused_ = paused;
    if (!run.live) {
        leave();
        frames.clear();
        return;
    }
    if (run.run_id != seen_run_id_ || run.generation != seen_generation_) {  // another run, or a reset
        seen_run_id_ = run.run_id;
        seen_generation_ = run.generation;
        seen_replay_version_ = ~0ull;
        leave();
    }
    if (run.live->replay_version() != seen_replay_version_) {
        seen_replay_version_ = run.live->replay_version();
        const int old_step = index >= 0 && index < (int)frames.size() ? frames[index]->step : -1;
        frames = run.live->replay_frames(&every);
        if (active) {  // the same picture stays under the cursor while the log thins around it
            index = nearest_frame(frames, old_step >= 0 ? old_step : cursor_step);
            if (index < 0) leave();
        }
    }
    if (active && !paused) leave();  // training again: the panels are live
}

void ReplayScrubber::enter(const RunView& run) {
    if (frames.empty()) return;
    active = true;
    // one kept picture back from the live step
    const int live = run.step();
    index = (int)frames.size() - 1;
    while (index > 0 && frames[index]->step >= live) index--;
    cursor_step = frames[index]->step;
}

void ReplayScrubber::leave() {
    active = false;
    index = -1;
    shown_.clear();
}

void ReplayScrubber::move(int delta) {
    if (!active || frames.empty()) return;
    index = std::clamp(index + delta, 0, (int)frames.size() - 1);
    cursor_step = frames[index]->step;
}

void ReplayScrubber::to_step(int step) {
    if (frames.empty()) return;
    active = true;
    cursor_step = step;
    index = nearest_frame(frames, step);
}

bool ReplayScrubber::handle_key(RunView& run, bool paused, int key, int mods) {
    const bool shift = (mods & GLFW_MOD_SHIFT) != 0;
    if (shift && (key == GLFW_KEY_LEFT || key == GLFW_KEY_RIGHT)) {
        if (!active) {
            if (key == GLFW_KEY_LEFT && paused) enter(run);
        } else {
            move(key == GLFW_KEY_LEFT ? -1 : +1);
        }
        return true;
    }
    if (!active) return false;
    switch (key) {
        case GLFW_KEY_HOME: move(-(int)frames.size()); return true;
        case GLFW_KEY_END: move((int)frames.size()); return true;
        case GLFW_KEY_ESCAPE: leave(); return true;
        case GLFW_KEY_SPACE: case GLFW_KEY_RIGHT: case GLFW_KEY_PERIOD:
            leave();  // and the key trains, from the live end
            return false;
        default: return false;
    }
}

// ==== the drawn snapshot ====

void ReplayScrubber::begin_draw(RunSet& runs) {
    if (!active || index < 0 || index >= (int)frames.size()) return;
    shown_.resize(runs.size());
    const int picture_step = frames[index]->step;
    for (size_t i = 0; i < runs.size(); i++) {
        RunView& v = runs.view(i);
        Shown& sh = shown_[i];
        if (!v.valid()) continue;
        std::shared_ptr<const ReplayFrame> f = frames[index];
        int k = every;
        if (i > 0) {  // a side-by-side run: its own picture nearest the primary's step
            const auto mine = v.live->replay_frames(&k);
            const int j = nearest_frame(mine, picture_step);
            if (j < 0) continue;
            f = mine[j];
        }
        if (!sh.snap || sh.frame != f.get() || sh.from != v.snapshot_version) {
            sh.snap = replay_snapshot(*v.snap, *f, k);
            sh.frame = f.get();  // frames are shared and never change: the pointer names the picture
            sh.from = v.snapshot_version;
            sh.version++;
        }
        sh.live = v.snap;
        sh.live_version = v.snapshot_version;
        v.snap = sh.snap;
        v.snapshot_version = sh.version;
    }
}

void ReplayScrubber::end_draw(RunSet& runs) {
    for (size_t i = 0; i < shown_.size() && i < runs.size(); i++) {
        Shown& sh = shown_[i];
        if (!sh.live) continue;
        RunView& v = runs.view(i);
        v.snap = std::move(sh.live);
        v.snapshot_version = sh.live_version;
        sh.live.reset();
    }
}

// ==== the strip and the cursor ====

bool ReplayScrubber::shows_strip(const RunView& run) const { return paused_ && run.valid() && !frames.empty(); }

void ReplayScrubber::DrawStrip(RunView& run, UiContext& ui) {
    if (!shows_strip(run)) return;
    const int first = frames.front()->step, last = std::max(run.step(), frames.back()->step);
    int step = active ? cursor_step : last;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::AlignTextToFramePadding();
    if (active) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kReplayColor), "%s", tr("replay"));
    else ImGui::TextDisabled("%s", tr("replay"));
    ImGui::SameLine();
    const char* hint = active ? tr("Esc: live") : "Shift+Left";
    const float hint_w = ImGui::CalcTextSize(hint).x + ImGui::GetStyle().ItemSpacing.x;
    ImGui::SetNextItemWidth(std::max(40.0f, ImGui::GetContentRegionAvail().x - hint_w));
    if (active) ImGui::PushStyleColor(ImGuiCol_SliderGrab, kReplayColor);
    const bool moved = ImGui::SliderInt("##replay", &step, first, last, active ? tr("step %d") : tr("live: step %d"));
    if (active) ImGui::PopStyleColor();
    if (moved) to_step(step);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", hint);
    if (ui.regions) {
        const ImVec2 p1 = ImGui::GetItemRectMax();
        ui.regions->record("replay_strip", {p0.x, p0.y, p1.x - p0.x, p1.y - p0.y});
    }
}

void ReplayScrubber::DrawCursor(const RunView& run, const PlotResult& plot, UiContext& ui) const {
    if (!active || plot.canvas.w <= 0 || plot.x_hi <= plot.x_lo) return;
    const Rect& c = plot.canvas;
    const float x = c.x + (float)((cursor_step - plot.x_lo) / (plot.x_hi - plot.x_lo)) * c.w;
    if (x < c.x - 1 || x > c.right() + 1) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddLine(ImVec2(x, c.y), ImVec2(x, c.bottom()), kReplayColor, std::max(1.0f, 2.0f * ui.scale));
    if (ui.regions) ui.regions->record("replay_cursor", {x - 1, c.y, 2, c.h});
    // the values at the cursor's step (the history holds every step; validation where it ran, else the last before)
    char buf[160];
    int n = std::snprintf(buf, sizeof buf, tr("step %d"), cursor_step);
    auto it = std::lower_bound(run.history.begin(), run.history.end(), cursor_step,
                               [](const StepRecord& r, int s) { return r.step < s; });
    if (it != run.history.end() && it->step == cursor_step) {
        n += std::snprintf(buf + n, sizeof buf - n, tr("  loss %.3f  lr %.2e"), it->loss, it->lr);
        for (auto v = it;; --v) {
            if (v->val_loss >= 0) {
                n += std::snprintf(buf + n, sizeof buf - n, tr("  val %.3f (step %d)"), v->val_loss, v->step);
                break;
            }
            if (v == run.history.begin()) break;
        }
    }
    if (index >= 0 && index < (int)frames.size())
        std::snprintf(buf + n, sizeof buf - n, tr("  picture: step %d"), frames[index]->step);
    const ImVec2 ts = ImGui::CalcTextSize(buf);
    const float tx = std::clamp(x + 6, c.x + 2, std::max(c.x + 2, c.right() - ts.x - 2));
    const float ty = c.bottom() - ts.y - 4;  // at the foot of the plot: the legend sits at its top
    dl->AddRectFilled(ImVec2(tx - 3, ty - 1), ImVec2(tx + ts.x + 3, ty + ts.y + 1), IM_COL32(20, 20, 24, 220));
    dl->AddText(ImVec2(tx, ty), kReplayColor, buf);
}

nlohmann::json ReplayScrubber::state() const {
    const bool has = active && index >= 0 && index < (int)frames.size();
    return {{"active", active},
            {"step", active ? nlohmann::json(cursor_step) : nlohmann::json(nullptr)},
            {"picture_step", has ? nlohmann::json(frames[index]->step) : nlohmann::json(nullptr)},
            {"every", every},
            {"kept", frames.size()},
            {"first_kept", frames.empty() ? nlohmann::json(nullptr) : nlohmann::json(frames.front()->step)}};
}

void draw_replay_banner(const Snapshot& s, const UiContext& ui) {
    if (!s.is_replay()) return;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kReplayColor), tr("replay: step %d (kept every %d)  -  live is step %d"),
                       s.replay_step, s.replay_every, s.step);
    const ImVec2 a = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
    const float t = std::max(1.0f, 2.0f * ui.scale);
    ImGui::GetWindowDrawList()->PushClipRectFullScreen();
    ImGui::GetWindowDrawList()->AddRect(ImVec2(a.x + t * 0.5f, a.y + t * 0.5f), ImVec2(a.x + sz.x - t * 0.5f, a.y + sz.y - t * 0.5f),
                                        kReplayColor, 0, 0, t);
    ImGui::GetWindowDrawList()->PopClipRect();
}

}  // namespace noam::viz
