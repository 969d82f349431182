// Histograms of one FFN layer's gate and gated product on the watched example.
#include "panel_ffn_gates.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "colormap.h"
#include "format.h"
#include "histogram_plot.h"
#include "i18n.h"
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
    if (!ImGui::Begin(tr_title("FFN gates", "ffn_gates").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.valid() || run.snap->ffn_gate.empty() || run.snap->n_layers == 0) {
        ImGui::TextDisabled("%s", tr("No run."));
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
    ImGui::Text(tr("Layer %d, %s, hidden size %d: %s values (%d tokens × %d units), step %s"), l, s.ffn_kind.c_str(),
                s.ffn_hidden, format_count(gate.total).c_str(), s.T, s.ffn_hidden, format_count(s.step).c_str());
    ImGui::PushFont(ui.fonts->heading);
    ImGui::Text(tr("%.1f%% exact zeros"), 100.0 * gate_zero);
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    ImGui::TextWrapped("%s", s.ffn_gated ? tr("in the gate act(x·W) (not in the bars): units that pass nothing")
                                         : tr("in act(x·W1) (not in the bars): units that pass nothing and get no gradient"));
    ImGui::PopStyleColor();

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
    const float w = s.ffn_gated ? (avail.x - gap) / 2 : avail.x;
    const std::string gate_label = s.ffn_gated ? std::string(tr("gate act(x·W)")) : "act(x·W1)";
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    HistogramPlot("gate", gate, ImVec2(w, avail.y), plot_color(0, 0.9f), gate_label.c_str());
    if (ui.regions) ui.regions->record("ffn_gate_hist", {p0.x, p0.y, w, avail.y});
    if (s.ffn_gated) {
        ImGui::SameLine(0, gap);
        const ImVec2 p1 = ImGui::GetCursorScreenPos();
        const double prod_zero = (double)product.zeros / std::max<size_t>(1, product.total);
        char label[96];
        std::snprintf(label, sizeof label, tr("product act(x·W)·(x·V)   (%.1f%% zeros)"), 100.0 * prod_zero);
        HistogramPlot("product", product, ImVec2(w, avail.y), plot_color(1, 0.9f), label);
        if (ui.regions) ui.regions->record("ffn_product_hist", {p1.x, p1.y, w, avail.y});
    }
    ImGui::End();
}

}  // namespace noam::viz
