// Panel "Second moment": for one weight matrix (the lesson's "param" option; default the first block's FFN W1),
// what the optimizer knows about its squared gradients: the full second moment V (Adafactor's exact V, kept for
// this picture only, or Adam's bias-corrected v) beside Adafactor's rank-1 reconstruction Vhat = R C^T / sum(R)
// with R and C as bar strips along its edges, and the error map log2(Vhat / V) in the diverging colours, with
// ||Vhat - V||_F / ||V||_F. All from the snapshot's optimizer block (noam::capture_optimizer); the panel asks the
// run to watch the matrix (RunView::watch_param) when it does not yet.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "heatmap.h"
#include "run_set.h"
#include "ui_context.h"

namespace noam::viz {

struct SecondMomentPanel {
    static constexpr const char* kDefaultParam = "blocks.0.ffn.w1.w";
    std::string param = kDefaultParam;  // the matrix shown (a lesson step's option sets it)
    size_t member = 0;                  // which run of the RunSet
    bool show_grad = false;             // the left map: V (false) or this step's G^2 (true)

    // display arrays, recomputed when the snapshot changes
    uint64_t seen_version = ~0ull, seen_run_id = ~0ull;
    size_t seen_member = ~(size_t)0;
    bool seen_grad = false;
    int rows = 0, cols = 0;
    std::vector<float> left_log, vhat_log, error_log2;  // log10(V or G^2), log10(Vhat), log2(Vhat / V)
    float log_lo = 0, log_hi = 1, err_range = 1;
    std::vector<std::string> blank_rows, blank_cols, r_tips, c_tips;
    uint64_t maps_version = 0;
    Heatmap left_map, vhat_map, error_map;

    void Draw(RunSet& runs, UiContext& ui);
    void release_gl() {
        left_map.release();
        vhat_map.release();
        error_map.release();
    }

private:
    void compute(const Snapshot& s);
};

}  // namespace noam::viz
