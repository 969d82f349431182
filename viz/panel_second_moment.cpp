// The second moment of one weight matrix: full, rank-1, and how they differ.
#include "panel_second_moment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "bar_chart.h"
#include "colormap.h"
#include "format.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

void SecondMomentPanel::compute(const Snapshot& s) {
    rows = s.watched_rows;
    cols = s.watched_cols;
    const size_t n = (size_t)rows * cols;
    const bool has_v = s.watched_v.size() == n && s.watched_v_hat.size() == n;
    const std::vector<float>& left = show_grad || !has_v ? s.watched_grad_sq : s.watched_v;
    // V and Vhat share one log scale (so equal colours mean equal values); at most 8 decades below the top
    left_log.resize(n);
    vhat_log.assign(has_v ? n : 0, 0.0f);
    error_log2.assign(has_v ? n : 0, 0.0f);
    float lo = INFINITY, hi = -INFINITY;
    auto lg = [](float v) { return v > 0 ? std::log10(v) : -INFINITY; };
    for (size_t k = 0; k < n; k++) {
        left_log[k] = lg(left[k]);
        if (std::isfinite(left_log[k])) {
            lo = std::min(lo, left_log[k]);
            hi = std::max(hi, left_log[k]);
        }
        if (has_v) {
            vhat_log[k] = lg(s.watched_v_hat[k]);
            if (std::isfinite(vhat_log[k])) {
                lo = std::min(lo, vhat_log[k]);
                hi = std::max(hi, vhat_log[k]);
            }
        }
    }
    if (!(hi >= lo)) lo = -1, hi = 0;
    log_hi = hi;
    log_lo = std::max(lo, hi - 8.0f);
    if (log_hi - log_lo < 0.5f) log_lo = log_hi - 0.5f;
    for (float& v : left_log) v = std::max(v, log_lo);  // zeros (and below the range) at the bottom colour
    for (float& v : vhat_log) v = std::max(v, log_lo);
    // log2(Vhat / V): 0 where the rank-1 estimate is right, +1 where it is twice too large, -1 half
    float worst = 0;
    if (has_v)
        for (size_t k = 0; k < n; k++) {
            const float v = s.watched_v[k], vh = s.watched_v_hat[k];
            error_log2[k] = v > 0 && vh > 0 ? std::log2(vh / v) : 0.0f;
            worst = std::max(worst, std::fabs(error_log2[k]));
        }
    err_range = std::clamp(worst, 1.0f, 4.0f);
    blank_rows.assign(1, "");
    r_tips.clear();
    c_tips.clear();
    char buf[96];
    for (int i = 0; i < rows && i < (int)s.watched_R.size(); i++) {
        std::snprintf(buf, sizeof buf, tr("R[%d]: decayed sum of row %d of G²"), i, i);
        r_tips.push_back(buf);
    }
    for (int j = 0; j < cols && j < (int)s.watched_C.size(); j++) {
        std::snprintf(buf, sizeof buf, tr("C[%d]: decayed sum of column %d of G²"), j, j);
        c_tips.push_back(buf);
    }
    maps_version++;
}

