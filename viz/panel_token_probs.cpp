// The watched example tinted by the model's probability of each token.
#include "panel_token_probs.h"

#include <cstdio>

#include <imgui.h>

#include "format.h"
#include "replay.h"
#include "i18n.h"
#include "theme.h"
#include "token_strip.h"

namespace noam::viz {

void TokenProbsPanel::rebuild(const Snapshot& s, const std::vector<std::string>& vocab) {
    // entry i shows the token at position i, tinted by target_prob[i - 1]: the probability the model gave it
    // from the positions before (teacher forcing). Entry T is the answer after the last position, if scored.
    const int T = s.T;
    labels.assign(T + 1, "");
    prob.assign(T + 1, 0.0f);
    unscored.assign(T + 1, true);
    scored = 0;
    double sum = 0;
    auto label_of = [&](int id) {
        if (id >= 0 && id < (int)vocab.size()) return vocab[id];
        char buf[24];
        std::snprintf(buf, sizeof buf, "#%d", id);
        return std::string(buf);
    };
    for (int i = 0; i <= T; i++) {
        const int from = i - 1;
        const bool is_scored = from >= 0 && from < (int)s.targets.size() && s.targets[from] >= 0;
        if (i < T) labels[i] = i < (int)s.token_labels.size() ? s.token_labels[i] : label_of(s.tokens[i]);
        else if (is_scored) labels[i] = label_of(s.targets[from]);
        if (is_scored) {
            prob[i] = s.target_prob[from];
            unscored[i] = false;
            sum += prob[i];
            scored++;
        }
    }
    if (labels.back().empty()) {
        labels.pop_back();
        prob.pop_back();
        unscored.pop_back();
    }
    mean_prob = scored ? sum / scored : 0;
}

void TokenProbsPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Token probabilities", "token_probs").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.valid()) {
        ImGui::TextDisabled("%s", tr("No run."));
        ImGui::End();
        return;
    }
    const Snapshot& s = *run.snap;
    draw_replay_banner(s, ui);  // [replay] a kept picture, not the live one
    if (seen_version != run.snapshot_version) {
        seen_version = run.snapshot_version;
        rebuild(s, run.live->vocab_labels());
        for (const auto& l : labels) ui.fonts->request_text(l);
    }
    const Palette& pal = palette();
    if (scored > 0)
        ImGui::Text(tr("Step %s: mean p(next token) = %.2f over %d scored tokens"), format_count(s.step).c_str(), mean_prob, scored);
    TokenStripOptions o;
    o.font = ui.fonts->mono;
    o.dim = &unscored;
    o.tooltip = false;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const int h = TokenStrip("probs", labels, prob.data(), o);
    if (ui.regions) ui.regions->record("token_probs", {p0.x, p0.y, ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y});
    if (h >= 0) {
        ImGui::BeginTooltip();
        if (unscored[h]) {
            ImGui::Text(tr("'%s' (position %d): not scored"), labels[h].c_str(), h);
        } else {
            ImGui::Text(tr("'%s' (position %d)"), labels[h].c_str(), h);
            ImGui::Text(tr("p = %.3f from the tokens before it"), prob[h]);
        }
        ImGui::EndTooltip();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    ImGui::TextWrapped("%s", tr("colour: the model's probability of each token given the ones before it, dark 0 → yellow 1; grey: not scored"));
    ImGui::PopStyleColor();
    ImGui::End();
}

}  // namespace noam::viz
