// Attention grid, enlarged head, and the query row as a token strip.
#include "panel_attention.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "replay.h"
#include "i18n.h"
#include "theme.h"
#include "token_strip.h"

namespace noam::viz {

void AttentionPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Attention", "attention").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    const Palette& pal = palette();
    if (!run.valid() || run.snap->T == 0 || run.snap->attention.empty()) {
        ImGui::TextDisabled("%s", tr("No attention maps yet."));
        ImGui::End();
        return;
    }
    const Snapshot& s = *run.snap;
    draw_replay_banner(s, ui);  // [replay] a kept picture, not the live one
    const int L = s.n_layers, H = s.n_heads, T = s.T;
    if (seen_run_id != run.run_id) {
        seen_run_id = run.run_id;
        focus_layer = want_layer;
        focus_head = std::max(0, want_head);
        selected_row = -1;
    }
    if (focus_layer < 0 || focus_layer >= L) focus_layer = L - 1;
    focus_head = std::clamp(focus_head, 0, H - 1);
    if (selected_row >= T) selected_row = -1;
    if ((int)cells.size() != L * H) {
        cells.clear();
        for (int i = 0; i < L * H; i++) cells.push_back(std::make_unique<Heatmap>());
    }
    for (const auto& lab : s.token_labels) ui.fonts->request_text(lab);

    const ImGuiStyle& st = ImGui::GetStyle();
    const bool causal = run.config().model.causal;
    HeatmapOptions base;
    base.gamma = sqrt_contrast ? 0.5f : 1.0f;
    base.mask_upper = causal;

