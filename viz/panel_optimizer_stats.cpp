// Adafactor's per-step statistics against the step.
#include "panel_optimizer_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "colormap.h"
#include "format.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

void OptimizerStatsPanel::Columns::update(const RunView& run) {
    if (run.run_id != run_id || run.history_version != history_version || run.history.size() < n) {
        *this = Columns{};
        run_id = run.run_id;
        history_version = run.history_version;
    }
    adafactor = run.valid() && run.config().optim.kind == "adafactor";
    for (; n < run.history.size(); n++) {
        const StepRecord& r = run.history[n];
        step.push_back((float)r.step);
        rms_max.push_back(r.update_rms_max);
        rms_all.push_back(r.update_rms);
        alpha.push_back(r.alpha);
        rho.push_back(r.rho);
        one_minus_beta2hat.push_back(1.0f - r.beta2hat);
        if (r.clipped_fraction > 0) {
            clip_step.push_back((float)r.step);
            clip_rms.push_back(r.update_rms_max);
            clipped_steps++;
        }
    }
}

void OptimizerStatsPanel::Draw(RunSet& runs, UiContext& ui) {
    if (!BeginRunsPanel(tr_title("Optimizer statistics", "optimizer_stats").c_str(), runs, ui, ImGuiWindowFlags_NoScrollbar)) return;
    if (ui.fonts) ui.fonts->request_text("αρβ̂₂ₜ−·×≈");
    cols.resize(runs.size());
    float d = NAN;
    double x_hi = 1;
    std::string others;
    for (size_t i = 0; i < runs.size(); i++) {
        const RunView& v = runs.view(i);
        cols[i].update(v);
        if (!v.valid()) continue;
        if (cols[i].adafactor && !std::isfinite(d)) d = v.config().optim.clip_threshold;
        if (!cols[i].adafactor)
            others += (others.empty() ? "" : ", ") + (runs.label(i).empty() ? std::string(tr("this run")) : runs.label(i)) + " (" +
                      v.snap->optimizer_memory.optimizer + ")";
        // the axis ends at the lesson step's horizon when there is one (as the loss plot's), else the run's steps
        const double horizon = x_max > 0 ? x_max : (v.snap->total_steps > 0 ? v.snap->total_steps : 0);
        x_hi = std::max({x_hi, (double)v.step(), horizon});
    }

    // ---- a line per Adafactor run: what clipping did, and the schedules now
    const bool any = std::isfinite(d);
    if (!any) {
        ImGui::TextWrapped(tr("These are Adafactor's statistics: %s updates without update clipping or a relative step size."),
                           others.c_str());
        ImGui::End();
        return;
    }
    for (size_t i = 0; i < runs.size(); i++) {
        const Columns& c = cols[i];
        if (!c.adafactor) continue;
        const StepRecord* last = runs.view(i).history.empty() ? nullptr : &runs.view(i).history.back();
        char buf[240];
        const std::string who = runs.label(i).empty() ? "" : runs.label(i) + ": ";
        if (last)
            std::snprintf(buf, sizeof buf, tr("%sclipping fired at %d of %zu steps (now %.0f%% of the tensors) · β̂₂ₜ = %.4f · αₜ = %.2e"),
                          who.c_str(), c.clipped_steps, c.n, 100.0 * last->clipped_fraction, last->beta2hat, last->alpha);
        else
            std::snprintf(buf, sizeof buf, tr("%sno step yet"), who.c_str());
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(runs.comparing() ? runs.color(i) : palette().text_dim));
        ImGui::TextWrapped("%s", buf);
        ImGui::PopStyleColor();
    }
    if (!others.empty()) ImGui::TextDisabled(tr("not Adafactor: %s"), others.c_str());

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    const float h_rms = std::floor((avail.y - gap) * 0.55f);
    auto options = [&](const char* y_label, bool last_plot) {
        PlotOptions po;
        po.y_label = y_label;
        po.fixed_x = true;
        po.x_lo = 0;
        po.x_hi = x_hi;
        po.x_tick_labels = last_plot;
        po.x_label = last_plot ? tr("step") : nullptr;
        po.min_axis_w = axis_w;
        po.max_y_ticks = 3;
        po.log_y = true;
        po.empty_text = tr("press Space to train");
        return po;
    };
    auto colour = [&](size_t i, float alpha) { return (runs.color(i) & 0x00FFFFFF) | ((ImU32)(alpha * 255) << 24); };
    auto who = [&](size_t i) { return runs.label(i).empty() ? std::string() : runs.label(i) + ": "; };

    // ---- RMS(U) before clipping, with the threshold d and the clipping events
    std::vector<PlotSeries> s1;
    const ImU32 clip_col = pack_rgba(Rgb{0.84f, 0.37f, 0.0f}, 0.85f);  // Okabe-Ito vermillion
    for (size_t i = 0; i < runs.size(); i++) {
        const Columns& c = cols[i];
        if (!c.adafactor) continue;
        s1.push_back({who(i) + tr("largest RMS(U) of a tensor"), c.step.data(), c.rms_max.data(), c.n, colour(i, 1.0f), 2.0f, false, true, true});
        s1.push_back({who(i) + tr("RMS(U) of all parameters"), c.step.data(), c.rms_all.data(), c.n, colour(i, 0.45f), 1.2f, false, !runs.comparing(), true});
        s1.push_back({who(i) + tr("clipping fired"), c.clip_step.data(), c.clip_rms.data(), c.clip_step.size(), clip_col, 0.0f, true, i == 0, false});
    }
    PlotOptions po = options(tr("RMS of the update U before clipping (log)"), false);
    po.ref_y = d;
    char dl[48];
    std::snprintf(dl, sizeof dl, "d = %g", d);
    po.ref_label = dl;
    po.value_format = "%.3f";
    const PlotResult r1 = rms_plot.Draw("rms", s1, ImVec2(avail.x, h_rms), po);
    if (ui.regions) {
        ui.regions->record("optimizer_stats_rms", r1.canvas);
        ui.regions->colors["optimizer_stats_clipped"] = clip_col;
    }

    // ---- the schedules: alpha_t, rho_t, 1 - beta2hat_t
    std::vector<PlotSeries> s2;
    for (size_t i = 0; i < runs.size(); i++) {
        const Columns& c = cols[i];
        if (!c.adafactor) continue;
        const bool first = s2.empty();  // 1 - beta2hat_t is the same schedule for every run: drawn once, in grey
        const ImU32 schedule_grey = pack_rgba(Rgb{0.78f, 0.8f, 0.84f}, 0.85f);
        s2.push_back({who(i) + tr("αₜ (mean over the parameters)"), c.step.data(), c.alpha.data(), c.n, colour(i, 1.0f), 2.0f, false, true, true});
        s2.push_back({who(i) + "ρₜ = min(10⁻², 1/√t)", c.step.data(), c.rho.data(), c.n, colour(i, 0.55f), 1.5f, false, first, true});
        if (first) s2.push_back({"1 − β̂₂ₜ = t^−0.8", c.step.data(), c.one_minus_beta2hat.data(), c.n, schedule_grey, 1.5f, false, first, first});
    }
    if (ui.fonts) ui.fonts->request_text("⁻²√");
    PlotOptions pa = options(tr("schedules (log)"), true);
    pa.value_format = "%.2e";
    const PlotResult r2 = schedule_plot.Draw("schedules", s2, ImVec2(avail.x, std::max(40.0f, ImGui::GetContentRegionAvail().y)), pa);
    if (ui.regions) ui.regions->record("optimizer_stats_schedules", r2.canvas);
    axis_w = std::max(r1.axis_w, r2.axis_w);
    ImGui::End();
}

}  // namespace noam::viz
