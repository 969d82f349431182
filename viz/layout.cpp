// Layout arithmetic for panels, grids, labels and token flows.
#include "layout.h"

#include <algorithm>
#include <cmath>

namespace noam::viz {

PanelLayout default_layout(float width, float height, float top, float scale) {
    PanelLayout p;
    const float h = std::max(100.0f, height - top);
    // column widths: left ~24% (at least 300 px per unit of UI scale), right (attention) ~38%, middle the rest
    const float left_w = std::floor(std::min(width * 0.34f, std::max({260.0f, width * 0.24f, 300.0f * scale})));
    const float right_w = std::floor(std::max(300.0f, std::min(width * 0.38f, width - left_w - 300.0f)));
    const float mid_w = std::max(200.0f, width - left_w - right_w);
    const float x1 = left_w, x2 = left_w + mid_w;

    const float controls_h = std::floor(std::min(h * 0.6f, std::max(h * 0.47f, 370.0f * scale)));
    p.controls = {0, top, left_w, controls_h};
    p.setup = {0, top + controls_h, left_w, h - controls_h};

    const float loss_h = std::floor(h * 0.44f);
    const float sample_h = std::floor(h * 0.27f);
    p.loss = {x1, top, mid_w, loss_h};
    p.sample = {x1, top + loss_h, mid_w, sample_h};
    p.summary = {x1, top + loss_h + sample_h, mid_w, h - loss_h - sample_h};

    p.attention = {x2, top, width - x2, h};
    return p;
}

LessonLayout lesson_layout(float width, float height, float top, float scale, bool show_list) {
    LessonLayout l;
    const float h = std::max(100.0f, height - top);
    const float list_w = show_list ? std::floor(std::min(width * 0.24f, std::max(230.0f * scale, width * 0.17f))) : 0.0f;
    float step_w = std::floor(std::min(width * 0.45f, std::max(380.0f * scale, width * (show_list ? 0.32f : 0.36f))));
    step_w = std::max(200.0f, std::min(step_w, width - list_w - 300.0f));
    l.list = {0, top, list_w, h};
    l.step = {list_w, top, step_w, h};
    l.panels = {list_w + step_w, top, std::max(1.0f, width - list_w - step_w), h};
    return l;
}

namespace {

// Heights for n panels sharing `total`: in proportion to the weights, but panels whose share would fall
// under their minimum get the minimum and the others share the rest (repeated until stable).
std::vector<float> share_heights(float total, const std::vector<float>& w, const std::vector<float>& min_h) {
    const size_t n = w.size();
    std::vector<float> h(n, 0);
    std::vector<bool> fixed(n, false);
    float min_sum = 0;
    for (size_t i = 0; i < n; i++) min_sum += min_h[i];
    if (min_sum >= total) {  // not even the minimums fit: in proportion to them
        for (size_t i = 0; i < n; i++) h[i] = min_sum > 0 ? total * min_h[i] / min_sum : total / n;
        return h;
    }
    for (bool changed = true; changed;) {
        changed = false;
        float free = total, wsum = 0;
        for (size_t i = 0; i < n; i++) {
            if (fixed[i]) free -= min_h[i];
            else wsum += std::max(1e-6f, w[i]);
        }
        for (size_t i = 0; i < n; i++) {
            if (fixed[i]) {
                h[i] = min_h[i];
                continue;
            }
            h[i] = free * std::max(1e-6f, w[i]) / wsum;
            if (h[i] < min_h[i]) {
                fixed[i] = true;
                changed = true;
            }
        }
    }
    return h;
}

}  // namespace

std::vector<Rect> stack_panels(Rect area, const std::vector<float>& weights, const std::vector<float>& min_h) {
    const size_t n = weights.size();
    std::vector<Rect> out(n);
    if (n == 0) return out;
    const int cols = (n > 3 || (n >= 2 && area.w > 1.5f * area.h)) ? 2 : 1;
    const size_t first_col = cols == 1 ? n : (n + 1) / 2;
    for (int c = 0; c < cols; c++) {
        const size_t b = c == 0 ? 0 : first_col, e = c == 0 ? first_col : n;
        const float x0 = area.x + std::floor(area.w * c / cols);
        const float x1 = c == cols - 1 ? area.right() : area.x + std::floor(area.w * (c + 1) / cols);
        std::vector<float> w(weights.begin() + b, weights.begin() + e), m(min_h.begin() + b, min_h.begin() + e);
        const std::vector<float> h = share_heights(area.h, w, m);
        float y = area.y;
        for (size_t i = b; i < e; i++) {
            const float bottom = i + 1 == e ? area.bottom() : std::floor(y + h[i - b]);
            out[i] = {x0, y, x1 - x0, bottom - y};
            y = bottom;
        }
    }
    return out;
}

Rect GridLayout::cell_rect(int r, int c) const {
    return {header_w + c * (cell + gap), header_h + r * (cell + gap), cell, cell};
}

bool GridLayout::hit(float px, float py, int& r, int& c) const {
    const float x = px - header_w, y = py - header_h;
    if (x < 0 || y < 0 || cell <= 0) return false;
    const int cc = (int)std::floor(x / (cell + gap)), rr = (int)std::floor(y / (cell + gap));
    if (cc >= cols || rr >= rows) return false;
    if (x - cc * (cell + gap) >= cell || y - rr * (cell + gap) >= cell) return false;  // in a gap
    r = rr;
    c = cc;
    return true;
}

GridLayout fit_grid(int rows, int cols, float avail_w, float avail_h, float gap, float header_w, float header_h,
                    float max_cell) {
    GridLayout g;
    g.rows = std::max(0, rows);
    g.cols = std::max(0, cols);
    g.gap = gap;
    g.header_w = header_w;
    g.header_h = header_h;
    if (g.rows == 0 || g.cols == 0) return g;
    const float cw = (avail_w - header_w - gap * (g.cols - 1)) / g.cols;
    const float ch = (avail_h - header_h - gap * (g.rows - 1)) / g.rows;
    g.cell = std::floor(std::max(1.0f, std::min({cw, ch, max_cell})));
    return g;
}

int label_stride(float cell_px, float label_px) {
    if (cell_px <= 0) return 1 << 20;
    static const int kStrides[] = {1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 250, 256, 500, 1000};
    for (int s : kStrides)
        if (s * cell_px >= label_px) return s;
    return (int)std::ceil(label_px / cell_px);
}

int cell_at(float pos, float origin, float cell, int n) {
    if (cell <= 0) return -1;
    const float t = (pos - origin) / cell;
    if (t < 0) return -1;
    const int i = (int)std::floor(t);
    return i < n ? i : -1;
}

std::vector<Rect> flow_layout(const std::vector<float>& widths, float h, float avail_w, float gap, float line_gap) {
    std::vector<Rect> out;
    out.reserve(widths.size());
    float x = 0, y = 0;
    for (float w : widths) {
        if (x > 0 && x + w > avail_w) {
            x = 0;
            y += h + line_gap;
        }
        out.push_back({x, y, w, h});
        x += w + gap;
    }
    return out;
}

HeatmapLayout heatmap_layout(Rect area, int rows, int cols, float row_label_w, float col_label_h, float legend_w,
                             bool square) {
    HeatmapLayout l;
    rows = std::max(1, rows);
    cols = std::max(1, cols);
    const float legend_gap = legend_w > 0 ? 8.0f : 0.0f;
    float mw = std::max(1.0f, area.w - row_label_w - legend_w - legend_gap);
    float mh = std::max(1.0f, area.h - col_label_h);
    float cw = mw / cols, chh = mh / rows;
    if (square) {
        cw = chh = std::min(cw, chh);
        // whole pixels per cell keep the edges crisp, when that costs less than 15% of the size
        if (cw >= 2 && std::floor(cw) / cw >= 0.85f) cw = chh = std::floor(cw);
        mw = cw * cols;
        mh = chh * rows;
    }
    l.cell_w = cw;
    l.cell_h = chh;
    l.map = {area.x + row_label_w, area.y + col_label_h, mw, mh};
    l.row_labels = {area.x, l.map.y, row_label_w, mh};
    l.col_labels = {l.map.x, area.y, mw, col_label_h};
    l.legend = {l.map.right() + legend_gap, l.map.y, legend_w, mh};
    return l;
}

}  // namespace noam::viz
