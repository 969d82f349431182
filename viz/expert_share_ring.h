// Each expert's share of the routed tokens, step after step, in a ring buffer of fixed size (the expert_history
// panel's data; no ImGui here, tested in tests/viz_unit/).
#pragma once
#include <vector>

#include "moe_router.h"

namespace noam::viz {

struct ExpertShareRing {
    int experts = 0, capacity = 0;   // E, columns kept
    std::vector<float> ring;         // (capacity, E) column c at ring[c * E]
    std::vector<int> ring_step;      // (capacity) the step of each column
    int head = 0, count = 0;         // next column to write, columns filled

    // empty, sized once for E experts and `columns` columns
    void reset(int experts, int columns);
    // appends one step's routing: share_e = (first + further choices of e) / all choices (0 without choices);
    // past `capacity` columns the oldest is overwritten
    void push(int step, const MoeStats& st);
    // values (E, count) row-major, oldest column first; steps (count)
    void image(std::vector<float>& values, std::vector<int>& steps) const;
};

}  // namespace noam::viz
