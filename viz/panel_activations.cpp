// The activation functions and their derivatives.
#include "panel_activations.h"

#include <algorithm>

#include <imgui.h>

#include "colormap.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

std::string activation_label(FfnKind k) {
    const char* gate = nullptr;  // the function applied to x W before it multiplies x V
    switch (k) {
        case FfnKind::GLU: gate = "sigmoid"; break;
        case FfnKind::Bilinear: gate = "identity"; break;
        case FfnKind::ReGLU: gate = "relu"; break;
        case FfnKind::GEGLU: gate = "gelu"; break;
        case FfnKind::SwiGLU: gate = "swish"; break;
        default: return to_string(k);
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, tr("%s (gate: %s)"), to_string(k), gate);
    return buf;
}

ActivationsPanel::ActivationsPanel() { kinds = {FfnKind::ReLU, FfnKind::GELU, FfnKind::Swish, FfnKind::SquaredReLU}; }

void ActivationsPanel::set_kinds(const std::vector<std::string>& names) {
    std::vector<FfnKind> k;
    for (const auto& n : names) {
        FfnKind f;
        if (parse_ffn_kind(n, f) && std::find(k.begin(), k.end(), f) == k.end()) k.push_back(f);
    }
    kinds = k.empty() ? ActivationsPanel().kinds : k;
}

void ActivationsPanel::compute(const std::vector<FfnKind>& k) {
    shown = k;
    z.resize(kPoints);
    for (int i = 0; i < kPoints; i++) z[i] = kLo + (kHi - kLo) * i / (kPoints - 1);
    value.assign(k.size(), std::vector<float>(kPoints));
    grad.assign(k.size(), std::vector<float>(kPoints));
    labels.clear();
    for (size_t s = 0; s < k.size(); s++) {
        labels.push_back(activation_label(k[s]));
        for (int i = 0; i < kPoints; i++) {
            value[s][i] = ffn_activation(k[s], z[i]);
            grad[s][i] = ffn_activation_grad(k[s], z[i]);
        }
    }
}

void ActivationsPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Activations", "activations").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    // the step's kinds, and the run's own kind when it is not among them
    std::vector<FfnKind> want = kinds;
    const bool has_run = run.live != nullptr;
    const FfnKind run_kind = has_run ? run.config().model.ffn : FfnKind::ReLU;
    if (has_run && std::find(want.begin(), want.end(), run_kind) == want.end()) want.push_back(run_kind);
    if (want != shown) compute(want);

    std::vector<PlotSeries> vs, gs;
    for (size_t s = 0; s < shown.size(); s++) {
        const bool mine = has_run && shown[s] == run_kind;
        const ImU32 col = plot_color((int)s);
        const std::string name = activation_label(shown[s]);  // here, so a language change shows at once
        const std::string label = mine ? name + " " + tr("← this run") : name;
        if (ui.regions) ui.regions->colors[std::string("activations_") + to_string(shown[s])] = col;
        vs.push_back({label, z.data(), value[s].data(), (size_t)kPoints, col, mine ? 3.5f : 2.0f, false, true, true});
        gs.push_back({name, z.data(), grad[s].data(), (size_t)kPoints, col, mine ? 3.5f : 2.0f, false, false, true});
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    const float h_top = std::floor((avail.y - gap) * 0.55f);
    PlotOptions o;
    o.y_label = "act(z)";
    o.fixed_x = true;
    o.x_lo = kLo;
    o.x_hi = kHi;
    o.value_format = "%.3f";
    o.x_tick_labels = false;
    o.ref_y = 0.0f;
    o.fixed_y = true;  // squared relu reaches 16 at z = 4: the interesting part is near 0
    o.y_lo = -1.5;
    o.y_hi = 4.5;
    const PlotResult r1 = value_plot.Draw("act", vs, ImVec2(avail.x, h_top), o);
    PlotOptions og = o;
    og.y_label = tr("act'(z): how much gradient passes back");
    og.x_label = tr("z = x·W (the pre-activation)");
    og.x_tick_labels = true;
    og.legend = false;
    og.min_axis_w = r1.axis_w;
    og.y_lo = -0.5;
    og.y_hi = 2.5;
    const PlotResult r2 = grad_plot.Draw("grad", gs, ImVec2(avail.x, avail.y - h_top - gap), og);
    if (ui.regions) {
        ui.regions->record("activations_plot", r1.canvas);
        ui.regions->record("activations_grad_plot", r2.canvas);
    }
    ImGui::End();
}

}  // namespace noam::viz
