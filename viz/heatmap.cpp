// Heatmap: texture upload on change, labels thinned to fit, legend, hover and click.
#include "heatmap.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "i18n.h"
#include "plot_math.h"
#include "theme.h"

namespace noam::viz {

HeatmapResult Heatmap::Draw(const char* id, const float* values, int rows, int cols, ImVec2 size,
                            const HeatmapOptions& opt, uint64_t version) {
    HeatmapResult res;
    ImGui::PushID(id);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    size.x = std::max(size.x, 8.0f);
    size.y = std::max(size.y, 8.0f);
    ImGui::InvisibleButton("##canvas", size);
    const bool item_hovered = ImGui::IsItemHovered();
    const bool item_clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Palette& pal = palette();
    if (rows <= 0 || cols <= 0 || !values) {
        ImGui::PopID();
        return res;
    }

    // ---- layout: label margins from the widest label drawn
    ImFont* font = opt.label_font ? opt.label_font : ImGui::GetFont();
    const float fs = font->FontSize;
    float row_label_w = 0, col_label_h = 0;
    if (opt.row_labels && !opt.row_labels->empty()) {
        for (const auto& s : *opt.row_labels)
            row_label_w = std::max(row_label_w, font->CalcTextSizeA(fs, 1e9f, 0, s.c_str()).x);
        row_label_w = std::min(row_label_w, fs * 4) + fs * 0.5f;
    }
    if (opt.col_labels && !opt.col_labels->empty()) col_label_h = fs + 4;
    const float legend_w = opt.legend ? fs * 4.0f : 0;
    const HeatmapLayout L = heatmap_layout({p0.x, p0.y, size.x, size.y}, rows, cols, row_label_w, col_label_h,
                                           legend_w, opt.square);
    res.map = L.map;

    // ---- texture: re-upload only when the values or the colouring change
    if (version != version_ || opt.lo != lo_ || opt.hi != hi_ || opt.gamma != gamma_ || opt.scale != scale_ ||
        opt.mask_upper != mask_ || pal.masked != masked_color_ || !tex_.valid() || tex_.width() != cols || tex_.height() != rows) {
        pixels_.resize((size_t)rows * cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) {
                const size_t i = (size_t)r * cols + c;
                pixels_[i] = (opt.mask_upper && c > r)
                                 ? pal.masked
                                 : pack_rgba(map_value(opt.scale, values[i], opt.lo, opt.hi, opt.gamma));
            }
        tex_.upload(pixels_.data(), cols, rows);
        version_ = version;
        lo_ = opt.lo;
        hi_ = opt.hi;
        gamma_ = opt.gamma;
        scale_ = opt.scale;
        mask_ = opt.mask_upper;
        masked_color_ = pal.masked;
    }
    const ImVec2 m0(L.map.x, L.map.y), m1(L.map.right(), L.map.bottom());
    dl->AddImage(tex_.id(), m0, m1);

    // ---- labels, thinned so they never overlap
    if (row_label_w > 0) {
        const int stride = label_stride(L.cell_h, fs * 1.05f);
        for (int r = 0; r < rows; r += stride) {
            const std::string& s = (*opt.row_labels)[std::min<size_t>(r, opt.row_labels->size() - 1)];
            const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, s.c_str());
            const float y = L.map.y + (r + 0.5f) * L.cell_h - fs * 0.5f;
            const ImU32 col = (r == opt.selected_row) ? pal.accent : pal.axis_text;
            dl->AddText(font, fs, ImVec2(L.map.x - ts.x - fs * 0.3f, y), col, s.c_str());
        }
    }
    if (col_label_h > 0) {
        float widest = 0;
        for (const auto& s : *opt.col_labels) widest = std::max(widest, font->CalcTextSizeA(fs, 1e9f, 0, s.c_str()).x);
        const int stride = label_stride(L.cell_w, widest + fs * 0.35f);
        for (int c = 0; c < cols; c += stride) {
            const std::string& s = (*opt.col_labels)[std::min<size_t>(c, opt.col_labels->size() - 1)];
            const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, s.c_str());
            const float x = L.map.x + (c + 0.5f) * L.cell_w - ts.x * 0.5f;
            dl->AddText(font, fs, ImVec2(x, L.map.y - fs - 3), pal.axis_text, s.c_str());
        }
    }
    if (opt.legend) DrawColorLegend(dl, L.legend, opt.scale, opt.lo, opt.hi, opt.gamma);

    // ---- selection, hover, click
    if (opt.selected_row >= 0 && opt.selected_row < rows) {
        const float y = L.map.y + opt.selected_row * L.cell_h;
        dl->AddRect(ImVec2(L.map.x - 1, y - 1), ImVec2(L.map.right() + 1, y + L.cell_h + 1), pal.accent, 0, 0, 2.0f);
    }
    if (opt.interactive && item_hovered) {
        const ImVec2 mp = ImGui::GetIO().MousePos;
        const int c = cell_at(mp.x, L.map.x, L.cell_w, cols);
        const int r = cell_at(mp.y, L.map.y, L.cell_h, rows);
        if (r >= 0 && c >= 0) {
            res.hovered = true;
            res.row = r;
            res.col = c;
            res.clicked = item_clicked;
            const float y = L.map.y + r * L.cell_h;
            dl->AddRect(ImVec2(L.map.x, y), ImVec2(L.map.right(), y + L.cell_h), with_alpha(pal.hover, 90));
            const float x = L.map.x + c * L.cell_w;
            dl->AddRect(ImVec2(x - 1, y - 1), ImVec2(x + L.cell_w + 1, y + L.cell_h + 1), pal.hover, 0,
                        0, 1.5f);
            if (opt.tooltip) {
                const float v = values[(size_t)r * cols + c];
                ImGui::BeginTooltip();
                auto label = [](const std::vector<std::string>* ls, int i) -> std::string {
                    return ls && i < (int)ls->size() ? " '" + (*ls)[i] + "'" : "";
                };
                ImGui::Text("%s %d%s  →  %s %d%s", tr(opt.row_name), r, label(opt.row_labels, r).c_str(), tr(opt.col_name), c,
                            label(opt.col_labels, c).c_str());
                if (opt.mask_upper && c > r) {
                    ImGui::TextDisabled("%s", tr("masked: a query never sees later tokens"));
                } else {
                    char buf[64];
                    std::snprintf(buf, sizeof buf, opt.value_format, v);
                    ImGui::Text(tr("value %s"), buf);
                }
                ImGui::EndTooltip();
            }
        }
    }
    ImGui::PopID();
    return res;
}

