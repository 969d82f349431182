// Histograms of one FFN layer's gate and gated product on the watched example.
#include "panel_ffn_gates.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "colormap.h"
#include "format.h"
#include "theme.h"

namespace noam::viz {

namespace {

// the range of the finite values, widened to include 0 (the point of the picture) and never empty
void value_range(const float* v, size_t n, float& lo, float& hi) {
    lo = 0;
    hi = 0;
    for (size_t i = 0; i < n; i++)
        if (std::isfinite(v[i])) {
            lo = std::min(lo, v[i]);
            hi = std::max(hi, v[i]);
        }
    if (hi - lo < 1e-6f) hi = lo + 1e-6f;
}

// Bars of h in a rect, an x axis with nice ticks, a y axis in "share of the values"; a dashed line at x = 0.
void draw_histogram(const char* id, const Histogram& h, ImVec2 size, ImU32 color, const char* x_label) {
    const Palette& pal = palette();
    ImGui::PushID(id);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    size.x = std::max(size.x, 80.0f);
    size.y = std::max(size.y, 60.0f);
    ImGui::InvisibleButton("##hist", size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* font = ImGui::GetFont();
    const float sfs = ImGui::GetFontSize() * 0.85f;
    const float left = 6, bottom = sfs * 2 + 10;
    const ImVec2 a(p0.x + left, p0.y + 4), b(p0.x + size.x - 6, p0.y + size.y - bottom);
    dl->AddRectFilled(a, b, pal.plot_bg);
    dl->AddRect(a, b, pal.plot_border);
    const int nb = (int)h.counts.size();
    const int most = std::max(1, *std::max_element(h.counts.begin(), h.counts.end()));
    AxisMap ax{h.lo, h.hi, a.x, b.x, false};
    const float bw = (b.x - a.x) / nb;
    for (int i = 0; i < nb; i++) {
        if (h.counts[i] == 0) continue;
        const float top = b.y - (b.y - a.y - 4) * h.counts[i] / most;
        dl->AddRectFilled(ImVec2(a.x + i * bw + 0.5f, top), ImVec2(a.x + (i + 1) * bw - 0.5f, b.y), color);
    }
    if (h.lo < 0 && h.hi > 0) {  // x = 0, dashed
        const float x0 = ax.to_px(0.0);
        for (float y = a.y; y < b.y; y += 8) dl->AddLine(ImVec2(x0, y), ImVec2(x0, std::min(b.y, y + 4)), pal.axis_text);
    }
    const Ticks t = nice_ticks(h.lo, h.hi, 6);
    for (double v : t.values) {
        const float x = ax.to_px(v);
        const std::string s = format_tick(v, t.decimals);
        const float w = font->CalcTextSizeA(sfs, 1e9f, 0, s.c_str()).x;
        dl->AddLine(ImVec2(x, b.y), ImVec2(x, b.y + 4), pal.axis_text);
        dl->AddText(font, sfs, ImVec2(std::clamp(x - w / 2, p0.x, p0.x + size.x - w), b.y + 5), pal.axis_text, s.c_str());
    }
    const float lw = font->CalcTextSizeA(sfs, 1e9f, 0, x_label).x;
    dl->AddText(font, sfs, ImVec2(a.x + (b.x - a.x - lw) / 2, b.y + sfs + 8), pal.text_dim, x_label);
    if (hovered && h.counted > 0) {
        const float mx = ImGui::GetIO().MousePos.x;
        const int i = std::clamp((int)((mx - a.x) / bw), 0, nb - 1);
        const double w = (h.hi - h.lo) / nb;
        ImGui::BeginTooltip();
        ImGui::Text("[%.3g, %.3g): %d values (%.1f%%)", h.lo + i * w, h.lo + (i + 1) * w, h.counts[i],
                    100.0 * h.counts[i] / std::max<size_t>(1, h.total));
        ImGui::EndTooltip();
    }
    ImGui::PopID();
}

}  // namespace

void FfnGatesPanel::rebuild(const Snapshot& s, int l) {
    const size_t per_layer = (size_t)s.T * s.ffn_hidden;
    const float* g = s.ffn_gate.data() + l * per_layer;
    value_range(g, per_layer, gate_min, gate_max);
    gate = histogram(g, per_layer, gate_min, gate_max, kBins, true);
    if (s.ffn_gated) {
        const float* p = s.ffn_product.data() + l * per_layer;
        value_range(p, per_layer, product_min, product_max);
        product = histogram(p, per_layer, product_min, product_max, kBins, true);
    } else {
        product = Histogram{};
    }
}

void FfnGatesPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin("FFN gates###ffn_gates", nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.valid() || run.snap->ffn_gate.empty() || run.snap->n_layers == 0) {
        ImGui::TextDisabled("No run.");
        ImGui::End();
        return;
    }
    const Snapshot& s = *run.snap;
    const int l = std::clamp(layer, 0, s.n_layers - 1);
    if (seen_version != run.snapshot_version || seen_layer != l) {
        seen_version = run.snapshot_version;
        seen_layer = l;
        rebuild(s, l);
    }
    const Palette& pal = palette();
    const double gate_zero = (double)gate.zeros / std::max<size_t>(1, gate.total);
    ImGui::Text("Layer %d, %s, hidden size %d: %s values (%d tokens × %d units), step %s", l, s.ffn_kind.c_str(),
                s.ffn_hidden, format_count(gate.total).c_str(), s.T, s.ffn_hidden, format_count(s.step).c_str());
    ImGui::PushFont(ui.fonts->heading);
    ImGui::Text("%.1f%% exact zeros", 100.0 * gate_zero);
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    ImGui::TextWrapped(s.ffn_gated ? "in the gate act(x·W) (not in the bars): units that pass nothing"
                                   : "in act(x·W1) (not in the bars): units that pass nothing and get no gradient");
    ImGui::PopStyleColor();

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
    const float w = s.ffn_gated ? (avail.x - gap) / 2 : avail.x;
    const std::string gate_label = s.ffn_gated ? "gate act(x·W)" : "act(x·W1)";
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    draw_histogram("gate", gate, ImVec2(w, avail.y), pack_rgba(series_color(0), 0.9f), gate_label.c_str());
    if (ui.regions) ui.regions->record("ffn_gate_hist", {p0.x, p0.y, w, avail.y});
    if (s.ffn_gated) {
        ImGui::SameLine(0, gap);
        const ImVec2 p1 = ImGui::GetCursorScreenPos();
        const double prod_zero = (double)product.zeros / std::max<size_t>(1, product.total);
        char label[96];
        std::snprintf(label, sizeof label, "product act(x·W)·(x·V)   (%.1f%% zeros)", 100.0 * prod_zero);
        draw_histogram("product", product, ImVec2(w, avail.y), pack_rgba(series_color(1), 0.9f), label);
        if (ui.regions) ui.regions->record("ffn_product_hist", {p1.x, p1.y, w, avail.y});
    }
    ImGui::End();
}

}  // namespace noam::viz
