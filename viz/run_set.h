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
    // the same command to every companion (the primary's commands go through the player or the controls)
    void post_companions(CommandKind k, double value = 0);
    void clear_companions() { companions.clear(); primary_label.clear(); }
    // the lowest step any member has reached (comparisons are fair only up to there)
    int common_step() const;
};

}  // namespace noam::viz
