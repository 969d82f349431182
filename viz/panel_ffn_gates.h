// Panel "FFN gates": inside one layer's feed-forward network on the watched example, the distribution of the
// hidden units' values. Left: the gate act(x W) of a gated kind (the activation itself for relu, gelu ...);
// right, for a gated kind: the gated product act(x W) * (x V) that W2 reads. Exact zeros (ReLU's silent
// units) are counted apart and printed as a fraction: ReLU FFNs are sparse, SwiGLU/GEGLU gates almost never are.
// The values come from Snapshot's [FFN activations] block (core/snapshot.cpp, capture_watched).
#pragma once
#include <string>

#include "plot_math.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct FfnGatesPanel {
    int layer = 0;                 // the lesson's option "layer"; clamped to the model
    static constexpr int kBins = 48;
    uint64_t seen_version = ~0ull;
    int seen_layer = -1;
    Histogram gate, product;       // of this layer's (T, H) values
    float gate_min = 0, gate_max = 0, product_min = 0, product_max = 0;

    void Draw(RunView& run, UiContext& ui);

private:
    void rebuild(const Snapshot& s, int l);
};

}  // namespace noam::viz
