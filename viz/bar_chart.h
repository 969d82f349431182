// Bar chart widget: one bar per label (horizontal: labels on the left, bars growing right; vertical:
// labels under the bars), value labels, an optional reference line (e.g. expert capacity), hover read-out.
// With every label empty and value_labels off it is a bare bar strip (e.g. along a heatmap's edge).
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include <imgui.h>

namespace noam::viz {

struct BarChartOptions {
    bool horizontal = true;
    float ref = NAN;                    // reference value drawn as a dashed line across the bars
    const char* ref_label = nullptr;
    const char* value_format = "%.0f";  // printf format for value labels and the tooltip
    bool value_labels = true;
    float max_value = NAN;              // axis end; default: max of the values and ref
    std::vector<ImU32> colors;          // per bar (cycled); empty: the accent colour
    std::vector<std::string> tooltips;  // per bar extra line in the tooltip
};

// Returns the index of the hovered bar, or -1.
int BarChart(const char* id, const std::vector<std::string>& labels, const std::vector<float>& values, ImVec2 size,
             const BarChartOptions& opt);

}  // namespace noam::viz
