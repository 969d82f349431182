// Loss curves and the learning-rate schedule.
#include "panel_loss.h"

#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "colormap.h"
#include "i18n.h"
#include "plot_math.h"
#include "theme.h"

namespace noam::viz {

void LossPanel::Draw(RunView& run, UiContext& ui, const RunSet* set) {
    if (!ImGui::Begin(tr_title("Loss", "loss").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    const ImGuiStyle& st = ImGui::GetStyle();
    ImGui::Checkbox((std::string(tr("log scale")) + "###log_y").c_str(), &log_y);
    ImGui::SameLine(0, st.ItemSpacing.x * 3);
    ImGui::Checkbox((std::string(tr("accuracy")) + "###accuracy").c_str(), &show_accuracy);
    // the smoothing slider on the same line when it gets a usable width, else on its own
    const float smooth_label_w = ImGui::CalcTextSize(tr("smoothing")).x + st.ItemSpacing.x;
    ImGui::SameLine(0, st.ItemSpacing.x * 3);
    if (ImGui::GetContentRegionAvail().x < smooth_label_w + ImGui::GetFontSize() * 6) ImGui::NewLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("smoothing"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetContentRegionAvail().x));
    ImGui::SliderFloat("##smoothing", &smoothing, 0.0f, 0.99f, "%.2f");

    // smoothing is recomputed only when the history grows or the weight changes
    const size_t n = run.loss.size();
    if (n != smoothed_n_ || smoothing != smoothed_w_ || run.history_version != smoothed_history_) {
        ema_smooth(run.loss.data(), n, smoothing, smoothed_);
        smoothed_n_ = n;
        smoothed_w_ = smoothing;
        smoothed_history_ = run.history_version;
    }

    const ImU32 train_col = plot_color(0);
    const ImU32 val_col = plot_color(1);
    const ImU32 acc_col = plot_color(2);
    std::vector<PlotSeries> series;
    const bool comparing = set && set->comparing();
    if (comparing) {
        compare_smoothed_.resize(set->size());
        for (size_t i = 0; i < set->size(); i++) {
            const RunView& v = set->view(i);
            const ImU32 col = set->color(i);
            const std::string& who = set->label(i);
            if (show_accuracy) {
                series.push_back({who + " " + tr("validation accuracy"), v.val_steps.data(), v.val_accuracy.data(), v.val_accuracy.size(), col, 2.0f, true, true, true});
                continue;
            }
            ema_smooth(v.loss.data(), v.loss.size(), smoothing, compare_smoothed_[i]);
            // one legend entry per run (its validation curve, dots); its training curve, thin, in the same colour
            series.push_back({who + " " + tr("train"), v.steps.data(), compare_smoothed_[i].data(), v.loss.size(), (col & 0x00FFFFFF) | 0x90000000, 1.5f, false, false, true});
            series.push_back({who, v.val_steps.data(), v.val_loss.data(), v.val_loss.size(), col, 2.5f, true, true, true});
        }
    } else if (show_accuracy) {
        series.push_back({tr("train accuracy"), run.steps.data(), run.accuracy.data(), run.accuracy.size(), (acc_col & 0x00FFFFFF) | 0x55000000, 1.0f, false, false, true});
        series.push_back({tr("validation accuracy"), run.val_steps.data(), run.val_accuracy.data(), run.val_accuracy.size(), val_col, 2.0f, true, true, true});
    } else {
        series.push_back({tr("train (raw)"), run.steps.data(), run.loss.data(), n, (train_col & 0x00FFFFFF) | 0x50000000, 1.0f, false, false, true});
        series.push_back({tr("train"), run.steps.data(), smoothed_.data(), n, train_col, 2.5f, false, true, true});
        series.push_back({tr("validation"), run.val_steps.data(), run.val_loss.data(), run.val_loss.size(), val_col, 2.0f, true, true, true});
    }
    // MoE runs: what the auxiliary losses (balance / importance + load / z-loss, coefficients in) add to the
    // objective, on the same axis: small beside the loss while the router behaves
    if (!show_accuracy) {
        const size_t members = comparing ? set->size() : 1;
        aux_.resize(members);
        for (size_t i = 0; i < members; i++) {
            const RunView& v = comparing ? set->view(i) : run;
            if (!v.valid() || !v.config().model.moe.enabled()) continue;
            aux_[i].resize(v.history.size());
            for (size_t k = 0; k < v.history.size(); k++) aux_[i][k] = v.history[k].moe_aux_loss;
            const ImU32 col = comparing ? set->color(i) : plot_color(4);
            const std::string name = comparing ? set->label(i) + " " + tr("MoE aux loss") : std::string(tr("MoE aux loss"));
            series.push_back({name, v.steps.data(), aux_[i].data(), std::min(aux_[i].size(), v.steps.size()), (col & 0x00FFFFFF) | 0xC0000000, 1.0f, false, !comparing, true});
        }
    }

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // the learning-rate plot: about 30% of the height, at least six lines of text, never more than 45%
    // a short panel (a lesson's tile) keeps the room for the loss: the learning rate has its own panel there
    const bool with_lr = avail.y >= ImGui::GetFontSize() * 15;
    // [replay] the scrubber's strip under the loss plot while paused
    const bool strip = replay && replay->shows_strip(run);
    const float strip_h = strip ? ImGui::GetFrameHeightWithSpacing() : 0.0f;
    const float lr_h = with_lr ? std::floor(std::min(avail.y * 0.45f, std::max(ImGui::GetFontSize() * 6.0f, avail.y * 0.3f))) : 0.0f;
    PlotOptions po;
    po.log_y = log_y && !show_accuracy;
    po.y_label = show_accuracy ? tr("accuracy (scored tokens)")
                 : comparing    ? tr("loss (nats per token): dots validation, thin lines training (smoothed)")
                                : tr("loss (cross-entropy, nats per token)");
    po.empty_text = tr("press Space to train");
    po.x_tick_labels = !with_lr;
    if (!with_lr) po.x_label = tr("step");
    po.min_axis_w = axis_w_;  // the learning-rate plot underneath labels the shared step axis
    if (run.valid() && (run.snap->total_steps > 0 || x_max > 0)) {
        // the whole run's width from the start (or the lesson step's), so the curve grows into the plot
        po.fixed_x = true;
        po.x_lo = 0;
        po.x_hi = std::max<double>(x_max > 0 ? x_max : run.snap->total_steps, run.steps.empty() ? 1 : run.steps.back());
    }
    const PlotResult r = loss_plot.Draw("loss", series, ImVec2(avail.x, avail.y - lr_h - strip_h - (with_lr ? st.ItemSpacing.y : 0)), po);
    if (replay) replay->DrawCursor(run, r, ui);
    if (strip) replay->DrawStrip(run, ui);
    if (ui.regions) {
        ui.regions->record("loss_plot", r.canvas);
        if (r.legend.w > 0) ui.regions->record("loss_plot_legend", r.legend);
        ui.regions->colors["loss_train"] = train_col;
        ui.regions->colors["loss_validation"] = val_col;
    }

    if (!with_lr) {
        axis_w_ = r.axis_w;
        ImGui::End();
        return;
    }
    std::vector<PlotSeries> lr{{tr("learning rate"), run.steps.data(), run.lr.data(), run.lr.size(), plot_color(3), 2.0f, false, false, true}};
    if (comparing) {
        lr.clear();
        for (size_t i = 0; i < set->size(); i++) {
            const RunView& v = set->view(i);
            lr.push_back({set->label(i), v.steps.data(), v.lr.data(), v.lr.size(), set->color(i), 2.0f, false, false, true});
        }
    }
    PlotOptions lo;
    lo.y_label = tr("learning rate");
    lo.x_label = tr("step");
    lo.max_y_ticks = 3;
    lo.value_format = "%.2e";
    lo.empty_text = "";
    lo.fixed_x = po.fixed_x;
    lo.x_lo = po.x_lo;
    lo.x_hi = po.x_hi;
    lo.min_axis_w = axis_w_;
    const PlotResult r2 = lr_plot.Draw("lr", lr, ImVec2(avail.x, lr_h), lo);
    if (ui.regions) ui.regions->record("lr_plot", r2.canvas);
    axis_w_ = std::max(r.axis_w, r2.axis_w);
    ImGui::End();
}

}  // namespace noam::viz
