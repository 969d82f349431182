// Presenter mode: the key table, the presenter scale, full screen and back, the corner hint and the key help.
#include "presenter.h"

#include "i18n.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "theme.h"

namespace noam::viz {

// ============================================================================ [SECTION] The key table

unsigned key_context(bool lesson_mode, bool presenting) {
    if (presenting) return lesson_mode ? kKeysPresentLesson : kKeysPresentFreeRun;
    return lesson_mode ? kKeysLesson : kKeysFreeRun;
}

const std::vector<KeyRow>& key_table() {
    constexpr unsigned lesson = kKeysLesson | kKeysPresentLesson, free = kKeysFreeRun | kKeysPresentFreeRun;
    constexpr unsigned windowed = kKeysFreeRun | kKeysLesson, presenting = kKeysPresentLesson | kKeysPresentFreeRun;
    static const std::vector<KeyRow> rows = {
        // a presenter's clicker sends PageDown / PageUp: the same as the arrows
        {KeyAction::NextStep, "Right / PageDown", tr_later("next step (the forward-pass stepper first)"), lesson,
         {{GLFW_KEY_RIGHT}, {GLFW_KEY_PAGE_DOWN}}},
        {KeyAction::PrevStep, "Left / PageUp", tr_later("previous step (the stepper first)"), lesson,
         {{GLFW_KEY_LEFT}, {GLFW_KEY_PAGE_UP}}},
        {KeyAction::FirstStep, "Home", tr_later("first step"), lesson, {{GLFW_KEY_HOME}}},
        {KeyAction::LastStep, "End", tr_later("last step"), lesson, {{GLFW_KEY_END}}},
        {KeyAction::PlayPause, "Space", tr_later("train / pause"), kKeysEverywhere, {{GLFW_KEY_SPACE}}},
        {KeyAction::StepOnce, ". (period)", tr_later("one training step"), lesson, {{GLFW_KEY_PERIOD}}},
        {KeyAction::StepOnce, "Right / . (period)", tr_later("one training step"), free, {{GLFW_KEY_RIGHT}, {GLFW_KEY_PERIOD}}},
        {KeyAction::Reset, "R / Ctrl+R", tr_later("reset the run with its seed"), presenting,
         {{GLFW_KEY_R}, {GLFW_KEY_R, true}}},
        {KeyAction::Reset, "Ctrl+R", tr_later("reset the run with its seed"), windowed, {{GLFW_KEY_R, true}}},
        {KeyAction::ToggleList, "L", tr_later("show / hide the lesson list"), kKeysLesson, {{GLFW_KEY_L}}},
        {KeyAction::TogglePresenter, "F5", tr_later("presenter mode: full screen, large type"), windowed, {{GLFW_KEY_F5}}},
        {KeyAction::TogglePresenter, "F5", tr_later("leave presenter mode"), presenting, {{GLFW_KEY_F5}}},
        {KeyAction::Back, "Escape", tr_later("close this list, else leave presenter mode"), presenting, {{GLFW_KEY_ESCAPE}}},
        {KeyAction::KeyHelp, "? / F1", tr_later("show / hide the keys"), kKeysEverywhere, {{GLFW_KEY_SLASH}, {GLFW_KEY_F1}}},
        {KeyAction::CycleTheme, "T", tr_later("theme: dark, light, high contrast"), kKeysEverywhere, {{GLFW_KEY_T}}},
        {KeyAction::Larger, "Ctrl +", tr_later("larger type"), kKeysEverywhere,
         {{GLFW_KEY_EQUAL, true}, {GLFW_KEY_KP_ADD, true}}},
        {KeyAction::Smaller, "Ctrl -", tr_later("smaller type"), kKeysEverywhere,
         {{GLFW_KEY_MINUS, true}, {GLFW_KEY_KP_SUBTRACT, true}}},
        {KeyAction::NormalSize, "Ctrl 0", tr_later("normal size"), windowed, {{GLFW_KEY_0, true}, {GLFW_KEY_KP_0, true}}},
        {KeyAction::NormalSize, "Ctrl 0", tr_later("the presenter size for this screen"), presenting,
         {{GLFW_KEY_0, true}, {GLFW_KEY_KP_0, true}}},
        {KeyAction::PictureWindow, "Ctrl+P", tr_later("picture of the window (PNG, for slides)"), kKeysEverywhere, {{GLFW_KEY_P, true}}},
        {KeyAction::PicturePanel, "Ctrl+Shift+P", tr_later("picture of the panel under the mouse (or the last focused)"), kKeysEverywhere,
         {{GLFW_KEY_P, true, true}}},
        {KeyAction::SaveRun, "Ctrl+S", tr_later("save the run (File > Save run)"), kKeysEverywhere, {{GLFW_KEY_S, true}}},
        {KeyAction::OpenRun, "Ctrl+O", tr_later("open a saved run (File > Open run)"), kKeysEverywhere, {{GLFW_KEY_O, true}}},
        {KeyAction::ReplayBack, "Shift+Left", tr_later("paused: replay, one kept picture back (Home / End: first / newest, Escape: live)"),
         kKeysEverywhere, {{GLFW_KEY_LEFT, false, true}}},
        {KeyAction::ReplayOn, "Shift+Right", tr_later("replaying: one kept picture on"), kKeysEverywhere, {{GLFW_KEY_RIGHT, false, true}}},
        {KeyAction::Language, "F2", tr_later("language: English / 中文"), kKeysEverywhere, {{GLFW_KEY_F2}}},
        {KeyAction::Quit, "Ctrl+Q", tr_later("quit"), kKeysEverywhere, {{GLFW_KEY_Q, true}}},
    };
    return rows;
}

KeyAction key_action(int key, int mods, unsigned context) {
    const bool ctrl = (mods & GLFW_MOD_CONTROL) != 0, shift = (mods & GLFW_MOD_SHIFT) != 0;
    // a binding that asks for Shift wins over one that ignores it (Ctrl+Shift+P is not Ctrl+P)
    for (const bool want_shift : {true, false}) {
        if (want_shift && !shift) continue;
        for (const KeyRow& r : key_table()) {
            if (!(r.contexts & context)) continue;
            for (const KeyBinding& b : r.bind)
                if (b.key != 0 && b.key == key && b.ctrl == ctrl && b.shift == want_shift) return r.action;
        }
    }
    return KeyAction::None;
}

std::vector<const KeyRow*> key_help_rows(unsigned context) {
    std::vector<const KeyRow*> out;
    for (const KeyRow& r : key_table())
        if (r.contexts & context) out.push_back(&r);
    return out;
}

// ============================================================================ [SECTION] Scale, full screen

float presenter_scale(int screen_w, int screen_h) {
    if (screen_w <= 0 || screen_h <= 0) return 1.75f;
    const float fit = std::min(screen_w / 1280.0f, screen_h / 800.0f);
    return std::clamp(std::round(fit * 1.3f * 20.0f) / 20.0f, 1.0f, 4.0f);
}

namespace {

// The monitor holding the window's centre (the primary one when none does).
GLFWmonitor* monitor_of(GLFWwindow* w) {
    int wx = 0, wy = 0, ww = 0, wh = 0;
    glfwGetWindowPos(w, &wx, &wy);
    glfwGetWindowSize(w, &ww, &wh);
    const int cx = wx + ww / 2, cy = wy + wh / 2;
    int n = 0;
    GLFWmonitor** ms = glfwGetMonitors(&n);
    for (int i = 0; i < n; i++) {
        int mx = 0, my = 0;
        glfwGetMonitorPos(ms[i], &mx, &my);
        const GLFWvidmode* m = glfwGetVideoMode(ms[i]);
        if (m && cx >= mx && cx < mx + m->width && cy >= my && cy < my + m->height) return ms[i];
    }
    return glfwGetPrimaryMonitor();
}

}  // namespace

void Presenter::enter(GLFWwindow* window, float& ui_scale) {
    if (on) return;
    glfwGetWindowPos(window, &win_x, &win_y);
    glfwGetWindowSize(window, &win_w, &win_h);
    int sw = win_w, sh = win_h;
    if (GLFWmonitor* m = monitor_of(window)) {
        if (const GLFWvidmode* mode = glfwGetVideoMode(m)) {
            sw = mode->width;
            sh = mode->height;
            glfwSetWindowMonitor(window, m, 0, 0, mode->width, mode->height, mode->refreshRate);
        }
    }
    normal_scale = ui_scale;
    if (scale <= 0) scale = presenter_scale(sw, sh);
    ui_scale = scale;
    on = true;
}

void Presenter::leave(GLFWwindow* window, float& ui_scale) {
    if (!on) return;
    glfwSetWindowMonitor(window, nullptr, win_x, win_y, std::max(320, win_w), std::max(240, win_h), 0);
    scale = ui_scale;  // Ctrl + / Ctrl - while presenting: remembered for next time
    ui_scale = normal_scale;
    on = false;
}

// ============================================================================ [SECTION] The hint and the key help

void Presenter::DrawHint(UiContext& ui) const {
    const Palette& pal = palette();
    ImFont* font = ui.fonts->small;
    const float fs = font->FontSize;
    const char* hint = tr("?  keys      F5  exit");
    const ImVec2 ts = font->CalcTextSizeA(fs, FLT_MAX, 0, hint);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 p(vp->Pos.x + vp->Size.x - ts.x - fs * 0.8f, vp->Pos.y + fs * 0.35f);
    ImGui::GetForegroundDrawList()->AddText(font, fs, p, pal.text_dim, hint);
    if (ui.regions) ui.regions->record("presenter_hint", {p.x, p.y, ts.x, ts.y});
}

void DrawKeyHelp(unsigned context, bool overlay, bool* open, UiContext& ui) {
    const std::vector<const KeyRow*> rows = key_help_rows(context);
    if (!overlay) {
        ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        if (ImGui::Begin(tr_title("Keyboard", "keys_help").c_str(), open, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
            if (ImGui::BeginTable("keys", 2)) {
                for (const KeyRow* r : rows) {
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(r->keys);
                    ImGui::TableNextColumn();
                    ImGui::TextDisabled("%s", tr(r->what));
                }
                ImGui::EndTable();
            }
        }
        ImGui::End();
        return;
    }
    // The overlay: drawn over everything (no window: it takes no focus and no clicks), readable from the back
    // of a room: keys in the bold heading font, what they do in the narrative's body font.
    const Palette& pal = palette();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImFont* kf = ui.fonts->heading;
    ImFont* bf = ui.fonts->body;
    ImFont* tf = ui.fonts->title;
    const char* title = tr("Keys");
    const char* footer = tr("? or F1 closes this list");
    float keys_w = 0, what_w = 0;
    for (const KeyRow* r : rows) {
        keys_w = std::max(keys_w, kf->CalcTextSizeA(kf->FontSize, FLT_MAX, 0, r->keys).x);
        what_w = std::max(what_w, bf->CalcTextSizeA(bf->FontSize, FLT_MAX, 0, tr(r->what)).x);
    }
    const float pad = bf->FontSize * 1.2f, gap = bf->FontSize * 1.5f;
    const float row_h = std::max(kf->FontSize, bf->FontSize) * 1.35f;
    const float w = std::min(vp->Size.x - 2 * pad, pad * 2 + keys_w + gap + what_w);
    const float h = std::min(vp->Size.y - 2 * pad, pad * 2 + tf->FontSize * 1.6f + rows.size() * row_h + bf->FontSize * 1.8f);
    const ImVec2 p0(vp->Pos.x + (vp->Size.x - w) * 0.5f, vp->Pos.y + (vp->Size.y - h) * 0.5f), p1(p0.x + w, p0.y + h);
    dl->AddRectFilled(vp->Pos, ImVec2(vp->Pos.x + vp->Size.x, vp->Pos.y + vp->Size.y), pal.dim);
    const ImU32 box = ImGui::GetColorU32(ImGuiCol_PopupBg, 1.0f);
    dl->AddRectFilled(p0, p1, with_alpha(box, 250), bf->FontSize * 0.4f);
    dl->AddRect(p0, p1, pal.accent, bf->FontSize * 0.4f, 0, std::max(2.0f, ui.scale * 2.0f));
    float y = p0.y + pad;
    dl->AddText(tf, tf->FontSize, ImVec2(p0.x + pad, y), pal.title, title);
    y += tf->FontSize * 1.6f;
    for (const KeyRow* r : rows) {
        dl->AddText(kf, kf->FontSize, ImVec2(p0.x + pad, y + (row_h - kf->FontSize) * 0.5f), pal.accent, r->keys);
        dl->AddText(bf, bf->FontSize, ImVec2(p0.x + pad + keys_w + gap, y + (row_h - bf->FontSize) * 0.5f), pal.text,
                    tr(r->what));
        y += row_h;
    }
    dl->AddText(bf, bf->FontSize, ImVec2(p0.x + pad, y + bf->FontSize * 0.5f), pal.text_dim, footer);
    if (ui.regions) ui.regions->record("key_help", {p0.x, p0.y, w, h});
}

}  // namespace noam::viz
