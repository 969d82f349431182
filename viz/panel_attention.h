// Panel "Attention": a layers x heads grid of the watched example's attention maps; click one to enlarge it
// with token labels; hover (or click) a query row to see that row as a token strip: which tokens this one
// reads (the BertViz question).
#pragma once
#include <memory>
#include <vector>

#include "heatmap.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct AttentionPanel {
    int focus_layer = -1, focus_head = 0;   // the enlarged map (-1: pick the last layer)
    int want_layer = -1, want_head = -1;    // the head a lesson asks for: taken again by every new run
    // what a lesson step shows: the grid ("attention_grid"), one head enlarged ("attention"), or both
    bool show_grid = true, show_focus = true;
    float grid_share = 0.36f;               // of the panel's height, when both are shown
    int selected_row = -1;                  // the query clicked in the enlarged map
    bool sqrt_contrast = false;             // gamma 0.5: shows weak links
    uint64_t seen_run_id = 0;
    std::vector<std::unique_ptr<Heatmap>> cells;
    Heatmap focus;

    void Draw(RunView& run, UiContext& ui);
    // Enlarge this head (0-based), now and after every new run; -1 forgets the choice.
    void select(int layer, int head) {
        want_layer = layer;
        want_head = head;
        if (layer >= 0) focus_layer = layer;
        if (head >= 0) focus_head = head;
    }
    void release_gl() { cells.clear(); focus.release(); }  // while the GL context is current
};

}  // namespace noam::viz
