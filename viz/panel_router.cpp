// Router: logit magnitude and the auxiliary loss terms over time.
#include "panel_router.h"

#include <algorithm>
#include <string>

#include <imgui.h>

#include "i18n.h"
#include "theme.h"

namespace noam::viz {

namespace {

void update(RouterPanel::Columns& c, const RunView& v) {
    if (c.view != &v || c.run_id != v.run_id || c.history_version != v.history_version || v.history.size() < c.n) {
        c = RouterPanel::Columns{};
        c.view = &v;
        c.run_id = v.run_id;
        c.history_version = v.history_version;
    }
    for (size_t i = c.n; i < v.history.size(); i++) {
        const StepRecord& r = v.history[i];
        c.step.push_back((float)r.step);
        c.lse_mean.push_back(r.moe_router_logit_mean);
        c.lse_max.push_back(r.moe_router_logit_max);
        c.balance.push_back(r.moe_balance_loss);
        c.importance.push_back(r.moe_importance_loss);
        c.load.push_back(r.moe_load_loss);
        c.z.push_back(r.moe_z_loss);
    }
    c.n = v.history.size();
}

std::string run_name(const RunSet& runs, size_t i) { return runs.label(i).empty() ? std::string(tr("this run")) : runs.label(i); }

}  // namespace

void RouterPanel::Draw(RunSet& runs, UiContext& ui) {
    if (!BeginRunsPanel(tr_title("Router", "router").c_str(), runs, ui)) return;
    if (runs.view(0).snap->moe_layers.empty()) {
        ImGui::TextDisabled("%s", tr("A dense model: no router."));
        ImGui::End();
        return;
    }
    cols.resize(runs.size());
    bool any_balance = false, any_noisy = false, any_z = false;
    for (size_t i = 0; i < runs.size(); i++) {
        const RunView& v = runs.view(i);
        if (!v.valid()) continue;
        update(cols[i], v);
        const MoeConfig& m = v.config().model.moe;
        if (!m.enabled()) continue;
        any_balance |= m.router == RouterKind::Switch || m.router == RouterKind::Top2;
        any_noisy |= m.router == RouterKind::NoisyTopK;
        any_z |= m.z_loss_coef > 0;  // measured for every router; drawn when some run trains on it
    }
    // ---- the plots: logits first, then one per loss term, sharing the height
    struct Term {
        const char* id;
        const char* title;
        std::vector<float> RouterPanel::Columns::*col;
        LinePlot* plot;
        bool shown;
    };
    const Term terms[] = {
        {"router_balance", tr_later("balance loss E·Σ fᵢPᵢ (1: uniform)"), &Columns::balance, &balance_plot, any_balance},
        {"router_importance", "CV(Importance)²", &Columns::importance, &importance_plot, any_noisy},
        {"router_load", "CV(Load)²", &Columns::load, &load_plot, any_noisy},
        {"router_z", tr_later("z-loss (1/T)·Σ logsumexp²"), &Columns::z, &z_plot, any_z},
    };
    int n_plots = 1;
    for (const Term& t : terms) n_plots += t.shown;
    if (ui.fonts) ui.fonts->request_text("ΣᵢP²·");
    // the plots share the height (the logits' a little more); below a readable height they scroll
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    const float min_h = 90.0f * ui.scale;
    const float avail_h = ImGui::GetContentRegionAvail().y;
    const float rest_h = std::max(min_h, (avail_h - gap * n_plots) / (n_plots + 0.5f));
    const float first_h = rest_h * 1.5f;
    ImGui::BeginChild("router_plots", ImVec2(0, 0), false);
    const float w = ImGui::GetContentRegionAvail().x;
    std::vector<PlotSeries> series;
    for (size_t i = 0; i < runs.size(); i++) {
        const Columns& c = cols[i];
        if (!runs.view(i).valid() || c.n == 0) continue;
        PlotSeries s;
        s.x = c.step.data();
        s.n = c.n;
        s.color = runs.color(i);
        s.label = run_name(runs, i) + " " + tr("max");
        s.y = c.lse_max.data();
        s.thickness = 2.5f;
        series.push_back(s);
        s.label = run_name(runs, i) + " " + tr("mean");
        s.y = c.lse_mean.data();
        s.thickness = 1.0f;
        series.push_back(s);
    }
    PlotOptions po;
    po.y_label = tr("router logit size: logsumexp of a token's logits (max thick, mean thin)");
    po.x_label = tr("step");
    po.value_format = "%.3f";
    const PlotResult pr = logits_plot.Draw("router_logits", series, ImVec2(w, first_h), po);
    if (ui.regions) ui.regions->record("router_logits", pr.canvas);
    for (const Term& t : terms) {
        if (!t.shown) continue;
        series.clear();
        for (size_t i = 0; i < runs.size(); i++) {
            const Columns& c = cols[i];
            if (!runs.view(i).valid() || c.n == 0) continue;
            PlotSeries s;
            s.x = c.step.data();
            s.y = (c.*t.col).data();
            s.n = c.n;
            s.color = runs.color(i);
            s.label = run_name(runs, i);
            s.legend = runs.comparing();
            series.push_back(s);
        }
        PlotOptions o;
        o.y_label = tr(t.title);
        o.value_format = "%.4f";
        const PlotResult r = t.plot->Draw(t.id, series, ImVec2(w, rest_h), o);
        if (ui.regions) ui.regions->record(t.id, r.canvas);
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace noam::viz
