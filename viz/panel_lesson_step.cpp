// The step view: narrative, watch-for ticks, knobs, known-good settings, errors, navigation.
//
// Index
//   [SECTION] Small drawing helpers
//   [SECTION] Watch for
//   [SECTION] Knobs and known-good settings
//   [SECTION] Draw
#include "panel_lesson_step.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "format.h"
#include "i18n.h"
#include "text_wrap.h"
#include "theme.h"

namespace noam::viz {

// ============================================================================ [SECTION] Small drawing helpers

std::string knob_value_label(const nlohmann::json& v) {
    if (v.is_boolean()) return v.get<bool>() ? tr("on") : tr("off");
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
        return buf;
    }
    return v.dump();
}

namespace {


ImVec4 col4(uint32_t c) { return ImGui::ColorConvertU32ToFloat4(c); }

// A box of the given size at p: empty, or green with a white tick drawn as two strokes (no font needed).
void tick_box(ImDrawList* dl, ImVec2 p, float size, bool ticked, bool failed) {
    const Palette& pal = palette();
    const ImVec2 z(p.x + size, p.y + size);
    const float r = size * 0.18f;
    if (ticked) {
        dl->AddRectFilled(p, z, pal.ok, r);
        const float t = std::max(2.0f, size * 0.12f);
        const ImVec2 a(p.x + size * 0.22f, p.y + size * 0.52f), b(p.x + size * 0.42f, p.y + size * 0.72f),
            c(p.x + size * 0.78f, p.y + size * 0.28f);
        dl->AddLine(a, b, pal.plot_bg, t);  // the tick in the background's colour: dark on dark, light on light
        dl->AddLine(b, c, pal.plot_bg, t);
    } else {
        dl->AddRect(p, z, failed ? pal.text_dim : pal.axis_text, r, 0, std::max(1.5f, size * 0.08f));
        if (failed) {  // the budget passed without it: a small grey cross
            const float m = size * 0.3f, t = std::max(1.5f, size * 0.08f);
            dl->AddLine(ImVec2(p.x + m, p.y + m), ImVec2(z.x - m, z.y - m), pal.text_dim, t);
            dl->AddLine(ImVec2(z.x - m, p.y + m), ImVec2(p.x + m, z.y - m), pal.text_dim, t);
        }
    }
}

// A red box with a heading and a wrapped message (hot-reload errors, a refused setting).
void error_box(const char* heading, const std::string& message, UiContext& ui) {
    const Palette& pal = palette();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, pal.error_bg);
    ImGui::PushStyleColor(ImGuiCol_Border, col4(pal.error));
    const float w = ImGui::GetContentRegionAvail().x;
    const ImGuiStyle& st = ImGui::GetStyle();
    const float text_w = w - st.WindowPadding.x * 2;
    const float h = ImGui::CalcTextSize(heading, nullptr, false, text_w).y +
                    ImGui::CalcTextSize(message.c_str(), nullptr, false, text_w).y + st.ItemSpacing.y + st.WindowPadding.y * 2;
    ImGui::BeginChild(ImGui::GetID(heading), ImVec2(w, h), true, ImGuiWindowFlags_NoScrollbar);
    if (ui.regions) ui.regions->record("lesson_error", {ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, w, h});
    ImGui::PushTextWrapPos(0.0f);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.78f, 0.76f, 1.0f));
    ImGui::TextUnformatted(heading);
    ImGui::PopStyleColor();
    ImGui::TextUnformatted(message.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::PopStyleColor(2);
}

// A paragraph that is a display equation ("Attention(Q, K, V) = softmax(QKᵀ / √dₖ) V"): short, with an
// equals sign and no sentence in it. Drawn centred in a tinted box.
// The config holds floats: 0.98f is not the JSON 0.98, but it is the same setting.
bool same_value(const nlohmann::json& a, const nlohmann::json& b) {
    if (a.is_number() && b.is_number())
        return std::fabs(a.get<double>() - b.get<double>()) <= 1e-6 * std::max(1.0, std::fabs(b.get<double>()));
    return a == b;
}

