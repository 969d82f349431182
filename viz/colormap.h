// Colour maps for the pictures: viridis for values in [0, 1] (attention, probabilities), a diverging
// colour-blind-safe map for signed values (weights, gradients), and a categorical palette for series.
// Pure functions: no ImGui, no GL (tested in tests/viz_unit/).
#pragma once
#include <cstdint>

namespace noam::viz {

struct Rgb {
    float r = 0, g = 0, b = 0;  // sRGB, each in [0, 1]
};

// viridis(t), t clamped to [0, 1]: dark purple (0) -> teal -> yellow (1); luminance rises monotonically.
Rgb viridis(float t);

// t in [-1, 1] (clamped): dark blue (-1) -> light grey (0) -> dark red (+1), ColorBrewer RdBu (11 classes),
// safe for the common colour-vision deficiencies. Luminance rises from each end to the middle.
Rgb diverging(float t);

enum class ColorScale { Sequential, Diverging };

// Maps a value to a colour. Sequential: t = (v - lo) / (hi - lo) through viridis, then t^gamma
// (gamma < 1 lifts weak values, e.g. 0.5 shows faint attention links). Diverging: symmetric around 0,
// t = v / max(|lo|, |hi|). Non-finite values map to mid grey.
Rgb map_value(ColorScale scale, float v, float lo, float hi, float gamma = 1.0f);

// WCAG relative luminance of an sRGB colour, in [0, 1].
float relative_luminance(Rgb c);

// Black or white, whichever reads better on background c.
Rgb contrast_text(Rgb c);

// Okabe & Ito's categorical palette (colour-blind safe), cycled; tuned for a dark background.
Rgb series_color(int i);
// The same palette for a light background when light_background: blue and sky blue trade places (sky blue
// is faint on white) and yellow becomes Okabe-Ito's black; otherwise series_color(i).
Rgb series_color(int i, bool light_background);

// The name a heatmap legend shows over its bar ("viridis", "RdBu"), and a sentence saying what the map is
// (the legend's tooltip).
const char* colormap_name(ColorScale scale);
const char* colormap_description(ColorScale scale);

// Packs into Dear ImGui's ImU32 layout (IM_COL32: R in the low byte, A in the high byte).
uint32_t pack_rgba(Rgb c, float alpha = 1.0f);

}  // namespace noam::viz
