// Exports: file names, the history as CSV / JSON, attention and expert JSON, panel and window pictures.
#include "export.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <imgui.h>
#include <imgui_internal.h>

#include "atomic_file.h"
#include "i18n.h"
#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

// ============================================================================ [SECTION] File names

static std::string file_safe(const std::string& s) {
    std::string out;
    for (unsigned char c : s) out += (std::isalnum(c) || c == '-' || c == '_') ? (char)c : '_';
    return out.empty() ? "noamlab" : out;
}

std::string export_base_name(const std::string& lesson, int lesson_step, const std::string& panel, int train_step) {
    std::string name = file_safe(lesson);
    if (lesson_step > 0) name += "-step" + std::to_string(lesson_step);
    name += "-" + file_safe(panel.empty() ? "window" : panel);
    name += "-t" + std::to_string(train_step);
    return name;
}

std::string unused_export_path(const std::string& dir, const std::string& base, const std::string& ext) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (int n = 1;; n++) {
        const std::string name = n == 1 ? base + "." + ext : base + "-" + std::to_string(n) + "." + ext;
        const fs::path p = fs::path(dir) / name;
        if (!fs::exists(p, ec)) return p.string();
    }
}

// ============================================================================ [SECTION] Data

// the shortest text that reads back to the same float (CSV), as std::to_chars gives it
static void append_float(std::string& out, float v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// a CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180)
static std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string history_csv(const std::vector<HistoryRun>& runs) {
    std::string out = "run,step";
    for (const StepRecordField& f : step_record_fields()) out += std::string(",") + f.name;
    out += "\n";
    for (const HistoryRun& run : runs) {
        if (!run.history) continue;
        const std::string label = csv_field(run.label);
        for (const StepRecord& r : *run.history) {
            out += label + "," + std::to_string(r.step);
            for (const StepRecordField& f : step_record_fields()) {
                out += ',';
                append_float(out, r.*f.field);
            }
            out += '\n';
        }
    }
    return out;
}

nlohmann::json history_json(const std::vector<HistoryRun>& runs) {
    nlohmann::json j;
    j["columns"] = nlohmann::json::array({"step"});
    for (const StepRecordField& f : step_record_fields()) j["columns"].push_back(f.name);
    j["runs"] = nlohmann::json::array();
    for (const HistoryRun& run : runs) {
        if (!run.history) continue;
        nlohmann::json rj;
        rj["label"] = run.label;
        std::vector<int> steps;
        for (const StepRecord& r : *run.history) steps.push_back(r.step);
        rj["step"] = steps;
        for (const StepRecordField& f : step_record_fields()) {
            std::vector<float> col;
            col.reserve(run.history->size());
            for (const StepRecord& r : *run.history) col.push_back(r.*f.field);
            rj[f.name] = col;
        }
        j["runs"].push_back(rj);
    }
    return j;
}

nlohmann::json attention_json(const Snapshot& s) {
    nlohmann::json j;
    j["step"] = s.step;
    j["tokens"] = s.token_labels;
    j["layers"] = s.n_layers;
    j["heads"] = s.n_heads;
    j["maps"] = nlohmann::json::array();
    const int T = s.T;
    if (s.attention.size() != (size_t)s.n_layers * s.n_heads * T * T) return j;  // no watched forward yet
    for (int l = 0; l < s.n_layers; l++)
        for (int h = 0; h < s.n_heads; h++) {
            nlohmann::json rows = nlohmann::json::array();
            for (int t = 0; t < T; t++) {
                std::vector<float> row(T);
                for (int k = 0; k < T; k++) row[k] = s.attn(l, h, t, k);
                rows.push_back(row);
            }
            j["maps"].push_back({{"layer", l}, {"head", h}, {"probs", rows}});
        }
    return j;
}

nlohmann::json expert_assignments_json(const Snapshot& s) {
    nlohmann::json j;
    j["step"] = s.step;
    j["tokens"] = s.token_labels;
    j["layers"] = nlohmann::json::array();
    for (const MoeRouting& r : s.moe_watched) {
        nlohmann::json lj = {{"layer", r.layer}, {"experts", r.E}, {"routes_per_token", r.K}};
        lj["tokens"] = nlohmann::json::array();
        for (int t = 0; t < r.T; t++) {
            nlohmann::json routes = nlohmann::json::array();
            for (int k = 0; k < r.K; k++) {
                const size_t i = (size_t)t * r.K + k;
                if (r.expert[i] < 0) continue;  // an unused route
                routes.push_back({{"expert", r.expert[i]}, {"gate", r.gate[i]}, {"processed", r.processed[i] != 0},
                                  {"dropped", r.dropped[i] != 0}});
            }
            lj["tokens"].push_back({{"token", t < (int)s.token_labels.size() ? s.token_labels[t] : ""}, {"routes", routes}});
        }
        j["layers"].push_back(lj);
    }
    return j;
}

// ============================================================================ [SECTION] The exporter

bool panel_shows_attention(const std::string& kind) { return kind == "attention" || kind == "attention_grid"; }

bool panel_shows_experts(const std::string& kind) {
    return kind == "expert_load" || kind == "expert_history" || kind == "expert_tokens" || kind == "router";
}

void Exporter::request_panel_all(const std::string& panel) {
    request(panel, ExportWhat::picture);
    request(panel, ExportWhat::history_csv);
    request(panel, ExportWhat::history_json);
    if (panel_shows_attention(panel)) request(panel, ExportWhat::attention_json);
    if (panel_shows_experts(panel)) request(panel, ExportWhat::expert_json);
}

// the panel kind of an ImGui window ("Loss###loss" -> "loss"), or "" when it is not one of ours
static std::string kind_of(const ImGuiWindow* w, const std::vector<std::string>& panels) {
    if (!w) return "";
    w = w->RootWindow;
    const char* id = std::strstr(w->Name, "###");
    if (!id) return "";
    for (const std::string& k : panels)
        if (k == id + 3) return k;
    return "";
}

bool Exporter::request_panel_under_mouse() {
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    std::string k = kind_of(g.HoveredWindow, panels);
    if (k.empty()) k = last_focused;
    if (k.empty() || std::find(panels.begin(), panels.end(), k) == panels.end()) return false;
    request(k, ExportWhat::picture);
    return true;
}

static void export_menu_items(Exporter& ex, const std::string& kind) {
    if (ImGui::MenuItem(tr("Picture of this panel (PNG)"), "Ctrl+Shift+P")) ex.request(kind, ExportWhat::picture);
    if (ImGui::MenuItem(tr("History behind the plots (CSV)"))) ex.request(kind, ExportWhat::history_csv);
    if (ImGui::MenuItem(tr("History behind the plots (JSON)"))) ex.request(kind, ExportWhat::history_json);
    if (panel_shows_attention(kind) && ImGui::MenuItem(tr("Attention maps of the watched example (JSON)")))
        ex.request(kind, ExportWhat::attention_json);
    if (panel_shows_experts(kind) && ImGui::MenuItem(tr("Expert assignments of the watched tokens (JSON)")))
        ex.request(kind, ExportWhat::expert_json);
}

void Exporter::panel_controls(const std::vector<std::string>& kinds, RegionRecorder* regions, float scale) {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    panels.clear();
    rects.clear();
    for (const std::string& k : kinds) {
        ImGuiWindow* w = ImGui::FindWindowByName(("###" + k).c_str());
        if (!w || !w->Active || w->Hidden || std::find(panels.begin(), panels.end(), k) != panels.end()) continue;
        panels.push_back(k);
        rects.push_back({w->Pos.x, w->Pos.y, w->Size.x, w->Size.y});
        if (regions) regions->record("panel_" + k, rects.back());
    }
    if (const std::string f = kind_of(g.NavWindow, panels); !f.empty()) last_focused = f;
    const std::string hovered = kind_of(g.HoveredWindow, panels);

    for (size_t i = 0; i < panels.size(); i++) {
        const std::string& k = panels[i];
        // append to the panel's window: its title bar gets the button, its popup the menu
        ImGuiWindow* w = ImGui::FindWindowByName(("###" + k).c_str());
        ImGui::Begin(w->Name);
        bool open = ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows) && ImGui::IsMouseReleased(ImGuiMouseButton_Right);
        if (k == hovered && !(w->Flags & ImGuiWindowFlags_NoTitleBar)) {
            // the small "PNG" button at the title bar's right, only on the hovered panel: nothing to draw (or to
            // rasterize on llvmpipe) for the others, and nothing of it in headless pictures
            const ImVec2 saved_max = w->DC.CursorMaxPos;
            const ImRect title = w->TitleBarRect();
            const ImVec2 text = ImGui::CalcTextSize("PNG");
            const ImVec2 size(text.x + 6 * scale, text.y);
            ImGui::PushClipRect(title.Min, title.Max, false);
            ImGui::SetCursorScreenPos(ImVec2(title.Max.x - size.x - 4 * scale, title.Min.y + (title.GetHeight() - size.y) * 0.5f));
            if (ImGui::SmallButton("PNG##export")) open = true;
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("export this panel: picture, data (right-click too)"));
            ImGui::PopClipRect();
            w->DC.CursorMaxPos = saved_max;  // the button does not grow the panel's content
        }
        if (open) ImGui::OpenPopup("export##panel");
        if (ImGui::BeginPopup("export##panel")) {
            export_menu_items(*this, k);
            ImGui::EndPopup();
        }
        ImGui::End();
    }
}

