// Histogram drawing.
#include "histogram_plot.h"

#include <algorithm>
#include <string>

#include "theme.h"

namespace noam::viz {

void HistogramPlot(const char* id, const Histogram& h, ImVec2 size, ImU32 color, const char* x_label) {
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

}  // namespace noam::viz
