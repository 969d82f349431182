// Histogram widget over ImDrawList: the bars of a plot_math Histogram (counts per equal bin), an x axis with
// nice ticks and a label, a dashed line at x = 0 when the range spans it, and the bin under the mouse with its
// count and share of all values in a tooltip.
#pragma once
#include <imgui.h>

#include "plot_math.h"

namespace noam::viz {

void HistogramPlot(const char* id, const Histogram& h, ImVec2 size, ImU32 color, const char* x_label);

}  // namespace noam::viz
