// Optimizer memory: Adam against Adafactor, per tensor and in total.
#include "panel_optimizer_memory.h"

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

std::string shape_text(const std::vector<int>& shape) {
    std::string s;
    for (size_t i = 0; i < shape.size(); i++) s += (i ? "×" : "") + std::to_string(shape[i]);
    return s;
}

std::string floats_and_bytes(size_t floats) {
    return format_count(floats) + " " + tr("floats") + " · " + format_bytes(floats * sizeof(float));
}

// "blocks.0.ffn.w1.w" -> "0.ffn.w1.w": the layer number leads, the rest stays readable
std::string short_name(const std::string& name) {
    return name.rfind("blocks.", 0) == 0 ? name.substr(7) : name;
}

const ImU32 kAdamColor = IM_COL32(150, 156, 168, 255);  // grey: the yardstick

OptimConfig adafactor_defaults() {
    OptimConfig af;
    af.kind = "adafactor";
    af.beta1 = 0;  // the paper's default: no first moment
    return af;
}

}  // namespace

void OptimizerMemoryPanel::compute(const OptimizerMemory& live) {
    std::string key = ui_language() + ";";  // the labels are in the interface's language
    for (const TensorState& t : live.tensors) key += t.param + shape_text(t.shape) + ";";
    if (key == shapes_key) return;
    shapes_key = key;
    const std::vector<Param> shapes = live.shapes();
    adam = adam_memory(shapes);
    adafactor = optimizer_memory(adafactor_defaults(), shapes);
    tensor_labels.clear();
    tensor_tips.clear();
    tensor_floats.clear();
    for (size_t i = 0; i < shapes.size(); i++) {
        const TensorState &a = adam.tensors[i], &f = adafactor.tensors[i];
        tensor_labels.push_back(short_name(a.param) + " " + shape_text(a.shape));
        tensor_labels.push_back("");
        tensor_floats.push_back((float)a.floats());
        tensor_floats.push_back((float)f.floats());
        const std::string kept = a.shape.size() == 2 ? "R (" + std::to_string(a.shape[0]) + ") + C (" +
                                                           std::to_string(a.shape[1]) + ")"
                                                     : tr("the full V (a vector is not factored)");
        tensor_tips.push_back(tr("Adam: m and v, ") + floats_and_bytes(a.floats()));
        tensor_tips.push_back("Adafactor: " + kept + ", " + floats_and_bytes(f.floats()));
    }
}

