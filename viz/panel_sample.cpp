// Generated text and the watched example as the model completes it.
#include "panel_sample.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include <imgui.h>

#include "format.h"
#include "replay.h"
#include "i18n.h"
#include "theme.h"
#include "token_strip.h"

namespace noam::viz {

void SamplePanel::rebuild(const Snapshot& s) {
    // labels of token ids: the snapshot labels the input tokens; an id that does not occur there is "#id"
    std::unordered_map<int, std::string> label_of;
    for (int t = 0; t < s.T && t < (int)s.token_labels.size(); t++) label_of.emplace(s.tokens[t], s.token_labels[t]);
    auto label = [&](int id) {
        auto it = label_of.find(id);
        if (it != label_of.end()) return it->second;
        char buf[24];
        std::snprintf(buf, sizeof buf, "#%d", id);
        return std::string(buf);
    };
    // entry i shows what stands at position i: the input token, or (if position i - 1 is scored) the
    // model's guess for it, made at i - 1 with teacher forcing
    const int T = s.T;
    labels.assign(T + 1, "");
    prob.assign(T + 1, 0.0f);
    is_input.assign(T + 1, true);
    source.assign(T + 1, -1);
    answer.assign(T + 1, "");
    correct = scored = 0;
    for (int i = 0; i <= T; i++) {
        const int from = i - 1;
        if (from >= 0 && s.targets[from] >= 0) {
            labels[i] = label(s.predicted[from]);
            prob[i] = s.target_prob[from];
            is_input[i] = false;
            source[i] = from;
            answer[i] = label(s.targets[from]);
            scored++;
            correct += s.predicted[from] == s.targets[from];
        } else if (i < T) {
            labels[i] = s.token_labels[i];
        }
    }
    if (labels.back().empty()) {  // the last position is not scored: nothing to show there
        labels.pop_back();
        prob.pop_back();
        is_input.pop_back();
        source.pop_back();
        answer.pop_back();
    }
}

void SamplePanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Samples", "sample").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.valid()) {
        ImGui::End();
        return;
    }
    const Snapshot& s = *run.snap;
    const Palette& pal = palette();
    if (seen_version != run.snapshot_version) {
        seen_version = run.snapshot_version;
        ui.fonts->request_text(s.sample_text);
        rebuild(s);
    }

    // ---- generated text
    if (s.sample_step >= 0)
        ImGui::TextDisabled(tr("Written by the model at step %s:"), format_count(s.sample_step).c_str());
    else
        ImGui::TextDisabled("%s", tr("Text written by the model appears here."));
    ImFont* mono = ui.fonts->mono;
    const float line = mono->FontSize + ImGui::GetStyle().ItemSpacing.y * 0.5f;
    const std::string& text = s.sample_text;
    const float wrap_w = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().WindowPadding.x * 2;
    const float text_h = mono->CalcTextSizeA(mono->FontSize, 1e9f, wrap_w, text.c_str()).y;
    const float box_h = std::min(std::max(text_h, line) + ImGui::GetStyle().WindowPadding.y * 2, line * 4.5f);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(pal.plot_bg));
    ImGui::BeginChild("sample", ImVec2(0, box_h), true);
    ImGui::PushFont(mono);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopFont();
    ImGui::EndChild();
    ImGui::PopStyleColor();

    // ---- the watched example, completed by the model
    ImGui::Spacing();
    ImGui::TextUnformatted(tr("Watched example"));
    ImGui::SameLine();
    if (s.is_replay()) {  // [replay] the predictions of the kept picture; the sample above is live
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kReplayColor), tr("replay: step %d"), s.replay_step);
        ImGui::SameLine();
    }
    if (scored > 0) ImGui::TextDisabled(tr("%d of %d answer tokens right"), correct, scored);
    TokenStripOptions o;
    o.font = mono;
    o.dim = &is_input;
    o.tooltip = false;
    const int h = TokenStrip("watched", labels, prob.data(), o);
    if (h >= 0) {
        ImGui::BeginTooltip();
        if (is_input[h]) {
            ImGui::Text(tr("input token '%s' (position %d)"), labels[h].c_str(), h);
            ImGui::TextDisabled("%s", tr("part of the question: not scored"));
        } else {
            const bool ok = labels[h] == answer[h];
            ImGui::Text(tr("position %d: the model writes '%s'"), h, labels[h].c_str());
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ok ? pal.ok : pal.error), tr("%s (answer '%s'), p(answer) = %.3f"),
                               ok ? tr("right") : tr("wrong"), answer[h].c_str(), prob[h]);
        }
        ImGui::EndTooltip();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    ImGui::TextWrapped("%s", tr("grey: the question  ·  colour: p(right answer), dark 0 → yellow 1"));
    ImGui::PopStyleColor();
    ImGui::End();
}

}  // namespace noam::viz
