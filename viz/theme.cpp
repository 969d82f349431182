// The themes: dark (slate greys, a blue accent that is not one of the plot series' colours), light (paper
// white, the same accent darker), high contrast (black, white text, yellow accents, thick borders and lines:
// a projector in a lit room).
#include "theme.h"

#include <imgui.h>

#include "colormap.h"

namespace noam::viz {

namespace {

Theme g_theme = Theme::Dark;

const char* const kNames[kThemeCount] = {"dark", "light", "contrast"};
const char* const kLabels[kThemeCount] = {"Dark", "Light", "High contrast"};

const Palette kDark = {
    IM_COL32(22, 25, 31, 255),     // plot_bg
    IM_COL32(58, 64, 76, 255),     // plot_border
    IM_COL32(255, 255, 255, 22),   // grid
    IM_COL32(160, 168, 182, 255),  // axis_text
    IM_COL32(140, 148, 162, 255),  // text_dim
    IM_COL32(92, 156, 255, 255),   // accent
    IM_COL32(92, 156, 255, 60),    // accent_soft
    IM_COL32(255, 105, 97, 255),   // error
    IM_COL32(94, 201, 140, 255),   // ok
    IM_COL32(240, 190, 80, 255),   // warn
    IM_COL32(40, 43, 51, 255),     // masked (future positions under a causal mask)
    IM_COL32(226, 230, 237, 255),  // text
    IM_COL32(150, 196, 255, 255),  // title
    IM_COL32(255, 255, 255, 255),  // hover
    IM_COL32(255, 255, 255, 20),   // faint
    IM_COL32(22, 25, 31, 215),     // legend_bg
    IM_COL32(20, 22, 28, 170),     // dim
    IM_COL32(200, 200, 210, 140),  // reference
    IM_COL32(46, 107, 199, 255), IM_COL32(61, 128, 224, 255), IM_COL32(77, 143, 242, 255),  // go
    IM_COL32(140, 84, 46, 255), IM_COL32(166, 102, 56, 255), IM_COL32(184, 115, 64, 255),   // stop
    IM_COL32(240, 243, 248, 255),  // button_text
    IM_COL32(92, 31, 31, 217),     // error_bg
    IM_COL32(77, 64, 26, 230),     // warn_bg
    false,
    1.0f,
};

const Palette kLight = {
    IM_COL32(252, 252, 253, 255),  // plot_bg
    IM_COL32(184, 190, 201, 255),  // plot_border
    IM_COL32(0, 0, 0, 26),         // grid
    IM_COL32(64, 70, 82, 255),     // axis_text
    IM_COL32(92, 99, 112, 255),    // text_dim
    IM_COL32(22, 96, 204, 255),    // accent
    IM_COL32(22, 96, 204, 50),     // accent_soft
    IM_COL32(196, 32, 32, 255),    // error
    IM_COL32(16, 128, 66, 255),    // ok
    IM_COL32(168, 104, 0, 255),    // warn
    IM_COL32(222, 225, 231, 255),  // masked
    IM_COL32(20, 22, 28, 255),     // text
    IM_COL32(16, 78, 170, 255),    // title
    IM_COL32(0, 0, 0, 255),        // hover
    IM_COL32(0, 0, 0, 20),         // faint
    IM_COL32(255, 255, 255, 225),  // legend_bg
    IM_COL32(246, 247, 250, 175),  // dim
    IM_COL32(70, 72, 84, 150),     // reference
    IM_COL32(40, 104, 208, 255), IM_COL32(56, 120, 224, 255), IM_COL32(28, 88, 184, 255),  // go
    IM_COL32(196, 96, 24, 255), IM_COL32(214, 112, 36, 255), IM_COL32(176, 82, 16, 255),   // stop
    IM_COL32(255, 255, 255, 255),  // button_text
    IM_COL32(255, 226, 222, 255),  // error_bg
    IM_COL32(255, 241, 204, 255),  // warn_bg
    true,
    1.0f,
};

const Palette kContrast = {
    IM_COL32(0, 0, 0, 255),        // plot_bg
    IM_COL32(255, 255, 255, 255),  // plot_border
    IM_COL32(255, 255, 255, 64),   // grid
    IM_COL32(255, 255, 255, 255),  // axis_text
    IM_COL32(214, 214, 214, 255),  // text_dim
    IM_COL32(255, 221, 0, 255),    // accent
    IM_COL32(255, 221, 0, 70),     // accent_soft
    IM_COL32(255, 96, 86, 255),    // error
    IM_COL32(72, 232, 120, 255),   // ok
    IM_COL32(255, 200, 0, 255),    // warn
    IM_COL32(48, 48, 48, 255),     // masked
    IM_COL32(255, 255, 255, 255),  // text
    IM_COL32(255, 221, 0, 255),    // title
    IM_COL32(255, 255, 255, 255),  // hover
    IM_COL32(255, 255, 255, 44),   // faint
    IM_COL32(0, 0, 0, 235),        // legend_bg
    IM_COL32(0, 0, 0, 180),        // dim
    IM_COL32(255, 255, 255, 200),  // reference
    IM_COL32(0, 84, 196, 255), IM_COL32(0, 104, 230, 255), IM_COL32(0, 120, 255, 255),  // go
    IM_COL32(168, 72, 0, 255), IM_COL32(196, 88, 0, 255), IM_COL32(220, 100, 0, 255),   // stop
    IM_COL32(255, 255, 255, 255),  // button_text
    IM_COL32(110, 0, 0, 255),      // error_bg
    IM_COL32(90, 70, 0, 255),      // warn_bg
    false,
    1.8f,
};

ImVec4 rgb(int r, int g, int b, float a = 1.0f) { return ImVec4(r / 255.f, g / 255.f, b / 255.f, a); }

// Sizes shared by every theme (the contrast theme thickens the borders).
void common_sizes(ImGuiStyle& s) {
    s.WindowPadding = ImVec2(12, 10);
    s.FramePadding = ImVec2(8, 4);
    s.CellPadding = ImVec2(6, 3);
    s.ItemSpacing = ImVec2(8, 6);
    s.ItemInnerSpacing = ImVec2(6, 4);
    s.IndentSpacing = 18;
    s.ScrollbarSize = 12;
    s.GrabMinSize = 10;
    s.WindowBorderSize = 1;
    s.ChildBorderSize = 1;
    s.PopupBorderSize = 1;
    s.FrameBorderSize = 0;
    s.WindowRounding = 6;
    s.ChildRounding = 5;
    s.FrameRounding = 4;
    s.PopupRounding = 5;
    s.ScrollbarRounding = 6;
    s.GrabRounding = 4;
    s.TabRounding = 4;
    s.WindowTitleAlign = ImVec2(0.0f, 0.5f);
    s.WindowMenuButtonPosition = ImGuiDir_None;
}

void dark_style(ImGuiStyle& s) {
    ImGui::StyleColorsDark(&s);
    ImVec4* c = s.Colors;
    c[ImGuiCol_Text] = rgb(226, 230, 237);
    c[ImGuiCol_TextDisabled] = rgb(128, 136, 150);
    c[ImGuiCol_WindowBg] = rgb(30, 33, 40);
    c[ImGuiCol_ChildBg] = rgb(24, 27, 33);
    c[ImGuiCol_PopupBg] = rgb(36, 40, 48, 0.98f);
    c[ImGuiCol_Border] = rgb(52, 57, 68);
    c[ImGuiCol_BorderShadow] = rgb(0, 0, 0, 0);
    c[ImGuiCol_FrameBg] = rgb(44, 49, 59);
    c[ImGuiCol_FrameBgHovered] = rgb(54, 61, 74);
    c[ImGuiCol_FrameBgActive] = rgb(62, 71, 88);
    c[ImGuiCol_TitleBg] = rgb(25, 28, 34);
    c[ImGuiCol_TitleBgActive] = rgb(32, 38, 50);
    c[ImGuiCol_TitleBgCollapsed] = rgb(25, 28, 34);
    c[ImGuiCol_MenuBarBg] = rgb(22, 24, 30);
    c[ImGuiCol_ScrollbarBg] = rgb(24, 27, 33, 0.6f);
    c[ImGuiCol_ScrollbarGrab] = rgb(66, 73, 88);
    c[ImGuiCol_ScrollbarGrabHovered] = rgb(82, 91, 108);
    c[ImGuiCol_ScrollbarGrabActive] = rgb(96, 106, 126);
    c[ImGuiCol_CheckMark] = rgb(120, 176, 255);
    c[ImGuiCol_SliderGrab] = rgb(92, 156, 255);
    c[ImGuiCol_SliderGrabActive] = rgb(130, 182, 255);
    c[ImGuiCol_Button] = rgb(50, 57, 70);
    c[ImGuiCol_ButtonHovered] = rgb(64, 84, 118);
    c[ImGuiCol_ButtonActive] = rgb(76, 110, 170);
    c[ImGuiCol_Header] = rgb(52, 62, 80);
    c[ImGuiCol_HeaderHovered] = rgb(62, 80, 112);
    c[ImGuiCol_HeaderActive] = rgb(72, 100, 150);
    c[ImGuiCol_Separator] = rgb(52, 57, 68);
    c[ImGuiCol_SeparatorHovered] = rgb(92, 156, 255, 0.7f);
    c[ImGuiCol_SeparatorActive] = rgb(92, 156, 255);
    c[ImGuiCol_ResizeGrip] = rgb(92, 156, 255, 0.15f);
    c[ImGuiCol_ResizeGripHovered] = rgb(92, 156, 255, 0.5f);
    c[ImGuiCol_ResizeGripActive] = rgb(92, 156, 255, 0.8f);
    c[ImGuiCol_Tab] = rgb(40, 45, 55);
    c[ImGuiCol_TabHovered] = rgb(64, 84, 118);
    c[ImGuiCol_TabActive] = rgb(56, 70, 96);
    c[ImGuiCol_TabUnfocused] = rgb(36, 40, 48);
    c[ImGuiCol_TabUnfocusedActive] = rgb(46, 54, 68);
    c[ImGuiCol_PlotLines] = rgb(86, 180, 233);
    c[ImGuiCol_PlotHistogram] = rgb(86, 180, 233);
    c[ImGuiCol_TableHeaderBg] = rgb(38, 43, 52);
    c[ImGuiCol_TableBorderStrong] = rgb(52, 57, 68);
    c[ImGuiCol_TableBorderLight] = rgb(44, 48, 58);
    c[ImGuiCol_TableRowBg] = rgb(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = rgb(255, 255, 255, 0.025f);
    c[ImGuiCol_TextSelectedBg] = rgb(92, 156, 255, 0.35f);
    c[ImGuiCol_NavHighlight] = rgb(92, 156, 255);
    c[ImGuiCol_ModalWindowDimBg] = rgb(0, 0, 0, 0.5f);
}

void light_style(ImGuiStyle& s) {
    ImGui::StyleColorsLight(&s);
    ImVec4* c = s.Colors;
    c[ImGuiCol_Text] = rgb(20, 22, 28);
    c[ImGuiCol_TextDisabled] = rgb(92, 99, 112);
    c[ImGuiCol_WindowBg] = rgb(244, 245, 248);
    c[ImGuiCol_ChildBg] = rgb(236, 238, 242);
    c[ImGuiCol_PopupBg] = rgb(252, 252, 253, 0.98f);
    c[ImGuiCol_Border] = rgb(196, 201, 211);
    c[ImGuiCol_BorderShadow] = rgb(0, 0, 0, 0);
    c[ImGuiCol_FrameBg] = rgb(226, 229, 235);
    c[ImGuiCol_FrameBgHovered] = rgb(214, 222, 236);
    c[ImGuiCol_FrameBgActive] = rgb(200, 214, 238);
    c[ImGuiCol_TitleBg] = rgb(228, 231, 237);
    c[ImGuiCol_TitleBgActive] = rgb(214, 222, 236);
    c[ImGuiCol_MenuBarBg] = rgb(232, 234, 239);
    c[ImGuiCol_CheckMark] = rgb(22, 96, 204);
    c[ImGuiCol_SliderGrab] = rgb(22, 96, 204);
    c[ImGuiCol_SliderGrabActive] = rgb(16, 78, 170);
    c[ImGuiCol_Button] = rgb(220, 224, 231);
    c[ImGuiCol_ButtonHovered] = rgb(200, 214, 238);
    c[ImGuiCol_ButtonActive] = rgb(176, 198, 236);
    c[ImGuiCol_Header] = rgb(210, 220, 238);
    c[ImGuiCol_HeaderHovered] = rgb(196, 210, 236);
    c[ImGuiCol_HeaderActive] = rgb(176, 198, 236);
    c[ImGuiCol_Separator] = rgb(196, 201, 211);
    c[ImGuiCol_PlotLines] = rgb(0, 114, 178);
    c[ImGuiCol_PlotHistogram] = rgb(0, 114, 178);
    c[ImGuiCol_TableRowBg] = rgb(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = rgb(0, 0, 0, 0.03f);
    c[ImGuiCol_TextSelectedBg] = rgb(22, 96, 204, 0.25f);
    c[ImGuiCol_NavHighlight] = rgb(22, 96, 204);
    c[ImGuiCol_ModalWindowDimBg] = rgb(0, 0, 0, 0.25f);
}

// Black, white text, yellow for what is active or selected; borders everywhere and twice as thick.
void contrast_style(ImGuiStyle& s) {
    ImGui::StyleColorsDark(&s);
    s.WindowBorderSize = 2;
    s.ChildBorderSize = 2;
    s.PopupBorderSize = 2;
    s.FrameBorderSize = 1;
    ImVec4* c = s.Colors;
    const ImVec4 white = rgb(255, 255, 255), black = rgb(0, 0, 0), yellow = rgb(255, 221, 0);
    c[ImGuiCol_Text] = white;
    c[ImGuiCol_TextDisabled] = rgb(214, 214, 214);
    c[ImGuiCol_WindowBg] = black;
    c[ImGuiCol_ChildBg] = black;
    c[ImGuiCol_PopupBg] = rgb(0, 0, 0, 0.98f);
    c[ImGuiCol_Border] = rgb(255, 255, 255, 0.85f);
    c[ImGuiCol_BorderShadow] = rgb(0, 0, 0, 0);
    c[ImGuiCol_FrameBg] = rgb(24, 24, 24);
    c[ImGuiCol_FrameBgHovered] = rgb(60, 52, 0);
    c[ImGuiCol_FrameBgActive] = rgb(90, 78, 0);
    c[ImGuiCol_TitleBg] = black;
    c[ImGuiCol_TitleBgActive] = rgb(30, 30, 30);
    c[ImGuiCol_TitleBgCollapsed] = black;
    c[ImGuiCol_MenuBarBg] = black;
    c[ImGuiCol_ScrollbarBg] = black;
    c[ImGuiCol_ScrollbarGrab] = rgb(180, 180, 180);
    c[ImGuiCol_ScrollbarGrabHovered] = white;
    c[ImGuiCol_ScrollbarGrabActive] = yellow;
    c[ImGuiCol_CheckMark] = yellow;
    c[ImGuiCol_SliderGrab] = yellow;
    c[ImGuiCol_SliderGrabActive] = white;
    c[ImGuiCol_Button] = rgb(34, 34, 34);
    c[ImGuiCol_ButtonHovered] = rgb(80, 70, 0);
    c[ImGuiCol_ButtonActive] = rgb(120, 104, 0);
    c[ImGuiCol_Header] = rgb(60, 52, 0);
    c[ImGuiCol_HeaderHovered] = rgb(90, 78, 0);
    c[ImGuiCol_HeaderActive] = rgb(120, 104, 0);
    c[ImGuiCol_Separator] = rgb(255, 255, 255, 0.85f);
    c[ImGuiCol_SeparatorHovered] = yellow;
    c[ImGuiCol_SeparatorActive] = yellow;
    c[ImGuiCol_ResizeGrip] = rgb(255, 221, 0, 0.3f);
    c[ImGuiCol_ResizeGripHovered] = yellow;
    c[ImGuiCol_ResizeGripActive] = yellow;
    c[ImGuiCol_Tab] = rgb(34, 34, 34);
    c[ImGuiCol_TabHovered] = rgb(90, 78, 0);
    c[ImGuiCol_TabActive] = rgb(60, 52, 0);
    c[ImGuiCol_TabUnfocused] = black;
    c[ImGuiCol_TabUnfocusedActive] = rgb(34, 34, 34);
    c[ImGuiCol_PlotLines] = yellow;
    c[ImGuiCol_PlotHistogram] = yellow;
    c[ImGuiCol_TableHeaderBg] = rgb(30, 30, 30);
    c[ImGuiCol_TableBorderStrong] = white;
    c[ImGuiCol_TableBorderLight] = rgb(140, 140, 140);
    c[ImGuiCol_TableRowBg] = rgb(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = rgb(255, 255, 255, 0.06f);
    c[ImGuiCol_TextSelectedBg] = rgb(255, 221, 0, 0.4f);
    c[ImGuiCol_NavHighlight] = yellow;
    c[ImGuiCol_ModalWindowDimBg] = rgb(0, 0, 0, 0.7f);
}

}  // namespace

const char* theme_name(Theme t) { return kNames[(int)t]; }
const char* theme_label(Theme t) { return kLabels[(int)t]; }

bool parse_theme(const std::string& name, Theme& out) {
    for (int i = 0; i < kThemeCount; i++)
        if (name == kNames[i]) {
            out = (Theme)i;
            return true;
        }
    return false;
}

Theme next_theme(Theme t) { return (Theme)(((int)t + 1) % kThemeCount); }

void set_theme(Theme t) { g_theme = t; }
Theme current_theme() { return g_theme; }

const Palette& theme_palette(Theme t) {
    return t == Theme::Light ? kLight : t == Theme::Contrast ? kContrast : kDark;
}

const Palette& palette() { return theme_palette(g_theme); }

void theme_style(Theme t, ImGuiStyle& s) {
    s = ImGuiStyle();
    common_sizes(s);
    if (t == Theme::Light) light_style(s);
    else if (t == Theme::Contrast) contrast_style(s);
    else dark_style(s);
}

uint32_t plot_color(int i, float alpha) { return pack_rgba(series_color(i, palette().light_background), alpha); }

void push_action_button(bool stop) {
    const Palette& p = palette();
    ImGui::PushStyleColor(ImGuiCol_Button, stop ? p.stop : p.go);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, stop ? p.stop_hovered : p.go_hovered);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, stop ? p.stop_active : p.go_active);
    ImGui::PushStyleColor(ImGuiCol_Text, p.button_text);
}

uint32_t with_alpha(uint32_t c, int alpha) { return (c & 0x00FFFFFFu) | ((uint32_t)(alpha & 0xFF) << 24); }

}  // namespace noam::viz