bool is_equation(const std::string& p) {
    if (p.size() > 110 || p.find('=') == std::string::npos || p.find('\n') != std::string::npos) return false;
    if (!p.empty() && (p.back() == '.' || p.back() == ':' || p.back() == '?')) return false;
    return p.find(". ") == std::string::npos;
}

}  // namespace

// ============================================================================ [SECTION] Watch for

void LessonStepPanel::draw_watch_for(const LessonPlayer& player, UiContext& ui) {
    const LessonStep& step = player.step();
    if (step.watch_for.empty()) return;
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();
    ImGui::Spacing();
    ImGui::PushFont(ui.fonts->heading);
    ImGui::TextUnformatted(tr("Watch for"));
    ImGui::PopFont();
    const ImVec2 block0 = ImGui::GetCursorScreenPos();
    ImFont* body = ui.fonts->body;
    const std::vector<ObservationState>& obs = player.observations();
    for (size_t k = 0; k < step.watch_for.size(); k++) {
        const Observation& o = step.watch_for[k];
        const ObservationState& s = obs[k];
        ImGui::PushID((int)k);
        const float box = body->FontSize * 0.95f;
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const bool failed = !s.met && s.closed;
        tick_box(ImGui::GetWindowDrawList(), ImVec2(p.x, p.y + (body->FontSize - box) * 0.5f + 1), box, s.met, failed);
        ImGui::SetCursorScreenPos(ImVec2(p.x + box + st.ItemInnerSpacing.x * 2, p.y));
        ImGui::BeginGroup();
        ImGui::PushFont(body);
        if (failed) ImGui::PushStyleColor(ImGuiCol_Text, col4(pal.text_dim));
        TextWrappedMixed(o.text);
        if (failed) ImGui::PopStyleColor();
        ImGui::PopFont();
        // the condition and where it stands, small
        char line[240];
        const std::string cond = o.when.describe();
        const std::string now = std::isfinite(s.value) ? (s.value >= 0 || o.when.metric != "attention" ? format_si(s.value, 3) : "–")
                                                      : "–";
        if (s.met)
            std::snprintf(line, sizeof line, tr("✓ seen at step %s   ·   %s"), format_count(s.met_at).c_str(), cond.c_str());
        else if (failed)
            std::snprintf(line, sizeof line, tr("not seen within its budget   ·   %s   ·   now %s"), cond.c_str(), now.c_str());
        else if (o.at_end)
            std::snprintf(line, sizeof line, tr("at the step's end   ·   %s   ·   now %s"), cond.c_str(), now.c_str());
        else
            std::snprintf(line, sizeof line, tr("%s   ·   now %s"), cond.c_str(), now.c_str());
        ImGui::PushFont(ui.fonts->small);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(col4(s.met ? pal.ok : pal.text_dim), "%s", line);
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        ImGui::EndGroup();
        ImGui::Spacing();
        ImGui::PopID();
    }
    if (ui.regions) {
        const ImVec2 end = ImGui::GetCursorScreenPos();
        ui.regions->record("lesson_watch_for", {block0.x, block0.y, ImGui::GetContentRegionAvail().x, end.y - block0.y});
    }
}

// ============================================================================ [SECTION] Knobs and known-good settings

void LessonStepPanel::request(LessonPlayer& player, RunView& run, Pending p) {
    bool all_live = true;
    for (const auto& [k, v] : p.settings) all_live = all_live && LessonPlayer::is_live(k);
    if (all_live) {
        for (const auto& [k, v] : p.settings)
            if (v.is_number()) player.set_live_lr(v.get<double>(), run);
        pending.reset();
        return;
    }
    if (!player.differs(p.settings)) {  // nothing would change: no restart to ask about
        pending.reset();
        return;
    }
    pending = std::move(p);
}

