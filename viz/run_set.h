// Runs trained side by side: a lesson step's "runs" (Adam vs Adafactor, ReLU vs SwiGLU, MoE vs dense ...).
// Member 0 is the primary run: the knobs, the training controls and the single-run panels act on it. The
// others are its companions: the same config with a few settings changed, started, stepped, paused and reset
// together with it. Every panel that compares runs draws member i in run_color(i) with label(i), so a run
// has one colour and one name everywhere on the screen.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <imgui.h>

#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

// Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), cycled.
ImU32 run_color(size_t i);

struct RunSet {
    RunView* primary = nullptr;   // the app's run (owned by the app)
    std::string primary_label;    // "" while there are no companions
    struct Companion {
        std::string label;
        RunView view;
    };
    std::vector<std::unique_ptr<Companion>> companions;

    size_t size() const { return primary ? 1 + companions.size() : 0; }
    bool comparing() const { return !companions.empty(); }
    RunView& view(size_t i) { return i == 0 ? *primary : companions[i - 1]->view; }
    const RunView& view(size_t i) const { return i == 0 ? *primary : companions[i - 1]->view; }
    const std::string& label(size_t i) const { return i == 0 ? primary_label : companions[i - 1]->label; }
    ImU32 color(size_t i) const { return run_color(i); }

    // the companions only (the app refreshes the primary itself, once per frame)
    void refresh_companions();
    // Starts the companions: one per (label, config); the primary follows with primary_label. Every command
    // posted to the primary reaches them too (play, pause, step to, reset with the same seed, speed).
    // False with error set if one would not start (then there are none).
    bool start_companions(const std::string& primary_label, const std::vector<std::pair<std::string, RunConfig>>& runs,
                          std::string& error);
    void clear_companions();
    // the lowest step of the runs still training (a run that stopped itself no longer holds the others back):
    // comparisons are fair only up to there
    int common_step() const;
    // +1 whenever any member has a new snapshot
    uint64_t snapshot_version() const;
};

// Begins a panel window over the runs (title as for ImGui::Begin, NoCollapse and ui.panel_flags added to flags).
// False when there is nothing to draw: the window is hidden, or the primary run has no snapshot yet ("No run."
// written); the window is then already ended. True: draw, then ImGui::End().
bool BeginRunsPanel(const char* title, const RunSet& runs, const UiContext& ui, int flags = 0);

}  // namespace noam::viz
