// Expert tokens: which expert each token of the watched example went to.
#include "panel_expert_tokens.h"

#include <algorithm>

#include <imgui.h>

#include "colormap.h"
#include "i18n.h"
#include "moe_layer.h"
#include "replay.h"
#include "theme.h"
#include "token_strip.h"

namespace noam::viz {

namespace {

// expert e of E on the token strip's sequential scale
float expert_value(int e, int E) { return E > 1 ? (float)e / (E - 1) : 0.5f; }

}  // namespace

void ExpertTokensPanel::Draw(RunSet& runs, UiContext& ui) {
    if (!BeginRunsPanel(tr_title("Expert tokens", "expert_tokens").c_str(), runs, ui)) return;
    draw_replay_banner(*runs.view(0).snap, ui);  // [replay] the primary run's kept picture, not the live one
    const RunView* v = &runs.view(0);
    const Snapshot& s = *v->snap;
    const int li = moe_layer_index(s, layer);
    if (li < 0 || li >= (int)s.moe_watched.size()) {
        if (s.moe_layers.empty()) ImGui::TextDisabled("%s", tr("A dense model: no experts."));
        else ImGui::TextDisabled(tr("Block %d is dense; MoE blocks: %s"), layer, moe_blocks_text(s).c_str());
        ImGui::End();
        return;
    }
    const MoeRouting& r = s.moe_watched[li];
    const bool expert_choice = v->config().model.moe.router == RouterKind::ExpertChoice;
    const int T = std::min<int>(r.T, (int)s.token_labels.size()), E = r.E, K = r.K;
    value.assign(T, 0.0f);
    dropped.assign(T, false);
    expert.assign(T, -1);
    // a token's colour: token choice, its first route's expert; expert choice, the processing expert of the highest
    // gate (the routes are the experts, in expert order)
    std::vector<int> per_expert(E, 0);
    int n_dropped = 0;
    for (int t = 0; t < T; t++) {
        int best = -1;
        for (int k = 0; k < K; k++) {
            const size_t i = (size_t)t * K + k;
            if (!r.processed[i] || r.expert[i] < 0) continue;
            if (best < 0 || (expert_choice && r.gate[i] > r.gate[(size_t)t * K + best])) best = k;
            if (!expert_choice) break;
        }
        if (!expert_choice && K > 0 && !r.processed[(size_t)t * K]) best = -1;  // its first choice was refused
        if (best < 0) {
            dropped[t] = true;
            n_dropped++;
            continue;
        }
        expert[t] = r.expert[(size_t)t * K + best];
        value[t] = expert_value(expert[t], E);
        per_expert[expert[t]]++;
    }
    ImGui::Text(tr("block %d · %d experts · %s"), r.layer, E,
                expert_choice ? tr("expert choice: each expert picks its tokens") : tr("each token picks its experts"));
    ImGui::SameLine();
    if (n_dropped > 0) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().error), tr("· %d dropped (grey)"), n_dropped);
    else ImGui::TextDisabled("%s", tr("· none dropped"));
    // ---- the legend: one swatch per expert with its token count
    const float fs = ImGui::GetFontSize();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (int e = 0; e < E; e++) {
        if (e > 0) {
            ImGui::SameLine();
            if (ImGui::GetContentRegionAvail().x < fs * 3.2f) ImGui::NewLine();
        }
        const ImVec2 p = ImGui::GetCursorScreenPos();
        dl->AddRectFilled(p, ImVec2(p.x + fs, p.y + fs), pack_rgba(map_value(ColorScale::Sequential, expert_value(e, E), 0, 1)));
        ImGui::Dummy(ImVec2(fs * 1.1f, fs));
        ImGui::SameLine(0, 2);
        ImGui::Text("%d", e);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr("expert %d: %d of the %d tokens"), e, per_expert[e], T);
    }
    // ---- the tokens
    std::vector<std::string> labels(s.token_labels.begin(), s.token_labels.begin() + T);
    TokenStripOptions o;
    o.lo = 0;
    o.hi = 1;
    o.tooltip = false;
    o.dim = &dropped;
    o.font = ui.fonts ? ui.fonts->mono : nullptr;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const int h = TokenStrip("expert_tokens", labels, value.data(), o);
    const ImVec2 p1 = ImGui::GetCursorScreenPos();
    if (ui.regions) ui.regions->record("expert_tokens", {p0.x, p0.y, ImGui::GetContentRegionAvail().x, p1.y - p0.y});
    if (h >= 0 && h < T) {
        ImGui::BeginTooltip();
        ImGui::Text(tr("token %d \"%s\""), h, labels[h].c_str());
        for (int k = 0; k < K; k++) {
            const size_t i = (size_t)h * K + k;
            const int e = r.expert[i];
            if (e < 0) continue;
            if (expert_choice && !r.processed[i]) continue;  // expert e did not pick it
            const char* what = r.dropped[i] ? tr("dropped: past capacity") : r.processed[i] ? tr("processed") : tr("not used");
            ImGui::Text(tr("route %d: expert %d, gate %.3f, p %.3f (%s)"), k, e, r.gate[i], r.probs[(size_t)h * E + e], what);
        }
        if (dropped[h]) ImGui::TextDisabled("%s", tr("the layer outputs 0 here: the residual carries the token on"));
        ImGui::EndTooltip();
    }
    ImGui::End();
}

}  // namespace noam::viz
