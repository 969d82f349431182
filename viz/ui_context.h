// What every panel gets each frame besides the run: fonts, the UI scale, and a recorder for the pixel
// rectangles of the plots (written with --layout-out so GUI tests find them without hard-coded pixels).
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "fonts.h"
#include "layout.h"

namespace noam::viz {

struct RegionRecorder {
    std::map<std::string, Rect> rects;
    std::map<std::string, uint32_t> colors;  // e.g. the train-loss line colour, for the pixel checks
    void record(const std::string& name, Rect r) { rects[name] = r; }
    void clear() { rects.clear(); colors.clear(); }
};

struct UiContext {
    FontSet* fonts = nullptr;
    float scale = 1.0f;
    RegionRecorder* regions = nullptr;
    double now = 0;      // seconds since the window opened
    int panel_flags = 0; // extra ImGuiWindowFlags for every panel (NoBackground when the tiles do not overlap)
    bool render = false; // `noamlab render`: the same picture every time: no measured speeds or times (panels
                         // say "not measured in render"), now counts frames (1/60 s each)
};

}  // namespace noam::viz
