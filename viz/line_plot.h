// Line plot widget over ImDrawList (no ImPlot in Debian): several series with a legend, axes with nice
// ticks and labels, optional log y, auto-range, hover read-out of every series at the mouse's x.
// Long series are decimated to min/max per pixel column before drawing.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include <imgui.h>

#include "layout.h"

namespace noam::viz {

struct PlotSeries {
    std::string label;
    const float* x = nullptr;   // ascending
    const float* y = nullptr;
    size_t n = 0;
    ImU32 color = IM_COL32(255, 255, 255, 255);
    float thickness = 2.0f;     // 0: no line, the markers alone (events such as clipping)
    bool markers = false;       // a dot on every point (sparse series such as validation loss)
    bool legend = true;         // listed in the legend
    bool readout = true;        // listed in the hover read-out
};

struct PlotOptions {
    bool log_y = false;
    const char* x_label = nullptr;      // under the x axis
    const char* y_label = nullptr;      // top-left, above the plot
    int max_x_ticks = 6, max_y_ticks = 5;
    const char* empty_text = "waiting for data";
    const char* value_format = "%.4f";
    float ref_y = NAN;                  // a dashed horizontal reference line, e.g. chance level
    const char* ref_label = nullptr;
    bool legend = true;
    bool x_tick_labels = true;
    float min_axis_w = 0;               // at least this much room for the y tick labels (aligns stacked plots)          // false: grid lines only (a plot above another sharing its x axis)
    double mark_x = NAN;                // a vertical marker line at this x (e.g. the current step)
    const char* mark_label = nullptr;   // written beside the marker, at the top
    bool fixed_x = false;               // use x_lo..x_hi instead of the data's range
    double x_lo = 0, x_hi = 1;
    bool fixed_y = false;               // use y_lo..y_hi instead of the data's range (lines are clipped to it)
    double y_lo = 0, y_hi = 1;
};

struct PlotResult {
    bool hovered = false;
    double hover_x = 0;     // data x under the mouse
    Rect canvas;            // the plotting area (inside the axes), screen pixels
    Rect legend;            // the legend box inside it (w = 0 when there is none)
    float axis_w = 0;       // the width the y tick labels needed
    double x_lo = 0, x_hi = 1;  // the data x at the canvas's left and right edges (a cursor's position)
};

class LinePlot {
public:
    PlotResult Draw(const char* id, const std::vector<PlotSeries>& series, ImVec2 size, const PlotOptions& opt);

private:
    std::vector<float> dx_, dy_;  // decimated series
    std::vector<ImVec2> pts_;
};

}  // namespace noam::viz
