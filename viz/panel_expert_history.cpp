// Expert history: each expert's share of the tokens over the training steps.
#include "panel_expert_history.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "i18n.h"
#include "moe_layer.h"
#include "theme.h"

namespace noam::viz {

void ExpertHistoryPanel::update(Track& t, const RunView& v) {
    const Snapshot& s = *v.snap;
    const int li = moe_layer_index(s, layer);
    const int E = (li >= 0 && li < (int)s.moe_step.size()) ? s.moe_step[li].experts : 0;
    // a new run, a reset (also of a new companion, whose counters start again: the step goes back), another layer
    // or another expert count: start again
    if (t.view != &v || t.run_id != v.run_id || t.history_version != v.history_version || s.step < t.last_step ||
        t.layer != layer || t.experts != E) {
        t.view = &v;
        t.run_id = v.run_id;
        t.history_version = v.history_version;
        t.layer = layer;
        t.experts = E;
        t.shares.reset(E, kColumns);
        t.last_step = -1;
        t.image.clear();
        t.steps.clear();
        t.row_labels.clear();
        char label[16];
        for (int e = 0; e < E; e++) {
            std::snprintf(label, sizeof label, "e%d", e);
            t.row_labels.push_back(label);
        }
        t.image_version++;
    }
    if (t.snapshot_version == v.snapshot_version) return;
    t.snapshot_version = v.snapshot_version;
    if (E == 0 || s.step <= t.last_step || s.step == 0) return;  // one column per trained step seen
    t.last_step = s.step;
    t.shares.push(s.step, s.moe_step[li]);
    t.shares.image(t.image, t.steps);
    t.image_version++;
}

void ExpertHistoryPanel::Draw(RunSet& runs, UiContext& ui) {
    if (!BeginRunsPanel(tr_title("Expert history", "expert_history").c_str(), runs, ui)) return;
    while (tracks.size() < runs.size()) tracks.push_back(std::make_unique<Track>());
    const char* how = tr("each expert's share of the tokens (rows) over the training steps (left to right; bright: most of the tokens)");
    ImGui::TextDisabled("%s", how);
    const float line = ImGui::GetTextLineHeightWithSpacing();
    size_t shown = 0;
    for (size_t i = 0; i < runs.size(); i++)
        if (runs.view(i).valid()) shown++;
    const float each = std::max(line * 3, ImGui::GetContentRegionAvail().y / std::max<size_t>(1, shown));
    for (size_t i = 0; i < runs.size(); i++) {
        const RunView& v = runs.view(i);
        if (!v.valid()) continue;
        Track& t = *tracks[i];
        update(t, v);
        if (!runs.label(i).empty()) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(runs.color(i)), "%s", runs.label(i).c_str());
            ImGui::SameLine();
        }
        if (t.experts == 0) {
            ImGui::TextDisabled("%s", v.snap->moe_layers.empty() ? tr("a dense model: no experts") : tr("waiting for training steps"));
            continue;
        }
        const int block = v.snap->moe_layers[moe_layer_index(*v.snap, layer)];
        if (t.shares.count == 0) {
            ImGui::TextDisabled(tr("block %d: waiting for training steps"), block);
            continue;
        }
        ImGui::Text(tr("block %d · %d experts · steps %d to %d"), block, t.experts, t.steps.front(),
                    t.last_step);
        HeatmapOptions o;
        // the colour axis ends at 4 / E (capped at 1): the even share 1/E sits low on it, an expert taking four times
        // its share or more is the brightest
        o.lo = 0;
        o.hi = std::min(1.0f, 4.0f / t.experts);
        o.gamma = 0.7f;
        o.square = false;
        o.legend = true;
        o.tooltip = false;  // ours says the step, not the column
        o.row_labels = &t.row_labels;
        const ImVec2 size(ImGui::GetContentRegionAvail().x, std::max(line * 2, each - line - ImGui::GetStyle().ItemSpacing.y));
        const HeatmapResult hr = t.map.Draw(("##expert_history" + std::to_string(i)).c_str(), t.image.data(), t.experts,
                                            t.shares.count, size, o, t.image_version);
        if (hr.hovered && hr.row >= 0 && hr.col >= 0 && hr.col < t.shares.count)
            ImGui::SetTooltip(tr("step %d: expert %d had %.1f%% of the tokens (even: %.1f%%)"), t.steps[hr.col], hr.row,
                              100.0f * t.image[(size_t)hr.row * t.shares.count + hr.col], 100.0f / t.experts);
        if (ui.regions) ui.regions->record("expert_history_" + std::to_string(i), hr.map);
    }
    ImGui::End();
}

}  // namespace noam::viz
