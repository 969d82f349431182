// Token strip widget: the tokens of an example as boxes that wrap like text, each tinted by a value
// (attention weight, probability), with a hover read-out and an optional highlighted token.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

#include "colormap.h"

namespace noam::viz {

struct TokenStripOptions {
    ColorScale scale = ColorScale::Sequential;
    float lo = 0, hi = 1, gamma = 1;
    int highlight = -1;                 // outlined in the accent colour (e.g. the query token)
    ImFont* font = nullptr;             // default: the current font
    const char* value_name = nullptr;   // in the tooltip, translated there (nullptr: "value")
    const char* value_format = "%.3f";
    bool tooltip = true;                // false: the caller draws its own for the returned index
    const std::vector<bool>* dim = nullptr;  // per token: draw without a tint (e.g. positions not scored)
    float max_width = 0;                // 0: the available content width
};

// values may be null (no tint). Returns the index of the hovered token, or -1.
int TokenStrip(const char* id, const std::vector<std::string>& labels, const float* values,
               const TokenStripOptions& opt);

}  // namespace noam::viz
