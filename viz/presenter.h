// Presenter mode (F5): the window fills the current monitor, type grows to a presenter scale chosen from the
// screen (remembered apart from the normal scale), and only the lesson step's narrative and its panels stay
// on screen: no menu bar, no lesson list. Every action a class needs has a key; the keys live in one table
// that drives both the key handling and the help (Help > Keyboard, and the large overlay on ? or F1).
#pragma once
#include <vector>

#include "ui_context.h"

struct GLFWwindow;

namespace noam::viz {

// What a key does. The app performs the action; the table says which key means which action where.
enum class KeyAction {
    None, NextStep, PrevStep, FirstStep, LastStep, PlayPause, StepOnce, Reset, ToggleList,
    TogglePresenter, Back, KeyHelp, CycleTheme, Larger, Smaller, NormalSize, PictureWindow, PicturePanel,
    SaveRun, OpenRun, ReplayBack, ReplayOn, Language, Quit,
};

// Where a key is live: exactly one of these describes the window at a time (key_context).
enum KeyContext : unsigned {
    kKeysFreeRun = 1,          // a run config, windowed
    kKeysLesson = 2,           // a lesson, windowed
    kKeysPresentLesson = 4,    // a lesson in presenter mode
    kKeysPresentFreeRun = 8,   // a run config in presenter mode
    kKeysEverywhere = 15,
};
unsigned key_context(bool lesson_mode, bool presenting);

struct KeyBinding {
    int key = 0;        // a GLFW key code (0: no binding)
    bool ctrl = false;  // Ctrl held
    bool shift = false; // Shift held too; a binding without it ignores Shift ('?' is Shift+/ on most layouts)
};

struct KeyRow {
    KeyAction action;
    const char* keys;   // as the help shows them: "Right / PageDown"
    const char* what;   // "next step"
    unsigned contexts;  // KeyContext bits
    KeyBinding bind[3];
};

// Every key of the window, in the order the help lists them.
const std::vector<KeyRow>& key_table();
// The action of a key press (GLFW key code and modifier bits) in a context; None when the key means nothing.
KeyAction key_action(int key, int mods, unsigned context);
// The rows the help shows in a context.
std::vector<const KeyRow*> key_help_rows(unsigned context);

// The presenter scale for a screen of w x h (screen coordinates): the normal fit (the layout is designed at
// 1280x800) times 1.3, in steps of 0.05, from 1 to 4. About 1.75 at 1920x1080.
float presenter_scale(int screen_w, int screen_h);

// Presenter mode's state: on or off, the two scales, and the windowed geometry to come back to.
struct Presenter {
    bool on = false;
    float scale = 0;          // the presenter scale (0: not chosen yet: from the screen); imgui.ini PresenterScale=
    float normal_scale = 1;   // the windowed scale, restored on leaving
    int win_x = 0, win_y = 0, win_w = 0, win_h = 0;

    // Full screen on the monitor that holds the window's centre; ui_scale becomes the presenter scale.
    void enter(GLFWwindow* window, float& ui_scale);
    // Back to the window's size and position; ui_scale becomes the normal scale again.
    void leave(GLFWwindow* window, float& ui_scale);
    // The scale imgui.ini remembers as the normal one.
    float windowed_scale(float ui_scale) const { return on ? normal_scale : ui_scale; }

    // A small hint in the top-right corner: "? keys   F5 exit".
    void DrawHint(UiContext& ui) const;
};

// The key help. overlay: large and centred over a dimmed screen (presenter mode); otherwise the Keyboard
// window. *open becomes false when closed with the mouse.
void DrawKeyHelp(unsigned context, bool overlay, bool* open, UiContext& ui);

}  // namespace noam::viz