void LessonStepPanel::draw_knobs(LessonPlayer& player, RunView& run, UiContext& ui) {
    const LessonStep& step = player.step();
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();
    int visible = 0;
    for (const KnobSpec& k : step.knobs) visible += !k.hidden;
    if (visible > 0) {
        ImGui::Spacing();
        ImGui::PushFont(ui.fonts->heading);
        ImGui::TextUnformatted(tr("Try"));
        ImGui::PopFont();
        const ImVec2 knobs0 = ImGui::GetCursorScreenPos();
        for (size_t ki = 0; ki < step.knobs.size(); ki++) {
            const KnobSpec& k = step.knobs[ki];
            if (k.hidden) continue;
            ImGui::PushID((int)ki);
            const std::string label = k.label.empty() ? k.setting : k.label;
            const nlohmann::json current = player.value_of(k.setting);
            const bool restarts = !LessonPlayer::is_live(k.setting);
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(label.c_str());
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s%s", k.setting.c_str(), restarts ? tr(": changing it restarts the run") : tr(": applies to the live run"));
            if (k.locked) {
                ImGui::SameLine();
                ImGui::TextDisabled("%s", tr("(locked by the lesson)"));
            }
            ImGui::BeginDisabled(k.locked);
            if (!k.choices.empty()) {
                // one button per value, the current one lit
                const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
                for (size_t c = 0; c < k.choices.size(); c++) {
                    const std::string text = knob_value_label(k.choices[c]);
                    const bool on = pending && pending->knob == (int)ki ? same_value(pending->settings[0].second, k.choices[c])
                                                                        : same_value(current, k.choices[c]);
                    const float bw = ImGui::CalcTextSize(text.c_str()).x + st.FramePadding.x * 4;
                    if (c > 0) {
                        if (ImGui::GetItemRectMax().x + st.ItemSpacing.x + bw <= right) ImGui::SameLine();
                    }
                    ImGui::PushID((int)c);
                    if (on) {
                        push_action_button(false);
                    }
                    if (ImGui::Button(text.c_str(), ImVec2(bw, 0)) && !on)
                        request(player, run, {{{k.setting, k.choices[c]}}, "/steps/" + std::to_string(player.index()) + "/knobs/" + std::to_string(ki),
                                              label + " = " + text, (int)ki});
                    if (on) ImGui::PopStyleColor(kActionButtonColors);
                    ImGui::PopID();
                }
            } else {
                // a slider (logarithmic for log_scale); a number setting keeps its kind (integer or not)
                const bool integer = current.is_number_integer();
                double value = current.is_number() ? current.get<double>() : k.min;
                if (editing == (int)ki) value = draft;
                else if (pending && pending->knob == (int)ki) value = pending->settings[0].second.get<double>();
                const ImGuiSliderFlags flags = (k.log_scale ? ImGuiSliderFlags_Logarithmic : 0) | ImGuiSliderFlags_AlwaysClamp;
                ImGui::SetNextItemWidth(-FLT_MIN);
                bool changed = false;
                if (integer) {
                    int v = (int)std::lround(value);
                    changed = ImGui::SliderInt("##v", &v, (int)std::ceil(k.min), (int)std::floor(k.max), "%d", flags);
                    value = v;
                } else {
                    float v = (float)value;
                    changed = ImGui::SliderFloat("##v", &v, (float)k.min, (float)k.max, "%.4g", flags);
                    value = v;
                }
                if (ImGui::IsItemActive()) {
                    editing = (int)ki;
                    draft = value;
                    if (changed && !restarts) player.set_live_lr(value, run);  // the learning rate follows the drag
                }
                if (ImGui::IsItemDeactivated() && editing == (int)ki) {
                    editing = -1;
                    if (restarts) {
                        const nlohmann::json v = integer ? nlohmann::json((long long)std::lround(value)) : nlohmann::json(value);
                        request(player, run, {{{k.setting, v}}, "/steps/" + std::to_string(player.index()) + "/knobs/" + std::to_string(ki),
                                              label + " = " + knob_value_label(v), (int)ki});
                    }
                }
                if (ImGui::IsItemHovered() && editing < 0) ImGui::SetTooltip("%s", tr("Ctrl+click to type a value"));
            }
            ImGui::EndDisabled();
            ImGui::Spacing();
            ImGui::PopID();
        }
        if (ui.regions) {
            const ImVec2 end = ImGui::GetCursorScreenPos();
            ui.regions->record("lesson_knobs", {knobs0.x, knobs0.y, ImGui::GetContentRegionAvail().x, end.y - knobs0.y});
        }
    }

    // ---- known-good settings: a button each, with the sentence on why
    if (!step.known_good.empty()) {
        ImGui::Spacing();
        ImGui::PushFont(ui.fonts->heading);
        ImGui::TextUnformatted(tr("Known good"));
        ImGui::PopFont();
        for (size_t g = 0; g < step.known_good.size(); g++) {
            const KnownGood& kg = step.known_good[g];
            ImGui::PushID(1000 + (int)g);
            const bool in_effect = !player.differs(kg.settings);
            std::string what;
            for (const auto& [k, v] : kg.settings) what += (what.empty() ? "" : ", ") + k + " = " + knob_value_label(v);
            ImGui::BeginDisabled(in_effect);
            if (ImGui::Button(in_effect ? tr("In effect") : tr("Apply")))
                request(player, run, {kg.settings, "/steps/" + std::to_string(player.index()) + "/known_good/" + std::to_string(g), what, -1});
            ImGui::EndDisabled();
            if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", what.c_str());
            ImGui::SameLine();
            ImGui::BeginGroup();
            TextWrappedMixed(kg.text);
            ImGui::TextDisabled("%s", what.c_str());
            ImGui::EndGroup();
            ImGui::PopID();
        }
    }

    // ---- the confirmation, inline
    if (pending) {
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_ChildBg, pal.warn_bg);
        ImGui::PushStyleColor(ImGuiCol_Border, col4(pal.warn));
        const float w = ImGui::GetContentRegionAvail().x;
        char q_buf[512];
        std::snprintf(q_buf, sizeof q_buf, tr("Set %s. This restarts the run from its seed. Restart?"), pending->what.c_str());
        const std::string q = q_buf;
        const float h = ImGui::CalcTextSize(q.c_str(), nullptr, false, w - st.WindowPadding.x * 2).y + ImGui::GetFrameHeight() +
                        st.ItemSpacing.y + st.WindowPadding.y * 2;
        ImGui::BeginChild("##confirm", ImVec2(w, h), true, ImGuiWindowFlags_NoScrollbar);
        if (ui.regions) ui.regions->record("lesson_confirm", {ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, w, h});
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(q.c_str());
        ImGui::PopTextWrapPos();
        if (ImGui::Button(tr("Restart"))) {
            Pending p = *pending;
            pending.reset();
            player.apply_settings(p.settings, run, p.path);
        }
        ImGui::SameLine();
        if (ImGui::Button(tr("Cancel"))) pending.reset();
        ImGui::EndChild();
        ImGui::PopStyleColor(2);
    }
    if (!player.error.empty()) {
        ImGui::Spacing();
        error_box(tr("That did not work; the run goes on as it was:"), player.error, ui);
    }
}

