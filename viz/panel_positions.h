// Panel "Positions": the sinusoidal position matrix PE (T x d, one row per position: fast waves in the first
// columns, slow ones in the last) with the diverging colour map, and the position-similarity map PE·PEᵀ
// (T x T: nearby positions look alike, and the similarity depends only on the distance). The numbers come
// from core's noam::sinusoidal_positions for the run's seq_len and d_model.
#pragma once
#include <string>
#include <vector>

#include "heatmap.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct PositionsPanel {
    int T = 0, d = 0;                  // the sizes pe and sim were computed for
    std::vector<float> pe;             // (T, d)
    std::vector<float> sim;            // (T, T) = PE · PEᵀ
    float sim_range = 1;               // max |sim| (the diagonal: d / 2)
    std::vector<std::string> pos_labels, dim_labels;
    uint64_t version = 0;              // +1 when the matrices are recomputed
    Heatmap pe_map, sim_map;

    void Draw(RunView& run, UiContext& ui);
    void release_gl() {
        pe_map.release();
        sim_map.release();
    }

private:
    void compute(int T, int d);
};

}  // namespace noam::viz
