// Heatmap widget: a rows x cols matrix of values as coloured cells (uploaded as a GL texture: one quad,
// whatever the size), optional row / column token labels, a colour legend, hover tooltip with the exact
// value, click to select a row.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>

#include "colormap.h"
#include "gl_texture.h"
#include "layout.h"

namespace noam::viz {

struct HeatmapOptions {
    ColorScale scale = ColorScale::Sequential;
    float lo = 0, hi = 1;
    float gamma = 1;                    // sequential only: t^gamma (0.5 lifts faint values)
    bool mask_upper = false;            // cells with col > row drawn as "masked" (a causal mask)
    const std::vector<std::string>* row_labels = nullptr;
    const std::vector<std::string>* col_labels = nullptr;
    ImFont* label_font = nullptr;       // default: the current font
    bool legend = false;
    bool square = true;
    bool tooltip = true;
    bool interactive = true;            // hover highlight and clicks
    int selected_row = -1;              // outlined in the accent colour
    const char* row_name = "row";       // English (or translated): the tooltip shows tr(row_name)
    const char* col_name = "column";
    const char* value_format = "%.3f";
};

struct HeatmapResult {
    bool hovered = false;
    int row = -1, col = -1;             // the cell under the mouse
    bool clicked = false;               // left click on a cell this frame (row/col say which)
    Rect map;                           // the cells' rectangle, in screen pixels
};

class Heatmap {
public:
    // values: (rows, cols) row-major. version: changes whenever the values change (the texture is
    // re-uploaded only then, or when the colour options change).
    HeatmapResult Draw(const char* id, const float* values, int rows, int cols, ImVec2 size,
                       const HeatmapOptions& opt, uint64_t version);
    void release() {
        tex_.release();
        version_ = ~0ull;
    }

private:
    Texture tex_;
    uint64_t version_ = ~0ull;
    float lo_ = 0, hi_ = 0, gamma_ = 0;
    ColorScale scale_ = ColorScale::Sequential;
    bool mask_ = false;
    uint32_t masked_color_ = 0;         // the theme's colour for masked cells when uploaded
    std::vector<uint32_t> pixels_;
};

// The colour bar of a heatmap: the map's name on top ("viridis", "RdBu"; hover: what it is), then the map from
// lo (bottom) to hi (top) with three labelled ticks.
void DrawColorLegend(ImDrawList* dl, Rect r, ColorScale scale, float lo, float hi, float gamma);

}  // namespace noam::viz
