// Bar chart drawing.
#include "bar_chart.h"

#include <algorithm>
#include <cstdio>

#include "theme.h"

namespace noam::viz {

int BarChart(const char* id, const std::vector<std::string>& labels, const std::vector<float>& values, ImVec2 size,
             const BarChartOptions& opt) {
    ImGui::PushID(id);
    const Palette& pal = palette();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    size.x = std::max(size.x, 40.0f);
    size.y = std::max(size.y, 20.0f);
    ImGui::InvisibleButton("##bars", size);
    const bool item_hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* font = ImGui::GetFont();
    const float fs = ImGui::GetFontSize() * 0.9f;
    const int n = (int)std::min(labels.size(), values.size());
    int hovered = -1;
    if (n == 0) {
        ImGui::PopID();
        return -1;
    }
    float vmax = opt.max_value;
    if (!std::isfinite(vmax)) {
        vmax = 0;
        for (int i = 0; i < n; i++)
            if (std::isfinite(values[i])) vmax = std::max(vmax, values[i]);
        if (std::isfinite(opt.ref)) vmax = std::max(vmax, opt.ref);
        if (vmax <= 0) vmax = 1;
    }
    auto color = [&](int i) { return opt.colors.empty() ? pal.accent : opt.colors[i % opt.colors.size()]; };
    auto fmt = [&](float v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, opt.value_format, v);
        return std::string(buf);
    };
    const ImVec2 mp = ImGui::GetIO().MousePos;

    float ref_a = 0, ref_b = 0;  // the reference line's end points along the value axis
    if (opt.horizontal) {
        float label_w = 0, value_w = 0;
        for (int i = 0; i < n; i++) {
            label_w = std::max(label_w, font->CalcTextSizeA(fs, 1e9f, 0, labels[i].c_str()).x);
            if (opt.value_labels) value_w = std::max(value_w, font->CalcTextSizeA(fs, 1e9f, 0, fmt(values[i]).c_str()).x);
        }
        label_w = std::min(label_w, size.x * 0.45f);
        const float x0 = p0.x + (label_w > 0 ? label_w + 8 : 0), x1 = p0.x + size.x - (opt.value_labels ? value_w + 8 : 4);
        const float row_h = size.y / n, bar_h = std::max(2.0f, std::min(row_h * 0.7f, fs * 1.2f));
        for (int i = 0; i < n; i++) {
            const float cy = p0.y + (i + 0.5f) * row_h;
            const float w = std::max(0.0f, (x1 - x0) * std::min(1.0f, values[i] / vmax));
            const bool hov = item_hovered && mp.y >= cy - row_h * 0.5f && mp.y < cy + row_h * 0.5f;
            if (hov) hovered = i;
            dl->AddRectFilled(ImVec2(x0, cy - bar_h * 0.5f), ImVec2(x1, cy + bar_h * 0.5f), with_alpha(pal.faint, 12), 2);
            ImU32 c = color(i);
            if (hov) c = (c & 0x00FFFFFF) | 0xFF000000;
            dl->AddRectFilled(ImVec2(x0, cy - bar_h * 0.5f), ImVec2(x0 + w, cy + bar_h * 0.5f), c, 2);
            const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, labels[i].c_str());
            dl->PushClipRect(ImVec2(p0.x, cy - row_h), ImVec2(x0 - 4, cy + row_h), true);
            dl->AddText(font, fs, ImVec2(x0 - 8 - std::min(ts.x, label_w), cy - fs * 0.5f), hov ? pal.text : pal.axis_text,
                        labels[i].c_str());
            dl->PopClipRect();
            if (opt.value_labels)
                dl->AddText(font, fs, ImVec2(x0 + w + 6, cy - fs * 0.5f), pal.text_dim, fmt(values[i]).c_str());
        }
        if (std::isfinite(opt.ref)) {
            const float x = x0 + (x1 - x0) * std::min(1.0f, opt.ref / vmax);
            for (float y = p0.y; y < p0.y + size.y; y += 8) dl->AddLine(ImVec2(x, y), ImVec2(x, std::min(y + 4, p0.y + size.y)), pal.warn, 1.5f);
            ref_a = x;
            ref_b = p0.y;
        }
    } else {
        // no room under the bars when no bar has a label (a bar strip along a heatmap's edge)
        const bool any_label = std::any_of(labels.begin(), labels.begin() + n, [](const std::string& l) { return !l.empty(); });
        const float label_h = any_label ? fs + 4 : 0, value_h = opt.value_labels ? fs + 2 : 0;
        const float y1 = p0.y + size.y - label_h, y0 = p0.y + value_h;
        const float col_w = size.x / n, bar_w = std::max(2.0f, col_w * 0.7f);
        for (int i = 0; i < n; i++) {
            const float cx = p0.x + (i + 0.5f) * col_w;
            const float h = std::max(0.0f, (y1 - y0) * std::min(1.0f, values[i] / vmax));
            const bool hov = item_hovered && mp.x >= cx - col_w * 0.5f && mp.x < cx + col_w * 0.5f;
            if (hov) hovered = i;
            ImU32 c = color(i);
            if (hov) c = (c & 0x00FFFFFF) | 0xFF000000;
            dl->AddRectFilled(ImVec2(cx - bar_w * 0.5f, y1 - h), ImVec2(cx + bar_w * 0.5f, y1), c, 2);
            const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, labels[i].c_str());
            if (ts.x <= col_w + 2)
                dl->AddText(font, fs, ImVec2(cx - ts.x * 0.5f, y1 + 3), pal.axis_text, labels[i].c_str());
            if (opt.value_labels) {
                const std::string s = fmt(values[i]);
                const ImVec2 vs = font->CalcTextSizeA(fs, 1e9f, 0, s.c_str());
                if (vs.x <= col_w + 2) dl->AddText(font, fs, ImVec2(cx - vs.x * 0.5f, y1 - h - fs - 1), pal.text_dim, s.c_str());
            }
        }
        dl->AddLine(ImVec2(p0.x, y1), ImVec2(p0.x + size.x, y1), pal.plot_border);
        if (std::isfinite(opt.ref)) {
            const float y = y1 - (y1 - y0) * std::min(1.0f, opt.ref / vmax);
            for (float x = p0.x; x < p0.x + size.x; x += 8) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 4, p0.x + size.x), y), pal.warn, 1.5f);
            ref_a = p0.x;
            ref_b = y;
        }
    }
    if (std::isfinite(opt.ref) && opt.ref_label)
        dl->AddText(font, fs * 0.9f, opt.horizontal ? ImVec2(ref_a + 4, ref_b) : ImVec2(ref_a + 4, ref_b - fs - 1), pal.warn,
                    opt.ref_label);

    if (hovered >= 0) {
        ImGui::BeginTooltip();
        ImGui::Text("%s: %s", labels[hovered].c_str(), fmt(values[hovered]).c_str());
        if (hovered < (int)opt.tooltips.size() && !opt.tooltips[hovered].empty()) ImGui::TextDisabled("%s", opt.tooltips[hovered].c_str());
        ImGui::EndTooltip();
    }
    ImGui::PopID();
    return hovered;
}

}  // namespace noam::viz