void OptimizerMemoryPanel::Draw(RunSet& runs, UiContext& ui, const RunConfig* preview) {
    if (!BeginRunsPanel(tr_title("Optimizer memory", "optimizer_memory").c_str(), runs, ui)) return;
    compute(runs.view(0).snap->optimizer_memory);
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();

    // ---- the headline: how much smaller
    const double ratio = adam.floats ? (double)adafactor.floats / adam.floats : 0;
    if (ui.fonts) ui.fonts->request_text("×·≈");
    ImGui::PushFont(ui.fonts ? ui.fonts->heading : nullptr);
    ImGui::Text(tr("Adafactor keeps %.1f%% of Adam's state"), 100.0 * ratio);
    ImGui::PopFont();
    ImGui::TextDisabled(tr("%s parameters: Adam 2 floats each (m, v); Adafactor n + m per n×m matrix: %.0f× less"),
                        format_count(adam.params).c_str(), ratio > 0 ? 1.0 / ratio : 0.0);

    // ---- totals: the two yardsticks, then what every run keeps (floats on the bars, bytes in the labels)
    std::vector<std::string> labels = {"Adam (2 n m) · " + format_bytes(adam.bytes()),
                                       "Adafactor (n + m) · " + format_bytes(adafactor.bytes())};
    std::vector<float> values = {(float)adam.floats, (float)adafactor.floats};
    BarChartOptions bo;
    bo.colors = {kAdamColor, pal.accent};
    bo.tooltips = {floats_and_bytes(adam.floats), floats_and_bytes(adafactor.floats)};
    bo.value_format = "%.0f";
    for (size_t i = 0; i < runs.size(); i++) {
        const RunView& v = runs.view(i);
        if (!v.valid()) continue;
        const OptimizerMemory& m = v.snap->optimizer_memory;
        const std::string who = runs.label(i).empty() ? std::string(tr("this run")) : runs.label(i);
        labels.push_back(who + ": " + m.optimizer + " · " + format_bytes(m.bytes()));
        values.push_back((float)m.floats);
        bo.colors.push_back(runs.color(i));
        char tip[160];
        std::snprintf(tip, sizeof tip, tr("%s; %.3g floats per parameter; %.1f%% of Adam's"), floats_and_bytes(m.floats).c_str(),
                      m.floats_per_param(), adam.floats ? 100.0 * m.floats / adam.floats : 0.0);
        bo.tooltips.push_back(tip);
    }
    // a model-size knob not yet applied: the model it would build
    const RunConfig& now = runs.view(0).config();
    if (preview && run_config_to_json(*preview)["model"] != run_config_to_json(now)["model"]) {
        ModelConfig m = preview->model;
        if (m.vocab_size == 0)  // from the data, as now: the run's embedding has one row per symbol
            for (const TensorState& t : runs.view(0).snap->optimizer_memory.tensors)
                if (t.param == "embed.tokens") m.vocab_size = t.shape[0];
        RunConfig c = *preview;
        c.model = m;
        const std::string key = run_config_to_json(c)["model"].dump();
        if (key != preview_key) {
            preview_key = key;
            try {
                const std::vector<Param> shapes = model_param_shapes(m);
                preview_adam = adam_memory(shapes);
                preview_adafactor = optimizer_memory(adafactor_defaults(), shapes);
            } catch (const std::exception&) {
                preview_adam = preview_adafactor = OptimizerMemory{};  // the knob's value cannot build a model
            }
        }
        if (preview_adam.params > 0) {
            const ImU32 soft = pack_rgba(Rgb{0.85f, 0.87f, 0.9f}, 0.8f);
            labels.push_back(tr("after the change: Adam · ") + format_bytes(preview_adam.bytes()));
            labels.push_back(tr("after the change: Adafactor · ") + format_bytes(preview_adafactor.bytes()));
            values.push_back((float)preview_adam.floats);
            values.push_back((float)preview_adafactor.floats);
            bo.colors.push_back(soft);
            bo.colors.push_back(soft);
            bo.tooltips.push_back(format_count(preview_adam.params) + tr(" parameters; ") + floats_and_bytes(preview_adam.floats));
            bo.tooltips.push_back(floats_and_bytes(preview_adafactor.floats));
        }
    }
    const float row = ImGui::GetFontSize() * 1.5f;
    ImGui::Dummy(ImVec2(1, st.ItemSpacing.y));
    const ImVec2 t0 = ImGui::GetCursorScreenPos();
    const ImVec2 tsize(ImGui::GetContentRegionAvail().x, row * labels.size());
    BarChart("totals", labels, values, tsize, bo);
    if (ui.regions) {
        ui.regions->record("optimizer_memory_totals", {t0.x, t0.y, tsize.x, tsize.y});
        ui.regions->colors["optimizer_memory_adam"] = kAdamColor;
        ui.regions->colors["optimizer_memory_adafactor"] = pal.accent;
    }

    // ---- per tensor: Adam (grey) above Adafactor (accent), scrolling when the model has many tensors
    ImGui::Spacing();
    ImGui::TextUnformatted(tr("per tensor"));
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kAdamColor), "Adam");
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.accent), "Adafactor");
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("(floats of state; hover for bytes)"));
    const float bar_row = ImGui::GetFontSize() * 0.85f;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (ImGui::BeginChild("per_tensor", ImVec2(avail.x, std::max(avail.y, bar_row * 4)), false)) {
        BarChartOptions to;
        to.colors = {kAdamColor, pal.accent};
        to.tooltips = tensor_tips;
        to.value_format = "%.0f";
        const ImVec2 p0 = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x;
        BarChart("per_tensor", tensor_labels, tensor_floats, ImVec2(w, bar_row * tensor_labels.size()), to);
        if (ui.regions) ui.regions->record("optimizer_memory_tensors", {p0.x, p0.y, w, std::min(bar_row * tensor_labels.size(), avail.y)});
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace noam::viz