void SecondMomentPanel::Draw(RunSet& runs, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Second moment", "second_moment").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (member >= runs.size()) member = 0;
    if (runs.size() == 0 || !runs.view(member).valid()) {
        ImGui::TextDisabled("%s", tr("No run."));
        ImGui::End();
        return;
    }
    RunView& run = runs.view(member);
    run.watch_param(param);
    const Snapshot& s = *run.snap;
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();
    if (ui.fonts) ui.fonts->request_text("V̂ᵀΣ‖₂₁₀²×·−β̂");

    // ---- controls: which run (when comparing), which matrix, V or G^2
    if (runs.comparing()) {
        for (size_t i = 0; i < runs.size(); i++) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(runs.color(i)));
            if (ImGui::RadioButton((runs.label(i) + "##run" + std::to_string(i)).c_str(), member == i)) member = i;
            ImGui::PopStyleColor();
            ImGui::SameLine();
        }
    }
    ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x * 0.5f, ImGui::GetFontSize() * 11));
    if (ImGui::BeginCombo("##param", param.c_str())) {
        for (const TensorState& t : s.optimizer_memory.tensors) {
            if (t.shape.size() != 2) continue;
            if (ImGui::Selectable(t.param.c_str(), t.param == param)) param = t.param;
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    const bool has_v = !s.watched_v.empty() && s.watched_param == param;
    if (!has_v) show_grad = false;
    if (has_v) {
        ImGui::Checkbox((std::string(tr("G² of this step instead of V")) + "###show_grad").c_str(), &show_grad);
        ImGui::SameLine();
    }
    ImGui::TextDisabled("%s", s.optimizer_memory.optimizer.c_str());

    if (s.watched_param != param || s.watched_rows == 0) {
        ImGui::TextDisabled("%s", tr("asking the run to watch this matrix…"));
        ImGui::End();
        return;
    }
    if (run.snapshot_version != seen_version || run.run_id != seen_run_id || member != seen_member || show_grad != seen_grad) {
        compute(s);
        seen_version = run.snapshot_version;
        seen_run_id = run.run_id;
        seen_member = member;
        seen_grad = show_grad;
    }

    // ---- the headline number
    const std::string shape = std::to_string(rows) + "×" + std::to_string(cols);
    if (s.watched_rel_error >= 0 && has_v) {
        ImGui::PushFont(ui.fonts ? ui.fonts->heading : nullptr);
        ImGui::Text("‖V̂ − V‖ / ‖V‖ = %.3f", s.watched_rel_error);
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        char note[200], since[64] = "";
        if (s.watched_since > 0) std::snprintf(since, sizeof since, tr(" · exact V from step %d"), s.watched_since);
        if (s.watched_v_kind == "exact V")
            std::snprintf(note, sizeof note, tr("%s: rank 1 from %d + %d numbers instead of %s%s"), shape.c_str(), rows, cols,
                          format_count((uint64_t)rows * cols).c_str(), since);
        else
            std::snprintf(note, sizeof note, tr("%s: what Adafactor's %d + %d numbers would make of Adam's v"), shape.c_str(), rows, cols);
        ImGui::TextDisabled("%s", note);
    } else {
        ImGui::TextDisabled("%s %s: %s", param.c_str(), shape.c_str(),
                            s.step == 0                   ? tr("no step yet: train to see the second moment")
                            : s.watched_v_kind.empty() && s.watched_R.empty() ? tr("this optimizer keeps no second moment (G² of the last step)")
                                                          : "");
    }

    // ---- three maps: wide matrices one above another, tall ones side by side. Every map keeps the strips'
    // room (R's bars on its left, C's above) so the three line up; only Vhat draws them.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const bool maps = !vhat_log.empty();
    const int n_maps = maps ? 3 : 1;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float strip = std::max(ImGui::GetFontSize() * 2.2f, 26.0f);
    const float gap = st.ItemSpacing.y;
    const bool stacked = cols >= rows;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    // a block: its caption, then the map with its legend; Vhat's block (and, side by side, every block, so the
    // tops line up) also has C's room above the map. The maps all get the same size.
    const float block_w = stacked ? avail.x : std::floor((avail.x - (n_maps - 1) * st.ItemSpacing.x * 2) / n_maps);
    const float map_w = std::max(60.0f, block_w - strip - st.ItemSpacing.x);
    const float map_h = std::max(24.0f, stacked ? std::floor((avail.y - (maps ? strip : 0) - n_maps * (line + gap)) / n_maps)
                                                : avail.y - line - (maps ? strip : 0) - gap);
    HeatmapOptions o;
    o.square = false;
    o.legend = true;
    o.label_font = ui.fonts ? ui.fonts->small : nullptr;
    o.row_name = tr("row");
    o.col_name = tr("column");
    o.lo = log_lo;
    o.hi = log_hi;
    o.value_format = "log₁₀ = %.2f";

    struct MapSpec {
        const char* caption;
        Heatmap* map;
        const std::vector<float>* values;
        bool diverging, with_strips;
        const char* region;
    };
    char left_caption[96];
    std::snprintf(left_caption, sizeof left_caption, "%s (log₁₀)",
                  show_grad || !maps ? tr("G² of the last step") : s.watched_v_kind == "exact V" ? tr("V: the full second moment") : tr("Adam's v (bias-corrected)"));
    const MapSpec specs[3] = {
        {left_caption, &left_map, &left_log, false, false, "second_moment_v"},
        {tr("V̂ = R Cᵀ / ΣR: Adafactor's rank-1 estimate, with R (left) and C (top)"), &vhat_map, &vhat_log, false, true, "second_moment_vhat"},
        {tr("log₂(V̂ / V): red where V̂ is too large, blue too small"), &error_map, &error_log2, true, false, "second_moment_error"},
    };
    for (int k = 0; k < n_maps; k++) {
        const MapSpec& m = specs[k];
        const float bx = stacked ? origin.x : origin.x + k * (block_w + st.ItemSpacing.x * 2);
        const float by = !stacked ? origin.y : origin.y + k * (line + map_h + gap) + (k > 1 && maps ? strip : 0);
        const float mx = bx + strip + st.ItemSpacing.x, my = by + line + (maps && (m.with_strips || !stacked) ? strip : 0);
        ImGui::SetCursorScreenPos(ImVec2(mx, by));
        ImGui::TextUnformatted(m.caption);
        HeatmapOptions mo = o;
        if (m.diverging) {
            mo.scale = ColorScale::Diverging;
            mo.lo = -err_range;
            mo.hi = err_range;
            mo.value_format = "log₂ = %+.2f";
        }
        ImGui::SetCursorScreenPos(ImVec2(mx, my));
        const HeatmapResult hr = m.map->Draw(m.region, m.values->data(), rows, cols, ImVec2(map_w, map_h), mo, maps_version);
        if (ui.regions) ui.regions->record(m.region, hr.map);
        if (m.with_strips) {
            BarChartOptions bo;
            bo.value_labels = false;
            bo.colors = {pal.accent};
            bo.value_format = "%.3g";
            const std::vector<std::string> rl(rows), cl(cols);  // no labels: bare strips
            bo.tooltips = r_tips;
            const Rect r_rect{hr.map.x - strip - st.ItemSpacing.x, hr.map.y, strip, hr.map.h};
            ImGui::SetCursorScreenPos(ImVec2(r_rect.x, r_rect.y));
            BarChart("R", rl, s.watched_R, ImVec2(r_rect.w, r_rect.h), bo);  // bars grow towards the map
            bo.horizontal = false;
            bo.tooltips = c_tips;
            const Rect c_rect{hr.map.x, hr.map.y - strip, hr.map.w, strip - 3};
            ImGui::SetCursorScreenPos(ImVec2(c_rect.x, c_rect.y));
            BarChart("C", cl, s.watched_C, ImVec2(c_rect.w, c_rect.h), bo);
            if (ui.regions) {
                ui.regions->record("second_moment_R", r_rect);
                ui.regions->record("second_moment_C", c_rect);
            }
        }
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + avail.y - 1));
    ImGui::End();
}

}  // namespace noam::viz
