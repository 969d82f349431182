// The look: a dark theme with one accent colour, sizes that scale with the UI scale, and the few colours
// the widgets share (plot background, grid, axis text, error red).
#pragma once
#include <cstdint>

struct ImGuiStyle;

namespace noam::viz {

struct Palette {
    uint32_t plot_bg, plot_border, grid, axis_text, text_dim, accent, accent_soft, error, ok, warn, masked;
};
const Palette& palette();

// Fills style with the NoamLab dark theme at scale 1 (call ScaleAllSizes on a copy for other scales).
void dark_theme(ImGuiStyle& style);

}  // namespace noam::viz
