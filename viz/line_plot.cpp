// Line plot: frame, grid, ticks, series, legend, reference line, hover read-out.
#include "line_plot.h"

#include <algorithm>
#include <cstdio>

#include "plot_math.h"
#include "theme.h"

namespace noam::viz {

namespace {

void dashed_hline(ImDrawList* dl, float x0, float x1, float y, ImU32 col, float dash) {
    for (float x = x0; x < x1; x += dash * 2) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + dash, x1), y), col, 1.0f);
}

}  // namespace

PlotResult LinePlot::Draw(const char* id, const std::vector<PlotSeries>& series, ImVec2 size, const PlotOptions& opt) {
    PlotResult res;
    ImGui::PushID(id);
    const Palette& pal = palette();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    size.x = std::max(size.x, 60.0f);
    size.y = std::max(size.y, 40.0f);
    ImGui::InvisibleButton("##plot", size);
    const bool item_hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* font = ImGui::GetFont();
    const float fs = ImGui::GetFontSize();
    const float sfs = fs * 0.85f;  // tick labels

    // ---- ranges
    double xlo = INFINITY, xhi = -INFINITY;
    std::vector<float> extremes;
    for (const PlotSeries& s : series) {
        if (s.n == 0) continue;
        xlo = std::min(xlo, (double)s.x[0]);
        xhi = std::max(xhi, (double)s.x[s.n - 1]);
        float mn = INFINITY, mx = -INFINITY;
        for (size_t i = 0; i < s.n; i++) {
            const float v = s.y[i];
            if (!std::isfinite(v) || (opt.log_y && v <= 0)) continue;
            mn = std::min(mn, v);
            mx = std::max(mx, v);
        }
        if (mn <= mx) {
            extremes.push_back(mn);
            extremes.push_back(mx);
        }
    }
    if (std::isfinite(opt.ref_y) && (!opt.log_y || opt.ref_y > 0)) extremes.push_back(opt.ref_y);
    const bool has_data = xlo <= xhi && !extremes.empty();
    if (opt.fixed_x) {
        xlo = opt.x_lo;
        xhi = opt.x_hi;
    }
    if (!(xlo <= xhi)) { xlo = 0; xhi = 1; }
    if (xhi - xlo < 1e-9) xhi = xlo + 1;
    res.x_lo = xlo;
    res.x_hi = xhi;
    const Range yr = opt.fixed_y ? Range{opt.y_lo, opt.y_hi} : auto_range({&extremes}, opt.log_y, 0.06);

    // ---- frame: margins from the tick labels
    const Ticks yt = opt.log_y ? log_ticks(yr.lo, yr.hi, opt.max_y_ticks) : nice_ticks(yr.lo, yr.hi, opt.max_y_ticks);
    std::vector<std::string> ylabels;
    float ylab_w = 0;
    for (double v : yt.values) {
        ylabels.push_back(format_tick(v, yt.decimals));
        ylab_w = std::max(ylab_w, font->CalcTextSizeA(sfs, 1e9f, 0, ylabels.back().c_str()).x);
    }
    res.axis_w = ylab_w;
    ylab_w = std::max(ylab_w, opt.min_axis_w);
    const float top = opt.y_label ? fs + 6 : 6;
    const float bottom = (opt.x_tick_labels ? sfs + 8 : 4) + (opt.x_label ? sfs + 4 : 0);
    const Rect frame{p0.x, p0.y, size.x, size.y};
    const Rect cv{p0.x + ylab_w + 10, p0.y + top, std::max(10.0f, size.x - ylab_w - 10 - 8),
                  std::max(10.0f, size.y - top - bottom)};
    res.canvas = cv;
    dl->AddRectFilled(ImVec2(cv.x, cv.y), ImVec2(cv.right(), cv.bottom()), pal.plot_bg, 3.0f);
    if (opt.y_label) dl->AddText(font, fs * 0.9f, ImVec2(frame.x + 2, frame.y), pal.axis_text, opt.y_label);

    const AxisMap ax{xlo, xhi, cv.x, cv.right(), false};
    const AxisMap ay{yr.lo, yr.hi, cv.bottom(), cv.y, opt.log_y};

    // ---- grid and ticks
    for (size_t i = 0; i < yt.values.size(); i++) {
        const float y = ay.to_px(yt.values[i]);
        if (y < cv.y - 0.5f || y > cv.bottom() + 0.5f) continue;
        dl->AddLine(ImVec2(cv.x, y), ImVec2(cv.right(), y), pal.grid);
        const ImVec2 ts = font->CalcTextSizeA(sfs, 1e9f, 0, ylabels[i].c_str());
        dl->AddText(font, sfs, ImVec2(cv.x - ts.x - 6, y - sfs * 0.5f), pal.axis_text, ylabels[i].c_str());
    }
    const Ticks xt = nice_ticks(xlo, xhi, std::max(2, std::min(opt.max_x_ticks, (int)(cv.w / (sfs * 5)))));
    for (double v : xt.values) {
        const float x = ax.to_px(v);
        dl->AddLine(ImVec2(x, cv.y), ImVec2(x, cv.bottom()), pal.grid);
        if (!opt.x_tick_labels) continue;
        const std::string s = format_tick(v, xt.decimals);
        const ImVec2 ts = font->CalcTextSizeA(sfs, 1e9f, 0, s.c_str());
        const float tx = std::min(std::max(x - ts.x * 0.5f, cv.x - ylab_w), cv.right() - ts.x + 6);
        dl->AddText(font, sfs, ImVec2(tx, cv.bottom() + 4), pal.axis_text, s.c_str());
    }
    if (opt.x_label) {
        const ImVec2 ts = font->CalcTextSizeA(sfs, 1e9f, 0, opt.x_label);
        dl->AddText(font, sfs, ImVec2(cv.x + (cv.w - ts.x) * 0.5f, cv.bottom() + sfs + 8), pal.text_dim, opt.x_label);
    }
    dl->AddRect(ImVec2(cv.x, cv.y), ImVec2(cv.right(), cv.bottom()), pal.plot_border, 3.0f);

    if (!has_data) {
        const ImVec2 ts = ImGui::CalcTextSize(opt.empty_text);
        dl->AddText(ImVec2(cv.x + (cv.w - ts.x) * 0.5f, cv.y + (cv.h - ts.y) * 0.5f), pal.text_dim, opt.empty_text);
        ImGui::PopID();
        return res;
    }

    // ---- reference line and series, clipped to the canvas
    dl->PushClipRect(ImVec2(cv.x, cv.y), ImVec2(cv.right(), cv.bottom()), true);
    if (std::isfinite(opt.ref_y)) {
        const float y = ay.to_px(opt.ref_y);
        dashed_hline(dl, cv.x, cv.right(), y, pal.reference, 5.0f);
        if (opt.ref_label) dl->AddText(font, sfs, ImVec2(cv.x + 6, y - sfs - 2), pal.text_dim, opt.ref_label);
    }
    for (const PlotSeries& s : series) {
        if (s.n == 0) continue;
        decimate_minmax(s.x, s.y, s.n, xlo, xhi, std::max(1, (int)cv.w), dx_, dy_);
        pts_.clear();
        for (size_t i = 0; i < dx_.size(); i++) {
            if (!std::isfinite(dy_[i])) continue;
            pts_.push_back(ImVec2(ax.to_px(dx_[i]), ay.to_px(dy_[i])));
        }
        // the high-contrast theme draws every line thicker (pal.line_scale)
        const float thick = s.thickness * pal.line_scale;
        if (pts_.size() >= 2 && s.thickness > 0) dl->AddPolyline(pts_.data(), (int)pts_.size(), s.color, 0, thick);
        if (s.markers || pts_.size() == 1) {
            const float r = (s.thickness > 0 ? std::max(2.0f, thick * 1.3f) : 2.5f) * std::sqrt(pal.line_scale);
            for (const ImVec2& p : pts_) dl->AddCircleFilled(p, r, s.color, 10);
        }
    }
    if (std::isfinite(opt.mark_x) && opt.mark_x >= xlo && opt.mark_x <= xhi) {
        const float x = ax.to_px(opt.mark_x);
        dl->AddLine(ImVec2(x, cv.y), ImVec2(x, cv.bottom()), with_alpha(pal.warn, 200), 1.5f * pal.line_scale);
        if (opt.mark_label) {
            const ImVec2 ts = font->CalcTextSizeA(sfs, 1e9f, 0, opt.mark_label);
            const float tx = x + 4 + ts.x <= cv.right() - 2 ? x + 4 : x - 4 - ts.x;  // flips left near the right edge
            dl->AddText(font, sfs, ImVec2(tx, cv.y + 4), pal.warn, opt.mark_label);
        }
    }
    dl->PopClipRect();

    // ---- legend (top right, inside)
    if (opt.legend) {
        float w = 0;
        int rows = 0;
        for (const PlotSeries& s : series)
            if (s.legend) {
                w = std::max(w, font->CalcTextSizeA(sfs, 1e9f, 0, s.label.c_str()).x);
                rows++;
            }
        if (rows > 0) {
            const float line_h = sfs + 4, sw = sfs * 1.4f;
            const ImVec2 b1(cv.right() - 6, cv.y + 6);
            const ImVec2 b0(b1.x - (w + sw + 18), b1.y);
            dl->AddRectFilled(b0, ImVec2(b1.x, b0.y + rows * line_h + 8), pal.legend_bg, 4.0f);
            res.legend = {b0.x, b0.y, b1.x - b0.x, rows * line_h + 8};
            float y = b0.y + 4;
            for (const PlotSeries& s : series) {
                if (!s.legend) continue;
                const float cy = y + line_h * 0.5f;
                if (s.thickness > 0) dl->AddLine(ImVec2(b0.x + 6, cy), ImVec2(b0.x + 6 + sw, cy), s.color, std::max(2.0f, s.thickness * pal.line_scale));
                if (s.markers) dl->AddCircleFilled(ImVec2(b0.x + 6 + sw * 0.5f, cy), s.thickness > 0 ? 3.0f : 3.5f, s.color);
                dl->AddText(font, sfs, ImVec2(b0.x + 12 + sw, y + 2), pal.text, s.label.c_str());
                y += line_h;
            }
        }
    }

    // ---- hover: a vertical cursor and the value of every series at the nearest point
    const ImVec2 mp = ImGui::GetIO().MousePos;
    if (item_hovered && cv.contains(mp.x, mp.y)) {
        res.hovered = true;
        res.hover_x = ax.from_px(mp.x);
        dl->AddLine(ImVec2(mp.x, cv.y), ImVec2(mp.x, cv.bottom()), with_alpha(pal.hover, 70));
        ImGui::BeginTooltip();
        bool header = false;
        for (const PlotSeries& s : series) {
            if (!s.readout || s.n == 0) continue;
            const long i = nearest_index(s.x, s.n, res.hover_x);
            if (i < 0) continue;
            if (!header) {
                ImGui::TextDisabled("%s %s", opt.x_label ? opt.x_label : "x", format_tick(s.x[i], 0).c_str());
                header = true;
            }
            dl->AddCircleFilled(ImVec2(ax.to_px(s.x[i]), ay.to_px(s.y[i])), 4.0f, s.color);
            ImGui::ColorButton("##c", ImGui::ColorConvertU32ToFloat4(s.color),
                               ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoBorder,
                               ImVec2(ImGui::GetFontSize() * 0.7f, ImGui::GetFontSize() * 0.7f));
            ImGui::SameLine();
            char buf[64];
            std::snprintf(buf, sizeof buf, opt.value_format, s.y[i]);
            ImGui::Text("%s  %s", s.label.c_str(), buf);
        }
        ImGui::EndTooltip();
    }
    ImGui::PopID();
    return res;
}

}  // namespace noam::viz
