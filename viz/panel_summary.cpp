// Model summary.
#include "panel_summary.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "bar_chart.h"
#include "colormap.h"
#include "format.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

namespace {

// The kind of component a parameter group belongs to ("blocks.0.attn" -> attention), with its colour.
struct Kind {
    const char* label;
    uint32_t color;
};

Kind kind_of(const std::string& name) {
    const uint32_t grey = pack_rgba(Rgb{0.55f, 0.58f, 0.64f}, 0.9f);
    if (name.rfind("blocks.", 0) == 0) {
        if (name.find(".attn") != std::string::npos) return {tr_later("attention"), plot_color(0, 0.9f)};
        if (name.find(".ffn") != std::string::npos) return {tr_later("feed-forward"), plot_color(1, 0.9f)};
        // a Mixture-of-Experts block (one group: its experts and router): every expert's FFN counts as parameters,
        // only the ones a token visits as compute
        if (name.find(".moe") != std::string::npos) return {tr_later("experts + router"), plot_color(1, 0.9f)};
        if (name.find(".norm") != std::string::npos) return {tr_later("norms"), grey};
        return {tr_later("other"), grey};
    }
    if (name == "embed") return {tr_later("embeddings"), plot_color(2, 0.9f)};
    if (name == "lm_head") return {tr_later("output head"), plot_color(3, 0.9f)};
    if (name.find("norm") != std::string::npos) return {tr_later("norms"), grey};
    return {tr_later("other"), grey};
}

}  // namespace

void SummaryPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Model", "summary").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.valid()) {
        ImGui::End();
        return;
    }
    const ModelSummary& ms = run.live->summary();
    if (seen_run_id != run.run_id || seen_language != ui_language()) {
        seen_run_id = run.run_id;
        seen_language = ui_language();
        labels.clear();
        tooltips.clear();
        params.clear();
        colors.clear();
        // one bar per kind of component, summed over the layers; the tooltip lists the groups
        for (const auto& p : ms.parts) {
            const Kind k = kind_of(p.name);
            const char* label = tr(k.label);
            auto it = std::find(labels.begin(), labels.end(), label);
            size_t i = it - labels.begin();
            if (it == labels.end()) {
                labels.push_back(label);
                tooltips.push_back("");
                params.push_back(0);
                colors.push_back(k.color);
            }
            params[i] += (float)p.params;
            if (tooltips[i].find(p.name) == std::string::npos)
                tooltips[i] += (tooltips[i].empty() ? "" : ", ") + p.name;
        }
        for (size_t i = 0; i < labels.size(); i++) {
            char pct[32];
            std::snprintf(pct, sizeof pct, " (%.0f%%)", 100.0 * params[i] / std::max<size_t>(1, ms.total_params));
            labels[i] += pct;
        }
        const ModelConfig& m = run.config().model;
        char buf[256];
        const int kv = m.kv_heads();
        const char* attn_kind = kv == m.n_heads ? "MHA" : kv == 1 ? "MQA" : "GQA";
        std::snprintf(buf, sizeof buf, tr("%d layers · d_model %d · %d heads (%s) · d_ff %d %s · %s-norm %s · %s positions"),
                      m.n_layers, m.d_model, m.n_heads, attn_kind, m.d_ff, to_string(m.ffn), to_string(m.placement),
                      m.norm == NormKind::LayerNorm ? "LayerNorm" : "RMSNorm", to_string(m.positions));
        (void)kv;
        arch = buf;
        if (!ms.ffn_note.empty()) arch += " · FFN " + ms.ffn_note;  // how d_ff became the gated FFN's hidden size
        if (m.moe.enabled()) {  // the parameters hold every expert, the FLOPs only the ones a token visits
            char moe[160];
            std::snprintf(moe, sizeof moe, m.moe.every == 1 ? tr(" · MoE: %d experts (%s), %.3g per token, in every block") : tr(" · MoE: %d experts (%s), %.3g per token, in every other block"), m.moe.experts,
                          to_string(m.moe.router), m.moe.experts_per_token());
            arch += moe;
        }
    }
    ImGui::PushFont(ui.fonts->heading);
    ImGui::TextUnformatted(format_count(ms.total_params).c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("parameters"));
    char flops[64];
    std::snprintf(flops, sizeof flops, tr("%s FLOP per token (forward)"), format_si(ms.flops_per_token_forward).c_str());
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 2);
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(flops).x) ImGui::NewLine();
    ImGui::TextUnformatted(flops);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().text_dim));
    ImGui::TextWrapped("%s", arch.c_str());
    ImGui::PopStyleColor();
    const double tps = run.training_now() && !ui.render ? run.tokens_per_second() : 0;
    if (tps > 0)
        ImGui::TextWrapped(tr("Training: %s tokens/s × %s FLOP = %s FLOP/s"), format_si(tps).c_str(),
                    format_si(ms.flops_per_token_train).c_str(), format_si(tps * ms.flops_per_token_train).c_str());
    else
    {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().text_dim));
        ImGui::TextWrapped(tr("Training costs %s FLOP per token (forward + backward)."), format_si(ms.flops_per_token_train).c_str());
        ImGui::PopStyleColor();
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    BarChartOptions bo;
    bo.colors.assign(colors.begin(), colors.end());
    bo.tooltips = tooltips;
    bo.value_format = "%.0f";
    // one readable row per bar; when the panel is short it scrolls rather than squeezing the rows
    const float rows_h = ImGui::GetFontSize() * 1.2f * labels.size();
    BarChart("params", labels, params, ImVec2(avail.x, rows_h), bo);
    ImGui::End();
}

}  // namespace noam::viz