void DrawColorLegend(ImDrawList* dl, Rect r, ColorScale scale, float lo, float hi, float gamma) {
    const Palette& pal = palette();
    // which map: its name over the bar, what it is in the tooltip
    ImFont* name_font = ImGui::GetFont();
    const float name_fs = ImGui::GetFontSize() * 0.8f;
    dl->AddText(name_font, name_fs, ImVec2(r.x, r.y), pal.text_dim, colormap_name(scale));
    if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(ImVec2(r.x, r.y), ImVec2(r.right(), r.bottom())))
        ImGui::SetTooltip("%s", tr(colormap_description(scale)));
    const float name_h = name_fs * 1.3f;
    r.y += name_h;
    r.h = std::max(8.0f, r.h - name_h);
    const float bar_w = std::min(12.0f, r.w * 0.3f);
    const int n = 48;
    for (int i = 0; i < n; i++) {
        // band i from the bottom: values lo .. hi
        const float t0 = (float)i / n, t1 = (float)(i + 1) / n;
        const float v0 = lo + (hi - lo) * t0, v1 = lo + (hi - lo) * t1;
        const ImU32 c0 = pack_rgba(map_value(scale, v0, lo, hi, gamma));
        const ImU32 c1 = pack_rgba(map_value(scale, v1, lo, hi, gamma));
        const float y0 = r.bottom() - t0 * r.h, y1 = r.bottom() - t1 * r.h;
        dl->AddRectFilledMultiColor(ImVec2(r.x, y1), ImVec2(r.x + bar_w, y0), c1, c1, c0, c0);
    }
    dl->AddRect(ImVec2(r.x, r.y), ImVec2(r.x + bar_w, r.bottom()), pal.plot_border);
    ImFont* font = ImGui::GetFont();
    const float fs = ImGui::GetFontSize() * 0.85f;
    const Ticks t = nice_ticks(lo, hi, 3);
    const float mid = 0.5f * (lo + hi);
    const float ticks[3] = {lo, mid, hi};
    for (float v : ticks) {
        const float y = hi > lo ? r.bottom() - (v - lo) / (hi - lo) * r.h : r.y;
        const std::string s = format_tick(v, std::max(1, t.decimals));
        const float ty = std::min(std::max(y - fs * 0.5f, r.y - fs * 0.5f), r.bottom() - fs * 0.5f);
        dl->AddText(font, fs, ImVec2(r.x + bar_w + 6, ty), pal.axis_text, s.c_str());
    }
}

}  // namespace noam::viz
