// RunSet: the side-by-side runs' colours and the commands they share.
#include "run_set.h"

#include "theme.h"

#include <algorithm>
#include <cstdio>

#include "i18n.h"

namespace noam::viz {

ImU32 run_color(size_t i) {
    // Okabe & Ito (2008), the lighter ones first (the background is dark): sky blue, orange, bluish green,
    // vermillion, reddish purple, yellow, blue
    static const ImU32 kColors[] = {
        IM_COL32(86, 180, 233, 255), IM_COL32(230, 159, 0, 255),   IM_COL32(0, 158, 115, 255),
        IM_COL32(213, 94, 0, 255),   IM_COL32(204, 121, 167, 255), IM_COL32(240, 228, 66, 255),
        IM_COL32(0, 114, 178, 255),
    };
    // on a light background sky blue is faint and yellow unreadable: blue first, Okabe-Ito's black for yellow
    static const ImU32 kLight[] = {
        IM_COL32(0, 114, 178, 255), IM_COL32(230, 159, 0, 255),   IM_COL32(0, 158, 115, 255),
        IM_COL32(213, 94, 0, 255),  IM_COL32(204, 121, 167, 255), IM_COL32(0, 0, 0, 255),
        IM_COL32(86, 180, 233, 255),
    };
    const size_t n = sizeof(kColors) / sizeof(kColors[0]);
    return palette().light_background ? kLight[i % n] : kColors[i % n];
}

void RunSet::refresh_companions() {
    for (auto& c : companions) c->view.refresh();
}

bool RunSet::start_companions(const std::string& label, const std::vector<std::pair<std::string, RunConfig>>& runs,
                              std::string& error) {
    clear_companions();
    for (const auto& [name, cfg] : runs) {
        auto c = std::make_unique<Companion>();
        c->label = name;
        if (primary && !primary->watched_param.empty()) c->view.watch_param(primary->watched_param);
        c->view.lockstep = primary && primary->lockstep;
        if (!c->view.start(cfg, false)) {
            std::vector<char> msg(name.size() + c->view.start_error.size() + 256);
            std::snprintf(msg.data(), msg.size(), tr("the run \"%s\" could not start: %s"), name.c_str(), c->view.start_error.c_str());
            error = msg.data();
            clear_companions();
            return false;
        }
        companions.push_back(std::move(c));
    }
    primary_label = companions.empty() ? "" : label;
    if (primary) {
        primary->followers.clear();
        for (auto& c : companions) primary->followers.push_back(&c->view);
    }
    return true;
}

void RunSet::clear_companions() {
    if (primary) primary->followers.clear();
    companions.clear();  // each LiveRun's destructor stops and joins its worker
    primary_label.clear();
}

int RunSet::common_step() const {
    int s = primary ? primary->step() : 0;
    for (const auto& c : companions) {
        const RunView& v = c->view;
        if (v.snap && !v.snap->error.empty()) continue;
        s = std::min(s, v.step());
    }
    return s;
}

uint64_t RunSet::snapshot_version() const {
    uint64_t v = primary ? primary->snapshot_version : 0;
    for (const auto& c : companions) v += c->view.snapshot_version;
    return v;
}

bool BeginRunsPanel(const char* title, const RunSet& runs, const UiContext& ui, int flags) {
    if (!ImGui::Begin(title, nullptr, ImGuiWindowFlags_NoCollapse | flags | ui.panel_flags)) {
        ImGui::End();
        return false;
    }
    if (runs.size() == 0 || !runs.view(0).valid()) {
        ImGui::TextDisabled("%s", tr("No run."));
        ImGui::End();
        return false;
    }
    return true;
}

}  // namespace noam::viz
