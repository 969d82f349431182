// Presenter mode's pure parts: the key table (one table for the key handling and the help), the presenter
// scale, the themes' palettes (readable text on every background), the colour maps under colour blindness.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <tuple>
#include <set>
#include <utility>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "colormap.h"
#include "presenter.h"
#include "theme.h"

using namespace noam::viz;

namespace {

const unsigned kContexts[] = {kKeysFreeRun, kKeysLesson, kKeysPresentLesson, kKeysPresentFreeRun};

// WCAG contrast ratio of two colours (ImU32 layout)
float contrast(uint32_t a, uint32_t b) {
    auto rgb = [](uint32_t c) { return Rgb{(c & 0xFF) / 255.f, ((c >> 8) & 0xFF) / 255.f, ((c >> 16) & 0xFF) / 255.f}; };
    const float la = relative_luminance(rgb(a)), lb = relative_luminance(rgb(b));
    return (std::max(la, lb) + 0.05f) / (std::min(la, lb) + 0.05f);
}

uint32_t u32(const ImVec4& c) { return pack_rgba({c.x, c.y, c.z}); }

}  // namespace

TEST(KeyTable, NoKeyMeansTwoThingsInOneContext) {
    for (unsigned ctx : kContexts) {
        std::map<std::tuple<int, bool, bool>, KeyAction> seen;
        for (const KeyRow& r : key_table()) {
            if (!(r.contexts & ctx)) continue;
            for (const KeyBinding& b : r.bind) {
                if (b.key == 0) continue;
                auto [it, fresh] = seen.insert({{b.key, b.ctrl, b.shift}, r.action});
                EXPECT_TRUE(fresh || it->second == r.action) << "key " << b.key << " (ctrl " << b.ctrl
                                                             << ") is bound twice in context " << ctx << ": " << r.keys;
            }
        }
    }
}

TEST(KeyTable, EveryRowDispatchesToItsOwnAction) {
    // the help shows the table; the key handling asks the same table: what a row says is what its keys do
    for (const KeyRow& r : key_table()) {
        EXPECT_NE(r.contexts, 0u) << r.keys;
        EXPECT_NE(r.bind[0].key, 0) << r.keys << ": a row without a key";
        for (unsigned ctx : kContexts) {
            if (!(r.contexts & ctx)) continue;
            for (const KeyBinding& b : r.bind)
                if (b.key) {
                    const int mods = (b.ctrl ? GLFW_MOD_CONTROL : 0) | (b.shift ? GLFW_MOD_SHIFT : 0);
                    EXPECT_EQ(key_action(b.key, mods, ctx), r.action) << r.keys;
                }
        }
    }
}

TEST(KeyTable, ShiftMattersOnlyWhereABindingAsksForIt) {
    // Ctrl+Shift+P is the panel's picture, Ctrl+P the window's; '?' (Shift+/) still finds the key help
    EXPECT_EQ(key_action(GLFW_KEY_P, GLFW_MOD_CONTROL, kKeysLesson), KeyAction::PictureWindow);
    EXPECT_EQ(key_action(GLFW_KEY_P, GLFW_MOD_CONTROL | GLFW_MOD_SHIFT, kKeysLesson), KeyAction::PicturePanel);
    EXPECT_EQ(key_action(GLFW_KEY_SLASH, GLFW_MOD_SHIFT, kKeysPresentLesson), KeyAction::KeyHelp);
    EXPECT_EQ(key_action(GLFW_KEY_P, 0, kKeysLesson), KeyAction::None);
}

TEST(KeyTable, PresentingALessonNeedsNoMouse) {
    // everything a class needs, on a key, and listed in the overlay
    const KeyAction needed[] = {KeyAction::NextStep,   KeyAction::PrevStep,        KeyAction::FirstStep,
                                KeyAction::LastStep,   KeyAction::PlayPause,       KeyAction::StepOnce,
                                KeyAction::Reset,      KeyAction::TogglePresenter, KeyAction::Back,
                                KeyAction::KeyHelp,    KeyAction::CycleTheme,      KeyAction::Larger,
                                KeyAction::Smaller,    KeyAction::Quit};
    std::set<KeyAction> listed;
    for (const KeyRow* r : key_help_rows(kKeysPresentLesson)) listed.insert(r->action);
    for (KeyAction a : needed) EXPECT_TRUE(listed.count(a)) << "action " << (int)a << " has no key in presenter mode";
    EXPECT_FALSE(listed.count(KeyAction::ToggleList)) << "presenter mode shows no lesson list";
}

