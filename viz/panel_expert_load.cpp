// Expert load: tokens per expert with the capacity line and the dropped tokens.
#include "panel_expert_load.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "colormap.h"
#include "i18n.h"
#include "moe_layer.h"
#include "replay.h"
#include "theme.h"

namespace noam::viz {

namespace {

const ImU32 kDroppedColor = IM_COL32(230, 75, 60, 255);

ImU32 lighter(ImU32 c) {  // the run's colour mixed half-way to white (to black on a light theme): further choices
    const ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
    if (palette().light_background) return ImGui::ColorConvertFloat4ToU32(ImVec4(0.5f * v.x, 0.5f * v.y, 0.5f * v.z, 1.0f));
    return ImGui::ColorConvertFloat4ToU32(ImVec4(0.5f + 0.5f * v.x, 0.5f + 0.5f * v.y, 0.5f + 0.5f * v.z, 1.0f));
}

// One run's bars in r: expert e's bar is routed_first[e] + routed_second[e] tall; its top dropped[e] tokens red.
void draw_bars(const MoeStats& st, Rect r, ImU32 color, const std::string& who) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Palette& pal = palette();
    const int E = st.experts;
    int top = 1;
    for (int e = 0; e < E; e++) top = std::max(top, st.routed_first[e] + st.routed_second[e]);
    const int cap = E > 0 ? st.capacity[0] : 0;
    const bool limited = cap > 0 && cap < st.tokens;  // noisy top-k: no capacity (capacity = the tokens)
    if (limited) top = std::max(top, cap);
    const float fs = ImGui::GetFontSize();
    const float label_h = fs * 1.1f;
    const float x0 = r.x + fs * 2.2f, y0 = r.y, w = r.w - fs * 2.2f, h = r.h - label_h;
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + w, y0 + h), pal.plot_bg);
    const float slot = w / std::max(1, E), bar_w = slot * 0.72f;
    auto y_of = [&](float v) { return y0 + h - h * v / (float)top * 0.95f; };
    char buf[64];
    std::snprintf(buf, sizeof buf, "%d", top);
    dl->AddText(ImVec2(r.x, y_of((float)top) - fs * 0.5f), pal.axis_text, buf);
    dl->AddText(ImVec2(r.x, y0 + h - fs), pal.axis_text, "0");
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    int hovered = -1;
    for (int e = 0; e < E; e++) {
        const float bx = x0 + slot * e + (slot - bar_w) * 0.5f;
        const int first = st.routed_first[e], second = st.routed_second[e], dropped = st.dropped[e];
        const int routed = first + second;
        dl->AddRectFilled(ImVec2(bx, y_of((float)first)), ImVec2(bx + bar_w, y_of(0)), color);
        if (second > 0) dl->AddRectFilled(ImVec2(bx, y_of((float)routed)), ImVec2(bx + bar_w, y_of((float)first)), lighter(color));
        if (dropped > 0)  // the choices past capacity: the top of the bar
            dl->AddRectFilled(ImVec2(bx, y_of((float)routed)), ImVec2(bx + bar_w, y_of((float)(routed - dropped))), kDroppedColor);
        std::snprintf(buf, sizeof buf, "%d", e);
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        if (slot > ts.x) dl->AddText(ImVec2(x0 + slot * e + (slot - ts.x) * 0.5f, y0 + h + 1), pal.axis_text, buf);
        if (mouse.x >= x0 + slot * e && mouse.x < x0 + slot * (e + 1) && mouse.y >= y0 && mouse.y < y0 + h) hovered = e;
    }
    if (limited) {  // C: dashed across the bars
        const float y = y_of((float)cap);
        for (float x = x0; x < x0 + w; x += 10) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 6, x0 + w), y), pal.warn, 2.0f);
        std::snprintf(buf, sizeof buf, tr("capacity %d"), cap);
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        dl->AddText(ImVec2(x0 + w - ts.x - 4, y - fs - 1), pal.warn, buf);
    }
    if (hovered >= 0 && ImGui::IsWindowHovered()) {
        const int e = hovered;
        ImGui::BeginTooltip();
        if (!who.empty()) ImGui::TextUnformatted(who.c_str());
        ImGui::Text(tr("expert %d: %d first choices, %d further choices"), e, st.routed_first[e], st.routed_second[e]);
        ImGui::Text(tr("processed %d of capacity %d; dropped %d (%.1f%%)"), st.kept[e], st.capacity[e], st.dropped[e],
                    100.0f * st.dropped_fraction_of(e));
        ImGui::Text(tr("mean router probability %.3f (uniform %.3f)"), st.mean_prob[e], 1.0f / E);
        ImGui::EndTooltip();
    }
}

}  // namespace

void ExpertLoadPanel::Draw(RunSet& runs, UiContext& ui) {
    if (!BeginRunsPanel(tr_title("Expert load", "expert_load").c_str(), runs, ui)) return;
    draw_replay_banner(*runs.view(0).snap, ui);  // [replay] the primary run's kept picture, not the live one
    // the legend: what the parts of a bar are
    const ImU32 c0 = runs.color(0);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(c0), "%s", tr("first choice"));
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(lighter(c0)), "%s", tr("second choice"));
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kDroppedColor), "%s", tr("dropped (past capacity)"));
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("· tokens per expert, last training step"));

    size_t shown = 0;
    for (size_t i = 0; i < runs.size(); i++)
        if (runs.view(i).valid()) shown++;
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float avail_h = ImGui::GetContentRegionAvail().y;
    const float each = std::max(line * 4, avail_h / std::max<size_t>(1, shown) - gap);
    for (size_t i = 0; i < runs.size(); i++) {
        const RunView& v = runs.view(i);
        if (!v.valid()) continue;
        const Snapshot& s = *v.snap;
        const int li = moe_layer_index(s, layer);
        const std::string who = runs.label(i);
        if (!who.empty()) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(runs.color(i)), "%s", who.c_str());
            ImGui::SameLine();
        }
        if (li < 0) {
            if (s.moe_layers.empty()) ImGui::TextDisabled("%s", tr("a dense model: no experts"));
            else ImGui::TextDisabled(tr("block %d is dense; MoE blocks: %s"), layer, moe_blocks_text(s).c_str());
            continue;
        }
        if (li >= (int)s.moe_step.size() || s.moe_step[li].experts == 0) {
            ImGui::TextDisabled(tr("block %d: waiting for the first training step"), s.moe_layers[li]);
            ImGui::Dummy(ImVec2(1, each - line));
            continue;
        }
        const MoeStats& st = s.moe_step[li];
        ImGui::Text(tr("block %d · %d experts · %d tokens · dropped %.1f%% · load CV %.2f"), s.moe_layers[li], st.experts,
                    st.tokens, 100.0f * st.dropped_fraction, st.load_cv);
        const ImVec2 p0 = ImGui::GetCursorScreenPos();
        const ImVec2 size(ImGui::GetContentRegionAvail().x, std::max(line * 3, each - line));
        const Rect r{p0.x, p0.y, size.x, size.y};
        draw_bars(st, r, runs.color(i), who);
        ImGui::Dummy(size);
        if (ui.regions) {
            ui.regions->record("expert_load_" + std::to_string(i), r);
            ui.regions->colors["expert_load_" + std::to_string(i)] = runs.color(i);
        }
    }
    if (ui.regions) ui.regions->colors["expert_load_dropped"] = kDroppedColor;
    ImGui::End();
}

}  // namespace noam::viz