bool LessonStepPanel::preview(const LessonPlayer& player, RunConfig& out) const {
    if (!player.active()) return false;
    std::vector<std::pair<std::string, nlohmann::json>> s;
    if (pending) s = pending->settings;
    else if (editing >= 0 && editing < (int)player.step().knobs.size()) {
        const KnobSpec& k = player.step().knobs[editing];
        if (LessonPlayer::is_live(k.setting)) return false;
        const nlohmann::json cur = player.value_of(k.setting);
        s.push_back({k.setting, cur.is_number_integer() ? nlohmann::json((long long)std::lround(draft)) : nlohmann::json(draft)});
    }
    if (s.empty()) return false;
    try {
        RunConfig c = player.config();
        for (const auto& [k, v] : s) c = with_setting(c, k, v, "", "");
        out = c;
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// ============================================================================ [SECTION] Draw

LessonStepPanel::Actions LessonStepPanel::Draw(LessonPlayer& player, RunView& run, UiContext& ui, bool list_shown,
                                               bool stepper_shown, bool has_next_lesson) {
    Actions act;
    const int flags = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ui.panel_flags;
    if (!ImGui::Begin((std::string(tr("Lesson")) + "###lesson_step").c_str(), nullptr, flags)) {
        ImGui::End();
        return act;
    }
    if (!player.active()) {
        ImGui::TextWrapped("%s", tr("No lesson is open. Pick one from the list."));
        if (!list_shown && ImGui::Button(tr("Show the lessons"))) act.show_list = true;
        ImGui::End();
        return act;
    }
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();
    const Lesson& lesson = player.lesson();
    const LessonStep& step = player.step();
    if (seen_entry != player.entry_version() || seen_lesson != &lesson) {
        if (seen_entry != player.entry_version()) {
            pending.reset();
            editing = -1;
        }
        seen_entry = player.entry_version();
        seen_lesson = &lesson;  // the same step in another language: its characters too
        // every character the step shows, for the font atlas
        ui.fonts->request_text(lesson.title + lesson.paper.title + step.title);
        for (const auto& p : step.paragraphs) ui.fonts->request_text(p);
        for (const auto& o : step.watch_for) ui.fonts->request_text(o.text);
        for (const auto& k : step.knobs) ui.fonts->request_text(k.label);
        for (const auto& g : step.known_good) ui.fonts->request_text(g.text);
    }
    if (ui.regions)
        ui.regions->record("lesson_step_view", {ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowSize().x,
                                                ImGui::GetWindowSize().y});

    // ---- header: the paper, the lesson, restart
    if (!list_shown) {
        if (ImGui::SmallButton(tr("☰ Lessons"))) act.show_list = true;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("the lesson list (L)"));
        ImGui::SameLine();
    }
    {
        char paper[256];
        if (lesson.paper.section.empty())
            std::snprintf(paper, sizeof paper, "%s (%d)", lesson.paper.title.c_str(), lesson.paper.year);
        else
            std::snprintf(paper, sizeof paper, "%s (%d)  ·  §%s", lesson.paper.title.c_str(), lesson.paper.year,
                          lesson.paper.section.c_str());
        ImGui::PushFont(ui.fonts->small);
        ImGui::AlignTextToFramePadding();
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(col4(pal.text_dim), "%s", paper);
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
    }
    TextWrappedMixed(lesson.title);
    if (!lesson.translation_note.empty()) {
        // asked for in another language, shown in English: say so, small and dim (the sidecar's error in full
        // is for `noamlab check`; the tooltip has it)
        const bool missing = lesson.translation_note.rfind("not yet translated", 0) == 0;
        ImGui::PushFont(ui.fonts->small);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(col4(pal.text_dim), "%s", missing ? tr("Not yet translated: shown in English.")
                                                             : tr("The translation has an error: shown in English."));
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", lesson.translation_note.c_str());
        if (ui.regions) ui.regions->record("lesson_translation_note", {ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                                                       ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y});
    }

    // ---- the step's title and the counter
    ImGui::Spacing();
    {
        char counter[48];
        std::snprintf(counter, sizeof counter, tr("Step %d / %d"), player.index() + 1, player.step_count());
        ImGui::PushFont(ui.fonts->heading);
        const float cw = ImGui::CalcTextSize(counter).x;
        ImGui::PopFont();
        const float x0 = ImGui::GetCursorPosX(), w = ImGui::GetContentRegionAvail().x;
        const float y0 = ImGui::GetCursorPosY();
        ImGui::PushFont(ui.fonts->title);
        ImGui::PushStyleColor(ImGuiCol_Text, pal.title);
        TextWrappedMixed(step.title, x0 + w - cw - st.ItemSpacing.x * 3 - ImGui::GetCursorPosX());
        ImGui::PopStyleColor();
        const float title_fs = ImGui::GetFontSize();
        ImGui::PopFont();
        const float y1 = ImGui::GetCursorPosY();
        ImGui::SetCursorPos(ImVec2(x0 + w - cw, y0 + (title_fs - ui.fonts->heading->FontSize) * 0.5f));
        ImGui::PushFont(ui.fonts->heading);
        ImGui::TextUnformatted(counter);
        ImGui::PopFont();
        if (ui.regions) ui.regions->record("lesson_counter", {ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y, cw, ui.fonts->heading->FontSize});
        // one dot per step under the counter: seen ones filled
        const float dot = std::max(3.0f, ui.fonts->heading->FontSize * 0.16f);
        const int n = player.step_count();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 d0(ImGui::GetItemRectMax().x - (n * 3 - 1) * dot, ImGui::GetItemRectMax().y + dot * 1.6f);
        for (int i = 0; i < n; i++) {
            const ImVec2 c(d0.x + i * 3 * dot + dot, d0.y);
            if (i == player.index()) dl->AddCircleFilled(c, dot, pal.accent);
            else if (i < player.index()) dl->AddCircleFilled(c, dot * 0.8f, pal.text_dim);
            else dl->AddCircle(c, dot * 0.8f, pal.text_dim, 0, 1.2f);
        }
        ImGui::SetCursorPosY(std::max(y1, ImGui::GetCursorPosY() + dot * 2));
    }

    // ---- the file on disk does not load: say so, keep playing the previous version
    if (!player.reload_error.empty())
        error_box(tr("The lesson file has an error; the previous version keeps running:"), player.reload_error, ui);
    ImGui::Separator();

    // ---- the bottom bar's height, so the narrative scrolls above it
    const float bar_h = ImGui::GetTextLineHeightWithSpacing() * 2 + std::max(4.0f, ImGui::GetFontSize() * 0.3f) +
                        ImGui::GetFrameHeight() * 1.35f + ui.fonts->small->FontSize * 2 + st.ItemSpacing.y * 5 + st.WindowPadding.y;

    // ---- the narrative, watch-for, knobs: scrolls when it does not fit
    ImGui::BeginChild("##narrative", ImVec2(0, std::max(80.0f, ImGui::GetContentRegionAvail().y - bar_h)), false, 0);
    {
        const ImVec2 clip0 = ImGui::GetWindowPos(), clip_sz = ImGui::GetWindowSize();
        ImGui::Dummy(ImVec2(1, st.ItemSpacing.y));
        ImGui::PushFont(ui.fonts->body);
        const ImVec2 n0 = ImGui::GetCursorScreenPos();
        const float para_gap = ImGui::GetFontSize() * 0.6f;
        for (size_t i = 0; i < step.paragraphs.size(); i++) {
            const std::string& p = step.paragraphs[i];
            if (i > 0) ImGui::Dummy(ImVec2(1, para_gap));
            if (is_equation(p)) {
                // a display equation: centred on a tinted band
                const float w = ImGui::GetContentRegionAvail().x;
                const ImVec2 ts = ImGui::CalcTextSize(p.c_str(), nullptr, false, w - ImGui::GetFontSize());
                const ImVec2 a = ImGui::GetCursorScreenPos();
                const float pad = ImGui::GetFontSize() * 0.45f;
                ImGui::GetWindowDrawList()->AddRectFilled(a, ImVec2(a.x + w, a.y + ts.y + pad * 2), pal.accent_soft, 6.0f);
                ImGui::SetCursorScreenPos(ImVec2(a.x + std::max(pad, (w - ts.x) * 0.5f), a.y + pad));
                ImGui::PushStyleColor(ImGuiCol_Text, pal.title);
                ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - pad * 2);
                ImGui::TextUnformatted(p.c_str());
                ImGui::PopTextWrapPos();
                ImGui::PopStyleColor();
                ImGui::SetCursorScreenPos(ImVec2(a.x, a.y + ts.y + pad * 2));
                ImGui::Dummy(ImVec2(w, 0));
            } else {
                TextWrappedMixed(p);
            }
        }
        const ImVec2 n1 = ImGui::GetCursorScreenPos();
        ImGui::PopFont();
        if (ui.regions) {
            // the paragraphs' rectangle, clipped to what the scrolling region shows
            const float y0 = std::max(n0.y, clip0.y), y1 = std::min(n1.y, clip0.y + clip_sz.y);
            ui.regions->record("lesson_narrative", {n0.x, y0, ImGui::GetContentRegionAvail().x, std::max(0.0f, y1 - y0)});
        }
        ImGui::Dummy(ImVec2(1, para_gap * 0.5f));
        draw_watch_for(player, ui);
        draw_knobs(player, run, ui);
        ImGui::Dummy(ImVec2(1, st.ItemSpacing.y));
    }
    ImGui::EndChild();

    // ---- bottom bar: what the step's training does, the buttons, the keys
    ImGui::Separator();
    const std::string status = player.status(run);
    ImGui::PushStyleColor(ImGuiCol_Text, col4(player.phase() == StepPhase::Training ? pal.ok : pal.text_dim));
    TextWrappedMixed(status);
    ImGui::PopStyleColor();
    const float prog = player.progress(run);
    const float w = ImGui::GetContentRegionAvail().x;
    {
        const float h = std::max(4.0f, ImGui::GetFontSize() * 0.3f);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), pal.faint, h);
        if (prog > 0) dl->AddRectFilled(p, ImVec2(p.x + w * prog, p.y + h), player.phase() == StepPhase::Done ? pal.ok : pal.accent, h);
        ImGui::Dummy(ImVec2(w, h));
    }
    const float bh = ImGui::GetFrameHeight() * 1.35f;
    const bool last = player.index() + 1 >= player.step_count();
    const std::string next_label = std::string(last && has_next_lesson ? tr("Next lesson ▶") : tr("Next ▶")) + "###next";
    const bool busy = player.busy(run);
    const std::string play_label = std::string(busy ? tr("■  Pause") : tr("▶  Train")) + "###play";
    const float bw = std::floor((w - st.ItemSpacing.x * 2) / 3);
    ImGui::BeginDisabled(player.index() == 0);
    if (ImGui::Button((std::string(tr("◀ Previous")) + "###prev").c_str(), ImVec2(bw, bh))) act.prev = true;
    ImGui::EndDisabled();
    ImGui::SameLine();
    push_action_button(busy);
    if (ImGui::Button(play_label.c_str(), ImVec2(bw, bh))) act.toggle_play = true;
    ImGui::PopStyleColor(kActionButtonColors);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Space"));
    ImGui::SameLine();
    ImGui::BeginDisabled(last && !has_next_lesson);
    if (ImGui::Button(next_label.c_str(), ImVec2(w - 2 * (bw + st.ItemSpacing.x), bh))) {
        if (last) act.next_lesson = true;
        else act.next = true;
    }
    ImGui::EndDisabled();
    // the keys, and restarting the lesson on the right
    const char* restart = tr("↺ Restart lesson");
    ui.fonts->request_text(restart);
    const float rw = ImGui::CalcTextSize(restart).x + st.FramePadding.x * 2;
    const char* hint = stepper_shown ? tr("→ / ← walk the forward pass first, then the steps (the buttons skip it)")
                                     : tr("→ / ← next / previous step   ·   Space train / pause");
    ui.fonts->request_text(hint);
    const float x0 = ImGui::GetCursorPosX();
    ImGui::PushFont(ui.fonts->small);
    ImGui::AlignTextToFramePadding();
    ImGui::PushTextWrapPos(x0 + w - rw - st.ItemSpacing.x);
    ImGui::TextDisabled("%s", hint);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::SameLine(x0 + w - rw);
    if (ImGui::SmallButton(restart)) act.restart = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("back to step 1 with a fresh run"));
    ImGui::End();
    return act;
}

}  // namespace noam::viz
