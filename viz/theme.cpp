// The dark theme: slate greys, a blue accent that is not one of the plot series' colours, rounded corners.
#include "theme.h"

#include <imgui.h>

namespace noam::viz {

const Palette& palette() {
    static const Palette p = {
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
    };
    return p;
}

void dark_theme(ImGuiStyle& s) {
    s = ImGuiStyle();
    ImGui::StyleColorsDark(&s);
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

    ImVec4* c = s.Colors;
    auto rgb = [](int r, int g, int b, float a = 1.0f) { return ImVec4(r / 255.f, g / 255.f, b / 255.f, a); };
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

}  // namespace noam::viz
