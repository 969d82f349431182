// Training controls and run status.
#include "panel_controls.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "colormap.h"
#include "format.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

namespace {

const float kSpeedLimits[] = {0, 200, 50, 20, 5, 1};  // steps per second; 0: no limit
const char* kSpeedNames[] = {tr_later("as fast as possible"), "200 steps/s", "50 steps/s", "20 steps/s", "5 steps/s",
                             "1 step/s"};

// A headline number with a caption under it, in a rounded card.
void stat_card(const char* caption, const std::string& value, ImU32 value_col, float width, ImFont* big, ImFont* small) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = big->FontSize + small->FontSize + 14;
    dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), 6.0f);
    dl->AddText(big, big->FontSize, ImVec2(p.x + 10, p.y + 5), value_col, value.c_str());
    dl->AddText(small, small->FontSize, ImVec2(p.x + 10, p.y + 8 + big->FontSize), palette().text_dim, caption);
    ImGui::Dummy(ImVec2(width, h));
}

}  // namespace

void ControlsPanel::toggle_play(RunView& run) {
    if (!run.valid()) return;
    run.post(run.playing() ? CommandKind::Pause : CommandKind::Play);
}

void ControlsPanel::reset(RunView& run) {
    run.post(CommandKind::Reset, (double)seed);
}

void ControlsPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Training", "controls").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    const Palette& pal = palette();
    if (!run.valid()) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.error), "%s", tr("No run: fix the setup and press Apply."));
        ImGui::End();
        return;
    }
    if (seen_run_id != run.run_id) {  // a new run: take its seed, give it the knobs as they are set
        seen_run_id = run.run_id;
        seed = (int)run.live->seed();
        if (lr_scale != 1.0f) run.post(CommandKind::SetLrScale, lr_scale);
        if (steps_per_picture != 1) run.post(CommandKind::SetStepsPerTick, steps_per_picture);
        if (speed_index != 0) run.post(CommandKind::SetMaxStepsPerSecond, kSpeedLimits[speed_index]);
    }
    const Snapshot& s = *run.snap;
    const float w = ImGui::GetContentRegionAvail().x;
    const ImGuiStyle& st = ImGui::GetStyle();

    // ---- transport: play / pause, step, step N
    const bool playing = on_toggle_play ? busy : s.playing;
    const bool finished = run.finished() && !on_toggle_play;  // a lesson trains past the config's step count
    const float bh = ImGui::GetFrameHeight() * 1.35f;
    push_action_button(playing);
    ImGui::BeginDisabled(finished || !s.error.empty());
    const float play_w = std::floor(w * 0.42f);
    if (ImGui::Button((std::string(playing ? tr("■  Pause") : tr("▶  Train")) + "###play").c_str(), ImVec2(play_w, bh))) {
        if (on_toggle_play) on_toggle_play();
        else toggle_play(run);
    }
    ImGui::EndDisabled();
    ImGui::PopStyleColor(kActionButtonColors);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tr("Space"));
    ImGui::SameLine();
    ImGui::BeginDisabled(playing || finished || !s.error.empty());
    const float rest = (w - play_w - 2 * st.ItemSpacing.x) * 0.5f;
    if (ImGui::Button((std::string(tr("Step")) + "###step").c_str(), ImVec2(rest, bh))) run.post(CommandKind::StepOnce);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tr("one training step (Right arrow)"));
    ImGui::SameLine();
    char label[32];
    std::snprintf(label, sizeof label, tr("Step %d"), step_n);
    if (ImGui::Button(label, ImVec2(rest, bh))) run.post(CommandKind::StepN, step_n);
    ImGui::EndDisabled();
    if (ImGui::BeginPopupContextItem("stepn")) {
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
        ImGui::InputInt("steps", &step_n, 10, 100);
        step_n = std::clamp(step_n, 1, 100000);
        ImGui::EndPopup();
    }
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tr("right-click to change N"));

    // ---- progress
    ImGui::Spacing();
    const float frac = s.total_steps > 0 ? std::min(1.0f, (float)s.step / s.total_steps) : 0.0f;
    char prog[96];
    std::snprintf(prog, sizeof prog, tr("step %s / %s"), format_count(s.step).c_str(), format_count(s.total_steps).c_str());
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImGui::ColorConvertU32ToFloat4(pal.accent));
    ImGui::ProgressBar(frac, ImVec2(w, 0), prog);
    ImGui::PopStyleColor();

    // ---- headline cards: loss, validation loss, accuracy
    ImGui::Spacing();
    const float card_w = std::floor((w - 2 * st.ItemSpacing.x) / 3);
    char buf[64];
    const bool has = !run.history.empty();
    const StepRecord* last = has ? &run.history.back() : nullptr;
    std::snprintf(buf, sizeof buf, has ? "%.3f" : "–", has ? last->loss : 0.0f);
    stat_card(tr("train loss"), buf, plot_color(0), card_w, ui.fonts->heading, ui.fonts->small);
    ImGui::SameLine();
    const bool has_val = !run.val_loss.empty();
    std::snprintf(buf, sizeof buf, has_val ? "%.3f" : "–", has_val ? run.val_loss.back() : 0.0f);
    stat_card(tr("val loss"), buf, plot_color(1), card_w, ui.fonts->heading, ui.fonts->small);
    ImGui::SameLine();
    const float acc = has_val ? run.val_accuracy.back() : (has ? last->accuracy : 0.0f);
    std::snprintf(buf, sizeof buf, (has || has_val) ? "%.0f%%" : "–", 100.0f * acc);
    stat_card(has_val ? tr("val accuracy") : tr("accuracy"), buf, pal.ok, card_w, ui.fonts->heading, ui.fonts->small);

    // ---- details
    ImGui::Spacing();
    if (ImGui::BeginTable("status", 4, ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("k1", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("v1", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("k2", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("v2", ImGuiTableColumnFlags_WidthStretch);
        auto cell = [](const char* k, const std::string& v) {
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", k);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(v.c_str());
        };
        const double tps = run.tokens_per_second();
        cell(tr("tokens/s"), ui.render ? tr("not measured in render") : tps > 0 ? format_si(tps) : "–");
        cell(tr("elapsed"), ui.render ? tr("not measured in render") : format_duration(s.elapsed_seconds));
        std::snprintf(buf, sizeof buf, "%.2e", has ? last->lr : 0.0f);
        cell("lr", has ? buf : "–");
        std::snprintf(buf, sizeof buf, "%.2f", has ? last->grad_norm : 0.0f);
        cell(tr("grad norm"), has ? buf : "–");
        ImGui::EndTable();
    }
    if (!s.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.error));
        ImGui::TextWrapped(tr("The run stopped: %s"), s.error.c_str());
        ImGui::PopStyleColor();
        ImGui::TextDisabled("%s", tr("Reset it, lower the learning rate, or change the setup."));
    } else if (finished) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.ok), tr("Finished %s steps. Reset to train again."),
                           format_count(s.total_steps).c_str());
    }

    // ---- knobs
    ImGui::Spacing();
    ImGui::Separator();
    const float label_w = ImGui::CalcTextSize(tr("steps / picture")).x + st.ItemInnerSpacing.x;
    const float field_w = std::max(60.0f, w - label_w - st.ItemInnerSpacing.x);
    ImGui::SetNextItemWidth(field_w);
    if (ImGui::SliderFloat((std::string(tr("lr ×")) + "###lr_scale").c_str(), &lr_scale, 0.1f, 10.0f, "%.2f", ImGuiSliderFlags_Logarithmic))
        run.post(CommandKind::SetLrScale, lr_scale);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("multiplies the learning-rate schedule, live (Ctrl+click to type)"));
    ImGui::SetNextItemWidth(field_w);
    if (ImGui::SliderInt((std::string(tr("steps / picture")) + "###steps_per_picture").c_str(), &steps_per_picture, 1, 100, "%d", ImGuiSliderFlags_Logarithmic))
        run.post(CommandKind::SetStepsPerTick, steps_per_picture);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("training steps between two snapshots of the model"));
    ImGui::SetNextItemWidth(field_w);
    const char* speed_names[IM_ARRAYSIZE(kSpeedNames)];  // in the interface's language
    for (int i = 0; i < IM_ARRAYSIZE(kSpeedNames); i++) speed_names[i] = tr(kSpeedNames[i]);
    if (ImGui::Combo((std::string(tr("speed")) + "###speed").c_str(), &speed_index, speed_names, IM_ARRAYSIZE(kSpeedNames)))
        run.post(CommandKind::SetMaxStepsPerSecond, kSpeedLimits[speed_index]);
    ImGui::SetNextItemWidth(std::max(60.0f, w - label_w - st.ItemInnerSpacing.x - ImGui::CalcTextSize(tr("Reset")).x -
                                                st.FramePadding.x * 2 - st.ItemSpacing.x));
    ImGui::InputInt("##seed", &seed, 1, 10);
    seed = std::max(0, seed);
    ImGui::SameLine();
    if (ImGui::Button((std::string(tr("Reset")) + "###reset").c_str())) reset(run);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("a fresh model with this seed (Ctrl+R); same seed, same run"));
    ImGui::SameLine(0, st.ItemInnerSpacing.x);
    ImGui::TextUnformatted(tr("seed"));
    ImGui::End();
}

}  // namespace noam::viz
