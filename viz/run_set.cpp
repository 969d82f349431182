// RunSet: the side-by-side runs' colours and the commands they share.
#include "run_set.h"

#include <algorithm>

namespace noam::viz {

ImU32 run_color(size_t i) {
    // Okabe & Ito (2008), the lighter ones first (the background is dark): sky blue, orange, bluish green,
    // vermillion, reddish purple, yellow, blue
    static const ImU32 kColors[] = {
        IM_COL32(86, 180, 233, 255), IM_COL32(230, 159, 0, 255),   IM_COL32(0, 158, 115, 255),
        IM_COL32(213, 94, 0, 255),   IM_COL32(204, 121, 167, 255), IM_COL32(240, 228, 66, 255),
        IM_COL32(0, 114, 178, 255),
    };
    return kColors[i % (sizeof(kColors) / sizeof(kColors[0]))];
}

void RunSet::refresh_companions() {
    for (auto& c : companions) c->view.refresh();
}

void RunSet::post_companions(CommandKind k, double value) {
    for (auto& c : companions) c->view.post(k, value);
}

int RunSet::common_step() const {
    int s = primary ? primary->step() : 0;
    for (const auto& c : companions) s = std::min(s, c->view.step());
    return s;
}

}  // namespace noam::viz
