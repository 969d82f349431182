// The FFN kinds' sizes side by side, with the losses ours reached and the paper's.
#include "panel_ffn_params.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "format.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

void FfnParamsPanel::Draw(const RunSet& runs, UiContext& ui, const RaceResult* race) {
    if (!ImGui::Begin(tr_title("FFN parameters", "ffn_params").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!paper_loaded) {
        paper_loaded = true;
        try {
            paper = load_glu_paper_table(default_glu_paper_table_path());
        } catch (const std::exception& e) {
            paper_error = e.what();
        }
    }
    if (runs.size() == 0 || !runs.view(0).valid()) {
        ImGui::TextDisabled("%s", tr("No run."));
        ImGui::End();
        return;
    }
    const Palette& pal = palette();
    const int cols = race ? 9 : 7;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_PadOuterX;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    if (ImGui::BeginTable("ffn_params", cols, flags)) {
        ImGui::TableSetupColumn(tr("run"));
        ImGui::TableSetupColumn("FFN");
        ImGui::TableSetupColumn(tr("hidden"));
        ImGui::TableSetupColumn(tr("params / FFN layer"));
        ImGui::TableSetupColumn(tr("model params"));
        ImGui::TableSetupColumn(tr("vs relu"));
        ImGui::TableSetupColumn(tr("val loss now"));
        if (race) {
            ImGui::TableSetupColumn(tr("race: mean ± std"));
            ImGui::TableSetupColumn("min .. max");
        }
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < runs.size(); i++) {
            const RunView& v = runs.view(i);
            if (!v.valid()) continue;
            const ModelConfig& m = v.config().model;
            const ModelSummary& ms = v.live->summary();
            const size_t per_layer = ffn_param_count(m.ffn, m.d_model, ms.ffn_hidden, m.ffn_bias);
            // a ReLU FFN of the same d_model, d_ff and biases: what the 2/3 rounding leaves
            const long diff = m.n_layers * ((long)per_layer - (long)ffn_param_count(FfnKind::ReLU, m.d_model, m.d_ff, m.ffn_bias));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const ImVec2 c = ImGui::GetCursorScreenPos();
            const float sw = ImGui::GetFontSize() * 0.8f;
            ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(c.x, c.y + 2), ImVec2(c.x + sw, c.y + 2 + sw), runs.color(i), 2.0f);
            ImGui::Dummy(ImVec2(sw, sw));
            ImGui::SameLine();
            const std::string& label = runs.label(i);
            ImGui::TextUnformatted(label.empty() ? (i == 0 ? tr("this run") : tr("run")) : label.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(to_string(m.ffn));
            ImGui::TableNextColumn();
            if (ms.ffn_hidden != m.d_ff) ImGui::Text(tr("%d (of %d)"), ms.ffn_hidden, m.d_ff);
            else ImGui::Text("%d", ms.ffn_hidden);
            if (!ms.ffn_note.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ms.ffn_note.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(format_count(per_layer).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(format_count(ms.total_params).c_str());
            ImGui::TableNextColumn();
            if (diff == 0) ImGui::TextDisabled("±0");
            else ImGui::Text("%+ld", diff);
            ImGui::TableNextColumn();
            if (!v.val_loss.empty()) ImGui::Text("%.4f", v.val_loss.back());
            else ImGui::TextDisabled("-");
            if (race) {
                const RaceEntry* e = race->find(to_string(m.ffn));
                ImGui::TableNextColumn();
                if (e && std::isfinite(e->mean)) ImGui::Text("%.4f ± %.4f%s", e->mean, e->std, e->rank == 1 ? tr("  (best)") : "");
                else ImGui::TextDisabled("-");
                ImGui::TableNextColumn();
                if (e && std::isfinite(e->mean)) ImGui::Text("%.4f .. %.4f", e->min, e->max);
                else ImGui::TextDisabled("-");
            }
        }
        ImGui::EndTable();
    }
    // several runs of one kind (seeds): the mean, spread and range of their latest validation losses, per kind
    struct KindStats {
        std::string kind;
        std::vector<double> losses;
    };
    std::vector<KindStats> kinds;
    int common = -1;  // the validation step every run has reached: the seeds compare at the same step
    for (size_t i = 0; i < runs.size(); i++) {
        const RunView& v = runs.view(i);
        if (!v.valid()) continue;
        const std::string kind = to_string(v.config().model.ffn);
        auto k = std::find_if(kinds.begin(), kinds.end(), [&](const KindStats& x) { return x.kind == kind; });
        if (k == kinds.end()) kinds.push_back({kind, {}});
        const int last = v.val_steps.empty() ? 0 : (int)v.val_steps.back();
        common = common < 0 ? last : std::min(common, last);
    }
    const bool seeds = std::any_of(kinds.begin(), kinds.end(), [&](const KindStats& k) {
        size_t n = 0;
        for (size_t i = 0; i < runs.size(); i++)
            if (runs.view(i).valid() && k.kind == to_string(runs.view(i).config().model.ffn)) n++;
        return n > 1;
    });
    if (seeds && common > 0) {
        for (size_t i = 0; i < runs.size(); i++) {
            const RunView& v = runs.view(i);
            if (!v.valid()) continue;
            for (size_t j = 0; j < v.val_steps.size(); j++)
                if ((int)v.val_steps[j] == common)
                    for (KindStats& k : kinds)
                        if (k.kind == to_string(v.config().model.ffn)) k.losses.push_back(v.val_loss[j]);
        }
        ImGui::Spacing();
        ImGui::Text(tr("Per kind, over its runs, validation loss at step %d:"), common);
        if (ImGui::BeginTable("ffn_kinds", 4, flags)) {
            ImGui::TableSetupColumn("FFN");
            ImGui::TableSetupColumn(tr("runs"));
            ImGui::TableSetupColumn(tr("mean ± std"));
            ImGui::TableSetupColumn("min .. max");
            ImGui::TableHeadersRow();
            for (const KindStats& k : kinds) {
                const size_t n = k.losses.size();
                double mean = 0, var = 0;
                for (double x : k.losses) mean += x / std::max<size_t>(1, n);
                for (double x : k.losses) var += (x - mean) * (x - mean) / std::max<size_t>(1, n - 1);  // sample variance
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(k.kind.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%zu", n);
                ImGui::TableNextColumn();
                if (n >= 2) ImGui::Text("%.4f ± %.4f", mean, std::sqrt(var));
                else if (n == 1) ImGui::Text("%.4f", mean);
                else ImGui::TextDisabled("-");
                ImGui::TableNextColumn();
                if (n >= 2)
                    ImGui::Text("%.4f .. %.4f", *std::min_element(k.losses.begin(), k.losses.end()),
                                *std::max_element(k.losses.begin(), k.losses.end()));
                else ImGui::TextDisabled("-");
            }
            ImGui::EndTable();
        }
    }

    // the paper's column, for the kinds on screen
    ImGui::Spacing();
    if (!paper_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.warn));
        ImGui::TextWrapped(tr("The paper's table is missing: %s"), paper_error.c_str());
        ImGui::PopStyleColor();
    } else {
        std::string line = tr("The paper (T5-base, C4, log-perplexity at 65k / 524k steps): ");
        bool any = false;
        for (const KindStats& k : kinds) {
            const char* kind = k.kind.c_str();
            const PaperRow* row = paper.find(kind);
            char buf[96];
            if (row) std::snprintf(buf, sizeof buf, "%s%s %.3f / %.3f", any ? tr(", ") : "", kind, row->at_65k, row->at_524k);
            else std::snprintf(buf, sizeof buf, tr("%s%s not in the table"), any ? tr(", ") : "", kind);
            line += buf;
            any = true;
        }
        ImGui::TextWrapped("%s%s", line.c_str(), tr("."));
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
        ImGui::TextWrapped("%s", tr("Every GLU variant beat relu there. Our losses are nats per character on a tiny model: compare the order, not the numbers."));
        ImGui::PopStyleColor();
    }
    const ImVec2 p1 = ImGui::GetCursorScreenPos();
    if (ui.regions) ui.regions->record("ffn_params_table", {p0.x, p0.y, ImGui::GetContentRegionAvail().x + (p1.x - p0.x), p1.y - p0.y});
    ImGui::End();
}

}  // namespace noam::viz