    // ---- header: how to read the picture, and the contrast switch
    const char* hint = tr("row = query token, column = key it reads");
    const float cb_w = ImGui::CalcTextSize(tr("sqrt contrast")).x + ImGui::GetFrameHeight() + st.ItemInnerSpacing.x;
    const float x0 = ImGui::GetCursorPosX();
    if (ImGui::CalcTextSize(hint).x + st.ItemSpacing.x * 2 + cb_w <= ImGui::GetContentRegionAvail().x) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("%s", hint);
        ImGui::SameLine();
    }
    ImGui::SetCursorPosX(std::max(x0, ImGui::GetWindowContentRegionMax().x - cb_w));
    ImGui::Checkbox((std::string(tr("sqrt contrast")) + "###sqrt_contrast").c_str(), &sqrt_contrast);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("colour = sqrt(weight): faint links become visible"));

    // ---- the grid: layers down, heads across
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float fs = ImGui::GetFontSize();
    char buf[64];
    std::snprintf(buf, sizeof buf, tr("layer %d"), L);
    const float header_w = ImGui::CalcTextSize(buf).x + 8;
    const float header_h = fs + 4;
    const float grid_h = !show_focus ? avail.y : show_grid ? avail.y * grid_share : 0.0f;
    const GridLayout g = fit_grid(L, H, avail.x, grid_h, std::max(4.0f, fs * 0.35f), header_w, header_h,
                                  show_focus ? fs * 9 : fs * 14);
    // centred when the cells reach their largest size before the panel's width (few heads)
    const float left_x = ImGui::GetCursorScreenPos().x;
    const ImVec2 g0(left_x + std::max(0.0f, std::floor((avail.x - g.width()) * 0.5f)), ImGui::GetCursorScreenPos().y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (show_grid) {
        for (int h = 0; h < H; h++) {
            std::snprintf(buf, sizeof buf, tr("head %d"), h + 1);
            const Rect c = g.cell_rect(0, h);
            const ImVec2 ts = ImGui::CalcTextSize(buf);
            if (ts.x <= g.cell + g.gap) dl->AddText(ImVec2(g0.x + c.x + (c.w - ts.x) * 0.5f, g0.y), pal.axis_text, buf);
            else {
                std::snprintf(buf, sizeof buf, "%d", h + 1);
                dl->AddText(ImVec2(g0.x + c.x + (c.w - ImGui::CalcTextSize(buf).x) * 0.5f, g0.y), pal.axis_text, buf);
            }
        }
        for (int l = 0; l < L; l++) {
            std::snprintf(buf, sizeof buf, tr("layer %d"), l + 1);
            const Rect c = g.cell_rect(l, 0);
            dl->AddText(ImVec2(g0.x, g0.y + c.y + (c.h - fs) * 0.5f), pal.axis_text, buf);
        }
        HeatmapOptions cell_opt = base;
        cell_opt.interactive = false;
        cell_opt.tooltip = false;
        for (int l = 0; l < L; l++)
            for (int h = 0; h < H; h++) {
                const Rect c = g.cell_rect(l, h);
                ImGui::SetCursorScreenPos(ImVec2(g0.x + c.x, g0.y + c.y));
                ImGui::PushID(l * H + h);
                const float* m = s.attention.data() + ((size_t)l * H + h) * T * T;
                cells[l * H + h]->Draw("cell", m, T, T, ImVec2(c.w, c.h), cell_opt, run.snapshot_version);
                const bool hov = ImGui::IsItemHovered();
                if (ImGui::IsItemClicked()) {
                    focus_layer = l;
                    focus_head = h;
                    show_focus = true;  // a lesson may show the grid alone: the click asks for the enlarged head
                }
                const ImVec2 a(g0.x + c.x, g0.y + c.y), z(a.x + c.w, a.y + c.h);
                if (l == focus_layer && h == focus_head)
                    dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(z.x + 2, z.y + 2), pal.accent, 3.0f, 0, 2.5f);
                else if (hov)
                    dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(z.x + 1, z.y + 1), with_alpha(pal.hover, 160), 2.0f, 0, 1.5f);
                if (hov) ImGui::SetTooltip(tr("layer %d, head %d: click to enlarge"), l + 1, h + 1);
                ImGui::PopID();
            }
        if (ui.regions) ui.regions->record("attention_grid", {g0.x + g.header_w, g0.y + g.header_h, g.width() - g.header_w, g.height() - g.header_h});
        ImGui::SetCursorScreenPos(ImVec2(left_x, g0.y + g.height() + st.ItemSpacing.y));
        ImGui::Dummy(ImVec2(g.width(), 1));
    }
    if (!show_focus) {
        ImGui::End();
        return;
    }

    // ---- the enlarged head
    if (show_grid) ImGui::Separator();
    ImGui::PushFont(ui.fonts->heading);
    ImGui::Text(tr("Layer %d · Head %d"), focus_layer + 1, focus_head + 1);
    ImGui::PopFont();
    // the query strip goes under the map, or beside it when that leaves the map larger (wide panels)
    const float mono_fs = ui.fonts->mono->FontSize;
    const float strip_line = mono_fs * 1.5f + 3;
    const float strip_h = strip_line * 2 + fs * 2 + st.ItemSpacing.y * 3;
    const float label_w = mono_fs * 2, legend_w = fs * 3.6f + 8, label_h = mono_fs + 4;
    const ImVec2 rest = ImGui::GetContentRegionAvail();
    const float below = std::min(rest.x - label_w - legend_w, rest.y - strip_h - label_h);
    const float beside_strip_w = std::max(rest.x * 0.28f, mono_fs * 1.4f * 8);
    const float beside = std::min(rest.x - beside_strip_w - label_w - legend_w - st.ItemSpacing.x, rest.y - label_h);
    const bool side_by_side = beside > below + 16;
    const ImVec2 map_area = side_by_side ? ImVec2(rest.x - beside_strip_w - st.ItemSpacing.x, rest.y)
                                         : ImVec2(rest.x, std::max(80.0f, rest.y - strip_h));
    HeatmapOptions fo = base;
    fo.row_labels = &s.token_labels;
    fo.col_labels = &s.token_labels;
    fo.label_font = ui.fonts->mono;
    fo.legend = true;
    fo.selected_row = selected_row;
    fo.row_name = tr("query");
    fo.col_name = tr("key");
    const float* fm = s.attention.data() + ((size_t)focus_layer * H + focus_head) * T * T;
    const ImVec2 map_pos = ImGui::GetCursorScreenPos();
    const HeatmapResult fr = focus.Draw("focus", fm, T, T, map_area, fo, run.snapshot_version);
    if (ui.regions) ui.regions->record("attention_focus", fr.map);
    if (fr.clicked) selected_row = (fr.row == selected_row) ? -1 : fr.row;
    if (side_by_side) {
        // start the strip right of the legend, level with the map's top
        ImGui::SetCursorScreenPos(ImVec2(fr.map.right() + legend_w + st.ItemSpacing.x * 2, map_pos.y + label_h));
    }
    const float strip_w = side_by_side ? map_pos.x + rest.x - ImGui::GetCursorScreenPos().x : rest.x;
    ImGui::BeginGroup();

    // ---- the query row as a token strip
    const int q = fr.hovered ? fr.row : selected_row;
    TokenStripOptions to;
    to.font = ui.fonts->mono;
    to.max_width = strip_w;
    if (q >= 0 && q < T) {
        ImGui::Text(tr("Query %d '%s' reads:"), q, s.token_labels[q].c_str());
        to.highlight = q;
        to.value_name = tr("attention");
        to.gamma = base.gamma;
        TokenStrip("row", s.token_labels, fm + (size_t)q * T, to);
    } else {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + strip_w);
        ImGui::TextDisabled("%s", tr("Hover a row to see what that token reads; click to keep it."));
        ImGui::PopTextWrapPos();
        TokenStrip("row", s.token_labels, nullptr, to);
    }
    ImGui::EndGroup();
    ImGui::End();
}

}  // namespace noam::viz
