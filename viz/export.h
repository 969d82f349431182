// Exports for slides and handouts: the whole window or one panel as PNG, the history behind the plots as CSV
// and JSON (every run of a side-by-side set), the watched example's attention maps and expert assignments as
// JSON. Files go to an export folder, named by lesson, step, panel and training step, never overwriting.
//
// Index
//   [SECTION] File names
//   [SECTION] Data: history, attention, expert assignments
//   [SECTION] The exporter: requests from menus and keys, done after the frame renders
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layout.h"
#include "screenshot.h"
#include "snapshot.h"
#include "trainer.h"

namespace noam::viz {

struct RunSet;
struct RegionRecorder;

// ============================================================================ [SECTION] File names

// "<lesson>-step<K>-<panel>-t<train_step>": lesson (its id, or the config's file stem) and panel cut to
// letters, digits, '-' and '_' (anything else becomes '_'); lesson_step <= 0 leaves "-step<K>" out (a free run).
std::string export_base_name(const std::string& lesson, int lesson_step, const std::string& panel, int train_step);

// dir/base.ext if no such file exists, else dir/base-2.ext, dir/base-3.ext ...: an export never overwrites.
std::string unused_export_path(const std::string& dir, const std::string& base, const std::string& ext);

// ============================================================================ [SECTION] Data

// One run's history as the window holds it (label: the run's name in a side-by-side set, "" for a lone run).
struct HistoryRun {
    std::string label;
    const std::vector<StepRecord>* history = nullptr;
};

// CSV with a header: run,step, then every StepRecord field (step_record_fields(), in its order); one row per
// step of every run, runs one after another. Floats in their shortest form that reads back to the same float.
std::string history_csv(const std::vector<HistoryRun>& runs);
// {"columns": [names], "runs": [{"label", "step": [...], "<field>": [...] ...}]}: a JSON object of columns per run.
nlohmann::json history_json(const std::vector<HistoryRun>& runs);

// The watched example's attention: {"step", "tokens": [labels], "layers", "heads", "maps": [{"layer", "head",
// "probs": T rows of T}]} (row t: query t's probabilities over keys 0..T-1, zero above the diagonal when causal).
nlohmann::json attention_json(const Snapshot& s);
// The watched example's routing in every MoE layer: {"step", "tokens", "layers": [{"layer", "experts",
// "routes_per_token", "tokens": [{"token", "routes": [{"expert", "gate", "processed", "dropped"}]}]}]};
// "layers" is empty for a dense model.
nlohmann::json expert_assignments_json(const Snapshot& s);

// ============================================================================ [SECTION] The exporter

enum class ExportWhat { picture, history_csv, history_json, attention_json, expert_json };

struct ExportRequest {
    std::string panel;  // a panel kind ("loss", "attention" ...), or "" for the whole window
    ExportWhat what = ExportWhat::picture;
};

// What a file name and the data need at the moment of the export.
struct ExportContext {
    std::string lesson;          // the lesson's id, or the config file's stem in a free run
    int lesson_step = 0;         // 1-based; 0 in a free run
    const RunSet* runs = nullptr;
    float framebuffer_scale = 1; // pixels per ImGui unit
};

// Holds the export folder, the requests of this frame and the files written. In a frame: panel_controls()
// after the panels are drawn (the small PNG button on the hovered panel, the right-click menu, the panels'
// rectangles), then, after rendering and before the swap, perform().
struct Exporter {
    std::string dir = "noamlab-exports";
    std::vector<ExportRequest> requests;
    std::vector<std::string> written;  // every file written this session, in order
    std::vector<std::string> panels;   // the panels shown this frame (kinds), with their rectangles in rects
    std::vector<Rect> rects;
    std::string last_focused;          // the panel that had the keyboard focus last

    void request(const std::string& panel, ExportWhat what) { requests.push_back({panel, what}); }
    // a panel's PNG, CSV and JSON (and its attention / expert JSON when it shows them)
    void request_panel_all(const std::string& panel);
    // Ctrl+Shift+P: the panel under the mouse, else the last focused one; false when there is none
    bool request_panel_under_mouse();

    // ImGui, once per frame after the panels: finds the shown panels among kinds (their windows are
    // "Title###kind"), records "panel_<kind>" rectangles in regions, draws the hovered panel's button and
    // the right-click menu.
    void panel_controls(const std::vector<std::string>& kinds, RegionRecorder* regions, float scale);
    // The File menu's items (inside an open menu).
    void file_menu_items(bool has_attention, bool has_experts);

    // After ImGui's draw data is rendered into the back buffer (fb_w x fb_h), before the swap: writes every
    // request. Returns the note for the menu bar ("saved PATH", or what went wrong); "" without requests.
    std::string perform(const ExportContext& ctx, int fb_w, int fb_h);
};

// Which of the extra JSON exports a panel kind has
bool panel_shows_attention(const std::string& kind);
bool panel_shows_experts(const std::string& kind);

}  // namespace noam::viz
