// Task and model setup, applied as a new run.
#include "panel_setup.h"

#include <algorithm>
#include <cstring>
#include <exception>

#include <imgui.h>
#include <imgui_stdlib.h>
#include <nlohmann/json.hpp>

#include "i18n.h"
#include "theme.h"

namespace noam::viz {

namespace {

const char* kTasks[] = {"copy", "reverse", "sort", "recall", "induction", "text"};
const char* kTaskHelp[] = {
    tr_later("copy a string of symbols after a separator: attention looks back a fixed distance"),
    tr_later("write the string backwards: the heads draw an anti-diagonal"),
    tr_later("sort the symbols: attention finds the next smallest"),
    tr_later("key-value recall: find the key, read the value after it"),
    tr_later("induction: [A][B] ... [A] -> [B], the two-layer circuit"),
    tr_later("a language model on real text, one character per token"),
};
const char* kCorpora[] = {tr_later("literature (English)"), tr_later("tang300 (Tang poems)"), tr_later("my own text file")};

// one row of the form: label on the left, widget filling the rest
void row(const char* label, const char* help) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    if (help && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-FLT_MIN);
}

}  // namespace

void SetupPanel::take(const RunConfig& c) {
    draft = c;
    if (c.data.corpus == "literature" || c.data.corpus.empty()) corpus_choice = 0;
    else if (c.data.corpus == "tang300") corpus_choice = 1;
    else {
        corpus_choice = 2;
        corpus_path = c.data.corpus;
    }
    have_draft = true;
}

std::string SetupPanel::check(const RunConfig& c) {
    const ModelConfig& m = c.model;
    auto range = [](const char* what, int v, int lo, int hi) -> std::string {
        if (v < lo || v > hi)
            return std::string(what) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                   " (it is " + std::to_string(v) + ")";
        return "";
    };
    for (std::string e : {range("d_model", m.d_model, 2, 1024), range("heads", m.n_heads, 1, 64),
                          range("kv heads", m.n_kv_heads, 0, 64), range("layers", m.n_layers, 1, 16),
                          range("d_ff", m.d_ff, 1, 8192), range("context", m.seq_len, 2, 1024),
                          range("batch size", c.train.batch_size, 1, 1024), range("steps", c.train.steps, 1, 10000000),
                          range("symbols", c.data.digits, 2, 36)})
        if (!e.empty()) return e;
    if (!(c.optim.lr > 0) || c.optim.lr > 10) return "learning rate must be in (0, 10]";
    if (c.data.task == "text" && c.data.corpus.empty()) return "type the path of a UTF-8 text file";
    return "";
}

RunConfig SetupPanel::effective() const {
    RunConfig c = draft;
    c.data.corpus = c.data.task != "text" ? "" : corpus_choice == 0 ? "literature" : corpus_choice == 1 ? "tang300" : corpus_path;
    return c;
}

void SetupPanel::apply(RunView& run) {
    const RunConfig c = effective();
    error = check(c);
    if (!error.empty()) return;
    try {
        validate(c, "setup");
    } catch (const std::exception& e) {
        error = e.what();
        return;
    }
    if (!run.start(c, play_after_apply)) {
        error = run.start_error;
        return;
    }
    error.clear();
    applied_note = "Applied: a new " + c.data.task + " run.";
    take(run.config());
    draft_run_id = run.run_id;
}

void SetupPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Setup", "setup").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();
    if (run.live && (!have_draft || draft_run_id != run.run_id)) {
        take(run.config());
        draft_run_id = run.run_id;
    }
    if (!have_draft) {
        ImGui::End();
        return;
    }
    const bool changed = run.live && run_config_to_json(effective()) != run_config_to_json(run.config());

    // the footer (Apply, messages) stays visible; the form above it scrolls when the panel is short
    const float fh = ImGui::GetFrameHeight();
    // a fixed height, so the Apply button never moves under the mouse when a message appears
    const float msg_h = 3 * ImGui::GetTextLineHeightWithSpacing();
    const float footer_h = fh * 1.2f + st.ItemSpacing.y * 2 + msg_h;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
    ImGui::BeginChild("form", ImVec2(0, std::max(fh * 3, ImGui::GetContentRegionAvail().y - footer_h)), false);
    const float label_w = ImGui::CalcTextSize(tr("positions")).x + st.ItemSpacing.x;
    const float pair_label_w = ImGui::CalcTextSize(tr("kv heads")).x + st.ItemSpacing.x;

    // ---- task and data
    if (ImGui::BeginTable("task", 2)) {
        ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, label_w);
        ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
        int task = (int)(std::find_if(std::begin(kTasks), std::end(kTasks),
                                      [&](const char* t) { return draft.data.task == t; }) - std::begin(kTasks));
        if (task >= IM_ARRAYSIZE(kTasks)) task = 1;
        row(tr("task"), nullptr);
        if (ImGui::BeginCombo("##task", kTasks[task])) {
            for (int i = 0; i < IM_ARRAYSIZE(kTasks); i++) {
                if (ImGui::Selectable(kTasks[i], i == task)) draft.data.task = kTasks[i];
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(kTaskHelp[i]));
            }
            ImGui::EndCombo();
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(kTaskHelp[task]));
        if (draft.data.task == "text") {
            row(tr("corpus"), nullptr);
            const char* corpora[IM_ARRAYSIZE(kCorpora)];  // in the interface's language
            for (int i = 0; i < IM_ARRAYSIZE(kCorpora); i++) corpora[i] = tr(kCorpora[i]);
            ImGui::Combo("##corpus", &corpus_choice, corpora, IM_ARRAYSIZE(kCorpora));
            if (corpus_choice == 2) {
                row(tr("file"), tr("a UTF-8 text file of at least a few thousand characters"));
                ImGui::InputTextWithHint("##path", "/path/to/text.txt", &corpus_path);
            }
        } else {
            row(tr("symbols"), tr("alphabet size of the task's strings"));
            ImGui::SliderInt("##digits", &draft.data.digits, 2, 26);
        }
        row(tr("norm"), tr("pre-norm: x + f(norm(x)), what models do now; post-norm: norm(x + f(x)), the 2017 paper"));
        const char* places[] = {tr("pre-norm (practice)"), tr("post-norm (2017 paper)")};
        int place = draft.model.placement == NormPlacement::PreNorm ? 0 : 1;
        if (ImGui::Combo("##place", &place, places, 2))
            draft.model.placement = place == 0 ? NormPlacement::PreNorm : NormPlacement::PostNorm;
        row(tr("positions"), tr("how the model knows where a token is"));
        const char* posn[] = {tr("sinusoidal (2017 paper)"), tr("learned"), tr("none")};
        int pos = draft.model.positions == PosKind::Sinusoidal ? 0 : draft.model.positions == PosKind::Learned ? 1 : 2;
        if (ImGui::Combo("##pos", &pos, posn, 3))
            draft.model.positions = pos == 0 ? PosKind::Sinusoidal : pos == 1 ? PosKind::Learned : PosKind::None;
        ImGui::EndTable();
    }

    // ---- sizes, two to a row
    ImGui::Spacing();
    if (ImGui::BeginTable("sizes", 4)) {
        ImGui::TableSetupColumn("k1", ImGuiTableColumnFlags_WidthFixed, pair_label_w);
        ImGui::TableSetupColumn("v1", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("k2", ImGuiTableColumnFlags_WidthFixed, pair_label_w);
        ImGui::TableSetupColumn("v2", ImGuiTableColumnFlags_WidthStretch);
        auto field = [](const char* label, const char* id, int* v, const char* help) {
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(label);
            if (help && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-FLT_MIN);
            ImGui::InputInt(id, v, 0, 0);
            if (help && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
        };
        field(tr("layers"), "##l", &draft.model.n_layers, nullptr);
        field(tr("context"), "##seq", &draft.model.seq_len, tr("sequence length T: tokens the model sees at once"));
        field("d_model", "##d", &draft.model.d_model, tr("width of the residual stream"));
        field("d_ff", "##ff", &draft.model.d_ff, tr("hidden width of the feed-forward network"));
        field(tr("heads"), "##h", &draft.model.n_heads, tr("attention heads per layer (d_model must divide by it)"));
        field(tr("kv heads"), "##kv", &draft.model.n_kv_heads, tr("key/value heads: 0 = one per head (MHA), 1 = MQA, between = GQA"));
        field(tr("batch"), "##b", &draft.train.batch_size, tr("sequences per training step"));
        field(tr("steps"), "##s", &draft.train.steps, tr("length of the run"));
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("lr");
        ImGui::TableNextColumn();
        ImGui::SetNextItemWidth(-FLT_MIN);
        ImGui::InputFloat("##lr", &draft.optim.lr, 0, 0, "%.4g");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("peak learning rate of the schedule"));
        ImGui::EndTable();
    }
    ImGui::Checkbox((std::string(tr("train as soon as applied")) + "###play_after_apply").c_str(), &play_after_apply);
    ImGui::EndChild();

    // ---- footer: apply / revert, and one message (three lines, scrolls if longer)
    const float revert_w = ImGui::CalcTextSize(tr("Revert")).x + st.FramePadding.x * 2;
    if (changed) push_action_button(false);
    if (ImGui::Button((std::string(tr("Apply (resets the run)")) + "###apply").c_str(), ImVec2(ImGui::GetContentRegionAvail().x - revert_w - st.ItemSpacing.x, fh * 1.2f)))
        apply(run);
    if (changed) ImGui::PopStyleColor(kActionButtonColors);
    ImGui::SameLine();
    ImGui::BeginDisabled(!changed && error.empty());
    if (ImGui::Button((std::string(tr("Revert")) + "###revert").c_str(), ImVec2(revert_w, fh * 1.2f)) && run.live) {
        take(run.config());
        error.clear();
    }
    ImGui::EndDisabled();
    ImGui::BeginChild("message", ImVec2(0, msg_h), false);
    if (!error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.error));
        ImGui::TextWrapped(tr("%s (the current run goes on)"), error.c_str());
        ImGui::PopStyleColor();
    } else if (changed) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.warn), "%s", tr("Changed: Apply starts a new run."));
    } else if (!applied_note.empty()) {
        ImGui::TextDisabled("%s", applied_note.c_str());
    }
    ImGui::EndChild();
    ImGui::PopStyleColor();
    (void)ui;
    ImGui::End();
}

}  // namespace noam::viz