TEST(KeyTable, KeysByContext) {
    // a clicker's PageDown / PageUp are the arrows
    EXPECT_EQ(key_action(GLFW_KEY_PAGE_DOWN, 0, kKeysPresentLesson), KeyAction::NextStep);
    EXPECT_EQ(key_action(GLFW_KEY_PAGE_UP, 0, kKeysLesson), KeyAction::PrevStep);
    EXPECT_EQ(key_action(GLFW_KEY_RIGHT, 0, kKeysFreeRun), KeyAction::StepOnce);
    EXPECT_EQ(key_action(GLFW_KEY_RIGHT, 0, kKeysLesson), KeyAction::NextStep);
    // F5 everywhere; Escape only leaves presenter mode
    for (unsigned ctx : kContexts) EXPECT_EQ(key_action(GLFW_KEY_F5, 0, ctx), KeyAction::TogglePresenter);
    EXPECT_EQ(key_action(GLFW_KEY_ESCAPE, 0, kKeysPresentLesson), KeyAction::Back);
    EXPECT_EQ(key_action(GLFW_KEY_ESCAPE, 0, kKeysLesson), KeyAction::None);
    // R alone resets only while presenting (windowed, a stray R would throw the run away); Ctrl+R always
    EXPECT_EQ(key_action(GLFW_KEY_R, 0, kKeysPresentLesson), KeyAction::Reset);
    EXPECT_EQ(key_action(GLFW_KEY_R, 0, kKeysLesson), KeyAction::None);
    for (unsigned ctx : kContexts) EXPECT_EQ(key_action(GLFW_KEY_R, GLFW_MOD_CONTROL, ctx), KeyAction::Reset);
    // '?' is Shift + '/': Shift does not matter
    EXPECT_EQ(key_action(GLFW_KEY_SLASH, GLFW_MOD_SHIFT, kKeysPresentLesson), KeyAction::KeyHelp);
    EXPECT_EQ(key_action(GLFW_KEY_F1, 0, kKeysFreeRun), KeyAction::KeyHelp);
    EXPECT_EQ(key_action(GLFW_KEY_T, 0, kKeysFreeRun), KeyAction::CycleTheme);
    EXPECT_EQ(key_action(GLFW_KEY_T, GLFW_MOD_CONTROL, kKeysFreeRun), KeyAction::None);
    EXPECT_EQ(key_action(GLFW_KEY_L, 0, kKeysLesson), KeyAction::ToggleList);
    EXPECT_EQ(key_action(GLFW_KEY_L, 0, kKeysPresentLesson), KeyAction::None);
    EXPECT_EQ(key_context(true, true), (unsigned)kKeysPresentLesson);
    EXPECT_EQ(key_context(false, false), (unsigned)kKeysFreeRun);
}

TEST(Presenter, ScaleFromTheScreen) {
    EXPECT_FLOAT_EQ(presenter_scale(1920, 1080), 1.75f);  // 1.35 (the windowed fit) x 1.3
    EXPECT_FLOAT_EQ(presenter_scale(1280, 800), 1.3f);
    EXPECT_FLOAT_EQ(presenter_scale(3840, 2160), 3.5f);
    EXPECT_FLOAT_EQ(presenter_scale(1024, 768), 1.05f);
    EXPECT_FLOAT_EQ(presenter_scale(640, 480), 1.0f);     // never below normal size
    EXPECT_FLOAT_EQ(presenter_scale(7680, 4320), 4.0f);   // nor above the largest UI scale
    EXPECT_GT(presenter_scale(0, 0), 1.0f);               // no monitor mode: still large
}

TEST(Presenter, LeavingRestoresTheNormalScaleAndRemembersThePresenterOne) {
    Presenter p;
    EXPECT_FLOAT_EQ(p.windowed_scale(1.2f), 1.2f);
    p.on = true;  // (enter() needs a window; its bookkeeping is these fields)
    p.normal_scale = 1.1f;
    EXPECT_FLOAT_EQ(p.windowed_scale(1.75f), 1.1f);
}

TEST(Themes, NamesRoundTripAndCycle) {
    for (int i = 0; i < kThemeCount; i++) {
        Theme t;
        ASSERT_TRUE(parse_theme(theme_name((Theme)i), t));
        EXPECT_EQ(t, (Theme)i);
    }
    Theme t = Theme::Dark;
    EXPECT_FALSE(parse_theme("neon", t));
    EXPECT_FALSE(parse_theme("", t));
    EXPECT_EQ(next_theme(Theme::Dark), Theme::Light);
    EXPECT_EQ(next_theme(Theme::Light), Theme::Contrast);
    EXPECT_EQ(next_theme(Theme::Contrast), Theme::Dark);
}

TEST(Themes, PaletteFollowsTheCurrentTheme) {
    set_theme(Theme::Light);
    EXPECT_EQ(palette().plot_bg, theme_palette(Theme::Light).plot_bg);
    EXPECT_TRUE(palette().light_background);
    set_theme(Theme::Contrast);
    EXPECT_EQ(palette().plot_bg, IM_COL32(0, 0, 0, 255));
    EXPECT_GT(palette().line_scale, 1.5f);  // bolder plot lines
    set_theme(Theme::Dark);
    EXPECT_EQ(palette().plot_bg, theme_palette(Theme::Dark).plot_bg);
}