void Exporter::file_menu_items(bool has_attention, bool has_experts) {
    if (ImGui::MenuItem(tr("Picture of the window (PNG)"), "Ctrl+P")) request("", ExportWhat::picture);
    if (ImGui::MenuItem(tr("Picture of the panel under the mouse"), "Ctrl+Shift+P", false, !panels.empty()))
        request_panel_under_mouse();
    if (ImGui::MenuItem(tr("History (CSV)"))) request("", ExportWhat::history_csv);
    if (ImGui::MenuItem(tr("History (JSON)"))) request("", ExportWhat::history_json);
    if (ImGui::MenuItem(tr("Attention maps of the watched example (JSON)"), nullptr, false, has_attention))
        request("", ExportWhat::attention_json);
    if (ImGui::MenuItem(tr("Expert assignments of the watched tokens (JSON)"), nullptr, false, has_experts))
        request("", ExportWhat::expert_json);
    if (ImGui::IsItemHovered() && !has_experts) ImGui::SetTooltip("%s", tr("the run has no Mixture-of-Experts layer"));
    ImGui::TextDisabled(tr("to %s/"), dir.c_str());
}

std::string Exporter::perform(const ExportContext& ctx, int fb_w, int fb_h) {
    if (requests.empty()) return "";
    std::vector<uint8_t> frame;  // read once, only if a picture is asked for
    std::string note, failure;
    size_t saved = 0;
    const RunView* primary = ctx.runs && ctx.runs->size() > 0 ? &ctx.runs->view(0) : nullptr;
    const int train_step = primary ? primary->step() : 0;
    for (const ExportRequest& r : requests) {
        std::string bytes, ext, suffix;
        try {
            if (r.what == ExportWhat::picture) {
                if (frame.empty()) frame = read_back_buffer_rgb(fb_w, fb_h);
                int w = fb_w, h = fb_h;
                std::vector<uint8_t> crop;
                if (!r.panel.empty()) {
                    auto it = std::find(panels.begin(), panels.end(), r.panel);
                    if (it == panels.end()) throw std::runtime_error("no panel \"" + r.panel + "\" on screen");
                    Rect pr = rects[it - panels.begin()];
                    const float s = ctx.framebuffer_scale;
                    pr = {pr.x * s, pr.y * s, pr.w * s, pr.h * s};
                    crop = crop_rgb(frame, fb_w, fb_h, pr, w, h);
                }
                bytes = encode_png(r.panel.empty() ? frame : crop, w, h);
                if (bytes.empty()) throw std::runtime_error("cannot encode the picture");
                ext = "png";
            } else if (r.what == ExportWhat::history_csv || r.what == ExportWhat::history_json) {
                std::vector<HistoryRun> runs;
                if (ctx.runs)
                    for (size_t i = 0; i < ctx.runs->size(); i++)
                        runs.push_back({ctx.runs->label(i), &ctx.runs->view(i).history});
                if (r.what == ExportWhat::history_csv) {
                    bytes = history_csv(runs);
                    ext = "csv";
                } else {
                    bytes = history_json(runs).dump(1) + "\n";
                    ext = "json";
                }
                suffix = "-history";
            } else {
                if (!primary || !primary->snap) throw std::runtime_error("no run yet");
                const bool attn = r.what == ExportWhat::attention_json;
                if (!attn && primary->snap->moe_watched.empty()) throw std::runtime_error("the run has no expert layer");
                bytes = (attn ? attention_json(*primary->snap) : expert_assignments_json(*primary->snap)).dump(1) + "\n";
                ext = "json";
                suffix = attn ? "-attention" : "-experts";
            }
            std::error_code ec;
            std::filesystem::create_directories(dir, ec);
            if (ec) throw std::runtime_error("cannot create the folder " + dir + ": " + ec.message());
            const std::string base = export_base_name(ctx.lesson, ctx.lesson_step, r.panel, train_step) + suffix;
            const std::string path = unused_export_path(dir, base, ext);
            write_file_atomic(path, bytes);
            written.push_back(path);
            if (saved++ == 0) note = tr("saved ") + path;
        } catch (const std::exception& e) {
            if (failure.empty()) failure = std::string(tr("export failed: ")) + e.what();
        }
    }
    requests.clear();
    if (!failure.empty()) return failure;  // what went wrong comes first
    if (saved > 1) {
        std::vector<char> more(dir.size() + 64);
        std::snprintf(more.data(), more.size(), tr(" (and %d more in %s)"), saved - 1, dir.c_str());
        note += more.data();
    }
    return note;
}

}  // namespace noam::viz
