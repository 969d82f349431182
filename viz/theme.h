// The look: three themes (dark, light, high contrast for a projector), each an ImGui style at scale 1 and a
// palette of the colours the widgets share (plot background, grid, axis text, accents, error red). palette()
// is the current theme's: every widget reads it, so switching the theme recolours everything next frame.
#pragma once
#include <cstdint>
#include <string>

struct ImGuiStyle;

namespace noam::viz {

enum class Theme { Dark, Light, Contrast };
constexpr int kThemeCount = 3;

struct Palette {
    uint32_t plot_bg, plot_border, grid, axis_text, text_dim, accent, accent_soft, error, ok, warn, masked;
    uint32_t text;                 // full-strength text drawn by hand (legend labels, a hovered bar's label)
    uint32_t title;                // a lesson step's title, the stepper's active item
    uint32_t hover;                // outlines of the hovered / selected cell (use with_alpha for fainter ones)
    uint32_t faint;                // a translucent track behind bars and progress (a shade of the text colour)
    uint32_t legend_bg;            // the box behind a plot's legend
    uint32_t dim;                  // laid over the parts of a picture not being explained
    uint32_t reference;            // dashed reference lines
    uint32_t go, go_hovered, go_active;        // the Train button
    uint32_t stop, stop_hovered, stop_active;  // the Pause button
    uint32_t button_text;          // text on go / stop
    uint32_t error_bg, warn_bg;    // boxes holding an error or a warning
    bool light_background;         // series colours pick their variant for a light background
    float line_scale;              // plot lines are drawn this much thicker (high contrast: bolder lines)
};

// "dark", "light", "contrast" (the --theme values and imgui.ini's Theme=).
const char* theme_name(Theme t);
// "Dark", "Light", "High contrast" (the View > Theme menu).
const char* theme_label(Theme t);
// false for an unknown name
bool parse_theme(const std::string& name, Theme& out);
// dark -> light -> contrast -> dark (the T key)
Theme next_theme(Theme t);

// The current theme (dark until set): palette() and plot_color() follow it.
void set_theme(Theme t);
Theme current_theme();
const Palette& palette();
const Palette& theme_palette(Theme t);

// Fills style with theme t at scale 1 (call ScaleAllSizes on a copy for other scales).
void theme_style(Theme t, ImGuiStyle& style);

// Series colour i (Okabe-Ito, colour-blind safe) in the current theme's variant, packed for ImGui.
uint32_t plot_color(int i, float alpha = 1.0f);
// The Train button, or the Pause button when stop (also a chosen option): pushes kActionButtonColors ImGui
// colours (button, hovered, active, text); pop them with ImGui::PopStyleColor(kActionButtonColors).
constexpr int kActionButtonColors = 4;
void push_action_button(bool stop);

// c with its alpha replaced (0..255)
uint32_t with_alpha(uint32_t c, int alpha);

}  // namespace noam::viz
