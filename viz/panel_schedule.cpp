// The learning-rate schedule against the step.
#include "panel_schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "colormap.h"
#include "format.h"
#include "i18n.h"
#include "optimizer.h"
#include "theme.h"

namespace noam::viz {

void SchedulePanel::Curve::compute(const RunConfig& c, int last_step) {
    const nlohmann::json o = run_config_to_json(c)["optim"];
    const std::string k = o.dump() + "|" + std::to_string(c.model.d_model) + "|" + std::to_string(c.train.steps) + "|" +
                          std::to_string(last_step);
    if (k == key) return;
    key = k;
    x.clear();
    y.clear();
    peak = 0;
    peak_step = 1;
    // about 600 points: every step up to there, then evenly spaced (the warmup's corner kept exact)
    const int stride = std::max(1, last_step / 600);
    for (int t = 1; t <= last_step; t += (t < c.optim.warmup + 2 ? 1 : stride)) {
        const float lr = noam::learning_rate(c.optim, t, c.model.d_model, c.train.steps);
        x.push_back((float)t);
        y.push_back(lr);
        if (lr > peak) {
            peak = lr;
            peak_step = t;
        }
    }
}

void SchedulePanel::Draw(RunView& run, UiContext& ui, const RunConfig* preview_config) {
    if (!ImGui::Begin(tr_title("Learning-rate schedule", "schedule").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.live) {
        ImGui::TextDisabled("%s", tr("No run."));
        ImGui::End();
        return;
    }
    const RunConfig& c = run.config();
    const int step = run.step();
    const int last = std::max({c.train.steps, step, 10});
    now.compute(c, last);
    const bool has_preview = preview_config && run_config_to_json(*preview_config)["optim"] != run_config_to_json(c)["optim"];
    if (has_preview) preview.compute(*preview_config, last);

    // ---- one line of numbers: the formula's kind, the peak, the rate now
    char buf[200];
    const char* kind = c.optim.schedule == Schedule::Noam     ? tr("rsqrt with warmup (noam)")
                       : c.optim.schedule == Schedule::Cosine ? tr("cosine with warmup")
                                                              : tr("constant");
    const float lr_now = noam::learning_rate(c.optim, std::max(1, step), c.model.d_model, c.train.steps);
    std::snprintf(buf, sizeof buf, tr("%s   ·   peak %.2e at step %d   ·   now %.2e"), kind, now.peak, now.peak_step, lr_now);
    ImGui::TextUnformatted(buf);

    const ImU32 sched_col = plot_color(3);
    const ImU32 used_col = plot_color(0);
    std::vector<PlotSeries> series;
    series.push_back({tr("schedule"), now.x.data(), now.y.data(), now.x.size(), sched_col, 2.5f, false, true, true});
    if (!run.lr.empty())
        series.push_back({tr("used by the run"), run.steps.data(), run.lr.data(), run.lr.size(), used_col, 1.5f, false, true, true});
    if (has_preview)
        series.push_back({tr("after the change"), preview.x.data(), preview.y.data(), preview.x.size(),
                          pack_rgba(Rgb{0.85f, 0.87f, 0.9f}, 0.8f), 1.5f, false, true, true});
    PlotOptions po;
    po.y_label = tr("learning rate");
    po.x_label = tr("step");
    po.value_format = "%.3e";
    po.max_y_ticks = 4;
    po.fixed_x = true;
    po.x_lo = 0;
    po.x_hi = last;
    po.legend = series.size() > 1;
    po.mark_x = step;
    char mark[48];
    std::snprintf(mark, sizeof mark, tr("step %s"), format_count(step).c_str());
    po.mark_label = mark;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const PlotResult r = plot.Draw("schedule", series, ImVec2(avail.x, avail.y), po);
    if (ui.regions) ui.regions->record("schedule_plot", r.canvas);
    ImGui::End();
}

}  // namespace noam::viz