TEST(Themes, BackgroundsAndTextReadable) {
    for (int i = 0; i < kThemeCount; i++) {
        const Theme t = (Theme)i;
        ImGuiStyle s;
        theme_style(t, s);
        const Palette& p = theme_palette(t);
        const uint32_t bg = u32(s.Colors[ImGuiCol_WindowBg]), text = u32(s.Colors[ImGuiCol_Text]);
        // WCAG: 7:1 for body text (AAA), 4.5:1 for the dim captions and axis labels, 3:1 for accents
        EXPECT_GE(contrast(text, bg), 7.0f) << theme_name(t);
        EXPECT_GE(contrast(p.text, p.plot_bg), 7.0f) << theme_name(t);
        EXPECT_GE(contrast(p.text_dim, p.plot_bg), 4.5f) << theme_name(t);
        EXPECT_GE(contrast(p.axis_text, p.plot_bg), 4.5f) << theme_name(t);
        EXPECT_GE(contrast(u32(s.Colors[ImGuiCol_TextDisabled]), bg), 4.5f) << theme_name(t);
        EXPECT_GE(contrast(p.accent, bg), 3.0f) << theme_name(t);
        EXPECT_GE(contrast(p.title, bg), 4.5f) << theme_name(t);
        EXPECT_GE(contrast(p.button_text, p.go), 4.5f) << theme_name(t);
        EXPECT_GE(contrast(p.button_text, p.stop), 3.0f) << theme_name(t);
        const float lum = relative_luminance({s.Colors[ImGuiCol_WindowBg].x, s.Colors[ImGuiCol_WindowBg].y,
                                              s.Colors[ImGuiCol_WindowBg].z});
        if (t == Theme::Light) EXPECT_GT(lum, 0.8f);
        else EXPECT_LT(lum, 0.03f);
    }
    ImGuiStyle s;
    theme_style(Theme::Contrast, s);
    EXPECT_EQ(u32(s.Colors[ImGuiCol_WindowBg]), IM_COL32(0, 0, 0, 255));
    EXPECT_EQ(u32(s.Colors[ImGuiCol_Text]), IM_COL32(255, 255, 255, 255));
}

TEST(Themes, SeriesColoursReadOnTheLightBackground) {
    // lines are 2 px: 2:1 against the plot background at least (Okabe-Ito's yellow on white is 1.3:1)
    const uint32_t bg = theme_palette(Theme::Light).plot_bg;
    for (int i = 0; i < 7; i++) EXPECT_GE(contrast(pack_rgba(series_color(i, true)), bg), 2.0f) << "series " << i;
    EXPECT_LT(contrast(pack_rgba(series_color(4, false)), bg), 2.0f);  // the dark theme's yellow would not
    for (int i = 0; i < 7; i++) EXPECT_EQ(pack_rgba(series_color(i, false)), pack_rgba(series_color(i)));
}

namespace {

// Viénot, Brettel & Mollon (1999): dichromat vision as a 3x3 matrix on linear RGB.
const float kProtan[3][3] = {{0.11238f, 0.88762f, 0}, {0.11238f, 0.88762f, 0}, {0.00401f, -0.00401f, 1}};
const float kDeutan[3][3] = {{0.29275f, 0.70725f, 0}, {0.29275f, 0.70725f, 0}, {-0.02234f, 0.02234f, 1}};

float to_lin(float c) { return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f); }
float to_srgb(float x) {
    x = std::min(1.0f, std::max(0.0f, x));
    return x <= 0.0031308f ? 12.92f * x : 1.055f * std::pow(x, 1 / 2.4f) - 0.055f;
}
Rgb simulate(const float m[3][3], Rgb c) {
    const float l[3] = {to_lin(c.r), to_lin(c.g), to_lin(c.b)};
    float o[3];
    for (int i = 0; i < 3; i++) o[i] = to_srgb(m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]);
    return {o[0], o[1], o[2]};
}
float dist(Rgb a, Rgb b) { return std::sqrt((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b)); }

}  // namespace

TEST(Colormap, DivergingSidesStayApartForRedGreenBlindness) {
    // a negative and a positive value of the same size must not look alike to a protan or deutan viewer
    for (const auto* m : {kProtan, kDeutan})
        for (float t : {0.2f, 0.4f, 0.6f, 0.8f, 1.0f})
            EXPECT_GT(dist(simulate(m, diverging(-t)), simulate(m, diverging(t))), 0.15f) << "t = " << t;
    // the check can fail: an equally bright green / red pair collapses for a deutan viewer
    EXPECT_LT(dist(simulate(kDeutan, {0, 170 / 255.f, 0}), simulate(kDeutan, {220 / 255.f, 60 / 255.f, 60 / 255.f})), 0.15f);
}

TEST(Colormap, SeriesColoursStayDistinctForRedGreenBlindness) {
    for (const auto* m : {kProtan, kDeutan})
        for (bool light : {false, true})
            for (int i = 0; i < 7; i++)
                for (int j = 0; j < i; j++)
                    EXPECT_GT(dist(simulate(m, series_color(i, light)), simulate(m, series_color(j, light))), 0.12f)
                        << i << " vs " << j << (light ? " (light)" : "");
}

TEST(Colormap, LegendNamesItsMap) {
    EXPECT_STREQ(colormap_name(ColorScale::Sequential), "viridis");
    EXPECT_STREQ(colormap_name(ColorScale::Diverging), "RdBu");
    EXPECT_NE(std::string(colormap_description(ColorScale::Diverging)).find("colour-blind safe"), std::string::npos);
}
