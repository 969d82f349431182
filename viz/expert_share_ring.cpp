// ExpertShareRing: per-expert token shares over the steps.
#include "expert_share_ring.h"

#include <algorithm>

namespace noam::viz {

void ExpertShareRing::reset(int e, int columns) {
    experts = e;
    capacity = columns;
    ring.assign((size_t)columns * e, 0.0f);
    ring_step.assign(columns, 0);
    head = count = 0;
}

void ExpertShareRing::push(int step, const MoeStats& st) {
    if (capacity == 0 || experts == 0) return;
    int all = 0;
    for (int e = 0; e < experts; e++) all += st.routed_first[e] + st.routed_second[e];
    float* col = ring.data() + (size_t)head * experts;
    for (int e = 0; e < experts; e++) col[e] = all > 0 ? (float)(st.routed_first[e] + st.routed_second[e]) / all : 0.0f;
    ring_step[head] = step;
    head = (head + 1) % capacity;
    count = std::min(count + 1, capacity);
}

void ExpertShareRing::image(std::vector<float>& values, std::vector<int>& steps) const {
    values.resize((size_t)experts * count);
    steps.resize(count);
    const int oldest = capacity ? (head - count + capacity) % capacity : 0;
    for (int c = 0; c < count; c++) {
        const int k = (oldest + c) % capacity;
        for (int e = 0; e < experts; e++) values[(size_t)e * count + c] = ring[(size_t)k * experts + e];
        steps[c] = ring_step[k];
    }
}

}  // namespace noam::viz
