// Layout arithmetic: where the panels go in the main window, how a grid of small maps fits a region,
// how often a heatmap can print a token label, and how token boxes wrap into lines.
// Pure functions: no ImGui, no GL (tested in tests/viz_unit/).
#pragma once
#include <string>
#include <vector>

namespace noam::viz {

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    float right() const { return x + w; }
    float bottom() const { return y + h; }
    bool contains(float px, float py) const { return px >= x && px < x + w && py >= y && py < y + h; }
};

// The default arrangement of the panels below the menu bar, three columns:
//   left   : training controls (top), run setup (bottom)
//   middle : loss curves (top), generated text + watched example, model summary
//   right  : attention (full height)
// Proportional to the window so it works from 1024x640 to 4K; the left column and the controls panel grow
// with the UI scale (their contents do) up to a third of the window. Panels never overlap and tile exactly.
struct PanelLayout {
    Rect controls, setup, loss, sample, summary, attention;
};
PanelLayout default_layout(float width, float height, float top, float scale = 1.0f);

// The lesson player's arrangement below the menu bar:
//   list   : the lessons, grouped by paper (left, only when shown; w = 0 otherwise)
//   step   : the step view: title, narrative, "watch for", knobs, navigation
//   panels : the step's panels (stacked by stack_panels)
// The narrative column is about a third of the window (more without the list), at least 380 px per unit of
// UI scale so its large type wraps at a readable measure; the panels keep at least 300 px.
struct LessonLayout {
    Rect list, step, panels;
};
LessonLayout lesson_layout(float width, float height, float top, float scale, bool show_list);

// Panels in an area: one column (two when there are more than three panels, or the area is much wider than
// tall), heights in proportion to weights but at least min_h each while that fits. Rects tile the area
// exactly, in the order given (column by column). weights and min_h have one entry per panel.
std::vector<Rect> stack_panels(Rect area, const std::vector<float>& weights, const std::vector<float>& min_h);

// A rows x cols grid of square cells with row/column headers, fitted into avail_w x avail_h:
// cell = min((avail_w - header_w - gap*(cols-1)) / cols, (avail_h - header_h - gap*(rows-1)) / rows),
// at most max_cell. Cells are laid out from (header_w, header_h).
struct GridLayout {
    int rows = 0, cols = 0;
    float cell = 0, gap = 0, header_w = 0, header_h = 0;
    Rect cell_rect(int r, int c) const;  // relative to the grid's top-left corner
    float width() const { return header_w + cols * cell + (cols > 0 ? (cols - 1) * gap : 0); }
    float height() const { return header_h + rows * cell + (rows > 0 ? (rows - 1) * gap : 0); }
    // the cell under (px, py), relative to the top-left corner; false in headers and gaps
    bool hit(float px, float py, int& r, int& c) const;
};
GridLayout fit_grid(int rows, int cols, float avail_w, float avail_h, float gap, float header_w, float header_h,
                    float max_cell);

// Labels every `stride` cells so neighbouring labels do not overlap: the smallest of 1, 2, 4, 5, 8, 10, 16,
// 20, 25, 32, 50, ... with stride * cell_px >= label_px.
int label_stride(float cell_px, float label_px);

// The index of the cell under pos along one axis (origin, n cells of size cell), or -1 outside.
int cell_at(float pos, float origin, float cell, int n);

// Flows boxes of the given widths (all of height h) into lines of at most avail_w, with gap between boxes
// and line_gap between lines. A box wider than avail_w gets a line of its own. Returns one rect per box.
std::vector<Rect> flow_layout(const std::vector<float>& widths, float h, float avail_w, float gap, float line_gap);

// A heatmap's parts inside its total area: labels on the left and top, an optional legend bar on the right.
// The map keeps square cells when square is true, of a whole number of pixels when that costs < 15%.
struct HeatmapLayout {
    Rect map, legend, row_labels, col_labels;
    float cell_w = 0, cell_h = 0;
};
HeatmapLayout heatmap_layout(Rect area, int rows, int cols, float row_label_w, float col_label_h, float legend_w,
                             bool square);

}  // namespace noam::viz
