// Which MoE layer a panel shows: the lesson's "layer" option names a block; -1 (absent) means the first MoE block.
#pragma once
#include <algorithm>
#include <string>

#include "snapshot.h"

namespace noam::viz {

// The index into Snapshot::moe_layers / moe_step / moe_watched of block `layer` (-1: the first MoE block);
// -1 when the model has no MoE or that block's FFN is dense.
inline int moe_layer_index(const Snapshot& s, int layer) {
    if (s.moe_layers.empty()) return -1;
    if (layer < 0) return 0;
    const auto it = std::find(s.moe_layers.begin(), s.moe_layers.end(), layer);
    return it == s.moe_layers.end() ? -1 : (int)(it - s.moe_layers.begin());
}

// "blocks 1, 3" for the message shown when the asked block is dense
inline std::string moe_blocks_text(const Snapshot& s) {
    std::string t;
    for (int l : s.moe_layers) t += (t.empty() ? "" : ", ") + std::to_string(l);
    return t.empty() ? "none (a dense model)" : t;
}

}  // namespace noam::viz
