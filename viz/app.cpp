// The app shell: flags, window and GL context, Dear ImGui setup, the frame loop, headless outputs.
// Two modes: the lesson player (a lesson open: the lesson list, the step view and the step's panels) and the
// free run (a run config: every panel, tiled).
//
// Index
//   [SECTION] GLFW errors and the no-display message
//   [SECTION] App state
//   [SECTION] Settings in imgui.ini (UI scale, the window size the layout was made for)
//   [SECTION] Scale, layout, keyboard, menu
//   [SECTION] The lesson player: opening lessons, hot reload, the step's panels
//   [SECTION] Saved runs and replay (File > Save run / Open run, the scrubber's hooks)
//   [SECTION] Headless outputs (layout JSON, lesson state, frame statistics)
//   [SECTION] The frame loop
//   [SECTION] gui_main
//
// The order follows Dear ImGui's example_glfw_opengl3/main.cpp: init, context, backends, state,
// loop { poll, new frame, windows, render, swap }, shutdown in reverse.
#include "app.h"

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "config.h"
#include "data.h"
#include "export.h"
#include "file_watch.h"
#include "format.h"
#include "gui_args.h"
#include "i18n.h"
#include "json_reader.h"
#include "layout.h"
#include "lesson_library.h"
#include "lesson_player.h"
#include "panel_activations.h"
#include "panel_attention.h"
#include "panel_controls.h"
#include "panel_ffn_gates.h"
#include "panel_ffn_params.h"
#include "panel_lesson_list.h"
#include "panel_lesson_step.h"
#include "panel_loss.h"
#include "panel_expert_history.h"
#include "panel_expert_load.h"
#include "panel_expert_tokens.h"
#include "panel_optimizer_memory.h"
#include "panel_optimizer_stats.h"
#include "panel_positions.h"
#include "panel_router.h"
#include "panel_decode_cost.h"
#include "panel_decoding.h"
#include "panel_sample.h"
#include "panel_schedule.h"
#include "panel_second_moment.h"
#include "panel_setup.h"
#include "panel_speculative.h"
#include "panel_stepper.h"
#include "panel_summary.h"
#include "panel_token_probs.h"
#include "presenter.h"
#include "replay.h"
#include "run_files_dialog.h"
#include "run_set.h"
#include "run_view.h"
#include "screenshot.h"
#include "theme.h"
#include "ui_context.h"

namespace noam::viz {

namespace {

using Clock = std::chrono::steady_clock;

// ============================================================================ [SECTION] GLFW errors and the no-display message

// GLFW reports errors through a callback without user data; the last message is kept for our own line.
std::string g_glfw_error;

void on_glfw_error(int code, const char* description) {
    g_glfw_error = description ? description : ("GLFW error " + std::to_string(code));
}

const char* kHeadlessHint = "use the headless commands: noamlab train|dump|bench --help";

std::string no_display_reason() {
    const char* d = std::getenv("DISPLAY");
    const char* w = std::getenv("WAYLAND_DISPLAY");
    if ((!d || !*d) && (!w || !*w)) return "DISPLAY is not set";
    if (d && *d) return std::string("cannot open display '") + d + "'";
    return g_glfw_error.empty() ? "no X11 display" : g_glfw_error;
}

// ============================================================================ [SECTION] App state

struct KeyEvent {
    int key, mods;
};

struct App {
    GuiOptions opt;
    GLFWwindow* window = nullptr;
    FontSet fonts;
    ImGuiStyle base_style;
    float ui_scale = 1.0f, applied_scale = 0.0f;
    float saved_scale = 0.0f;              // from imgui.ini
    int saved_layout_w = 0, saved_layout_h = 0;
    int layout_w = 0, layout_h = 0;        // the window size the current layout was made for
    bool force_layout = true;
    bool panels_overlap = false;
    std::string ini_path;
    Presenter presenter;                   // F5: full screen, large type, keys only
    std::string saved_theme;               // from imgui.ini
    std::string language = "en";          // the interface's and the lessons' (F2, View > Language, --lang)
    std::string saved_language;            // from imgui.ini

    RunView run;
    RunSet runs;                           // run and, in a lesson step with "runs", its side-by-side companions
    ControlsPanel controls;
    LossPanel loss;
    AttentionPanel attention;
    SamplePanel sample;
    SummaryPanel summary;
    SetupPanel setup;
    RegionRecorder regions;
    ReplayScrubber scrub;                  // [replay] the cursor through the kept pictures while paused
    RunFilesDialog run_files;              // [saved runs] File > Save run / Open run
    std::string opened_run;                // the .noamrun the current run was loaded from ("" none)

    // ---- the lesson player (lesson_mode) and the panels only lessons show
    bool lesson_mode = false;
    LessonLibrary library;
    LessonPlayer player;
    LessonListPanel lesson_list;
    LessonStepPanel step_view;
    StepperPanel stepper;
    PositionsPanel positions;
    SchedulePanel schedule;
    TokenProbsPanel token_probs;
    ActivationsPanel activations;
    FfnGatesPanel ffn_gates;
    FfnParamsPanel ffn_params;
    OptimizerMemoryPanel optimizer_memory;
    SecondMomentPanel second_moment;
    OptimizerStatsPanel optimizer_stats;
    ExpertLoadPanel expert_load;
    ExpertHistoryPanel expert_history;
    ExpertTokensPanel expert_tokens;
    RouterPanel router;
    DecodingPanel decoding;
    DecodeCostPanel decode_cost;
    SpeculativePanel speculative;
    bool show_list = true;
    FileWatch lesson_watch;                // the open lesson's file (hot reload)
    FileWatch translation_watch;           // and its translation in the language shown (lessons/zh/<file>)
    double next_watch_poll = 0, next_library_poll = 0;
    uint64_t seen_entry = ~0ull, seen_config = ~0ull;
    bool stepper_from_back = false;        // entered with Left out of a stepper step: open it at its end
    std::string open_key;                  // LessonEntry::key of the open lesson

    // ---- headless driving
    size_t key_script_pos = 0;             // --keys replayed so far
    bool pointer_seen = false, pointer_moved = false;  // headless: the pointer counts once it moves
    double pointer0_x = 0, pointer0_y = 0;
    bool extra_train_posted = false;       // --train-steps in a lesson: Step N posted once the step is idle
    std::string last_state;                // --state-out: what was written last
    double next_state_write = 0;

    std::vector<KeyEvent> keys;            // filled by the GLFW key callback, drained once per frame
    bool quit = false;
    bool show_keys = false, show_about = false;
    Exporter exporter;                     // pictures and data asked for this frame (written after it renders)
    std::string status_note;               // a short message in the menu bar
    bool status_is_error = false;          //   in the error colour
    double status_note_until = 0;
    uint64_t fonts_run_id = 0;

    // frame timing: interval = start to next start (what the eye sees), work = start to after swap
    std::vector<float> frame_interval_ms, frame_work_ms;
    std::vector<float> idle_work_ms;  // frames while the model does not train: the cost of drawing alone
    Clock::time_point start_time = Clock::now();
    double last_snapshot_change = 0;
    uint64_t last_snapshot_version = 0;

    // ---- noamlab render: nothing is drawn until the training is over and every run has published its final
    // snapshot (a fresh sample and weights at the final step); then opt.frames frames, on a frame clock
    int render_phase = 0;                  // 0 training, 1 final snapshots asked for, 2 settled (drawing)
    std::vector<uint64_t> render_versions; // the runs' snapshot versions when the final snapshots were asked for
    int render_frames = 0;                 // frames drawn since settled

    double now() const { return std::chrono::duration<double>(Clock::now() - start_time).count(); }
    // what the panels see as the time: the wall clock, or in render mode the frame count (the same every time)
    double ui_now() const { return opt.render ? render_frames / 60.0 : now(); }
};

void key_callback(GLFWwindow* w, int key, int scancode, int action, int mods) {
    // chained: ImGui's backend, installed after us, calls this first and then updates its own state
    App* app = (App*)glfwGetWindowUserPointer(w);
    if (app && (action == GLFW_PRESS || action == GLFW_REPEAT)) app->keys.push_back({key, mods});
}

// ============================================================================ [SECTION] Settings in imgui.ini

std::string settings_path() {
    namespace fs = std::filesystem;
    std::string dir;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) dir = std::string(x) + "/noamlab";
    else if (const char* h = std::getenv("HOME"); h && *h) dir = std::string(h) + "/.config/noamlab";
    else return "";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return "";
    return dir + "/imgui.ini";
}

void register_settings_handler(App& app) {
    ImGuiSettingsHandler h;
    h.TypeName = "NoamLab";
    h.TypeHash = ImHashStr("NoamLab");
    h.UserData = &app;
    h.ReadOpenFn = [](ImGuiContext*, ImGuiSettingsHandler*, const char*) -> void* { return (void*)1; };
    h.ReadLineFn = [](ImGuiContext*, ImGuiSettingsHandler* handler, void*, const char* line) {
        App* a = (App*)handler->UserData;
        float s = 0;
        int w = 0, hh = 0;
        char theme[16] = "", lang[8] = "";
        if (std::sscanf(line, "Scale=%f", &s) == 1 && s >= 0.5f && s <= 4.0f) a->saved_scale = s;
        else if (std::sscanf(line, "PresenterScale=%f", &s) == 1 && s >= 0.5f && s <= 4.0f) a->presenter.scale = s;
        else if (std::sscanf(line, "Theme=%15s", theme) == 1) a->saved_theme = theme;
        else if (std::sscanf(line, "Language=%7s", lang) == 1 && is_ui_language(lang)) a->saved_language = lang;
        else if (std::sscanf(line, "Layout=%dx%d", &w, &hh) == 2) {
            a->saved_layout_w = w;
            a->saved_layout_h = hh;
        }
    };
    h.WriteAllFn = [](ImGuiContext*, ImGuiSettingsHandler* handler, ImGuiTextBuffer* buf) {
        App* a = (App*)handler->UserData;
        const float presenter_scale = a->presenter.on ? a->ui_scale : a->presenter.scale;
        buf->appendf("[NoamLab][Settings]\nScale=%.3f\nLayout=%dx%d\nTheme=%s\nLanguage=%s\n", a->presenter.windowed_scale(a->ui_scale),
                     a->layout_w, a->layout_h, theme_name(current_theme()), a->language.c_str());
        if (presenter_scale > 0) buf->appendf("PresenterScale=%.3f\n", presenter_scale);
        buf->appendf("\n");
    };
    ImGui::GetCurrentContext()->SettingsHandlers.push_back(h);
}

// ============================================================================ [SECTION] Scale, layout, keyboard, menu

void set_scale(App& app, float s) {
    app.ui_scale = std::clamp(std::round(s * 20.0f) / 20.0f, 0.5f, 4.0f);
    app.force_layout = true;  // panel contents grow: re-tile so nothing is left off-screen
}

// Between frames: fonts at the new size, style sizes scaled from the unscaled theme.
void apply_scale_and_fonts(App& app, bool gl_ready) {
    app.fonts.set_scale(app.ui_scale);
    app.fonts.rebuild_if_needed(gl_ready);
    if (app.applied_scale != app.ui_scale) {
        ImGuiStyle& style = ImGui::GetStyle();
        style = app.base_style;
        style.ScaleAllSizes(app.ui_scale);
        app.applied_scale = app.ui_scale;
    }
}

// The theme: palette() follows at once, the style (scaled) from the next frame, the clear colour with it.
void apply_theme(App& app, Theme t) {
    set_theme(t);
    theme_style(t, app.base_style);
    app.applied_scale = 0;  // apply_scale_and_fonts restyles
}

void toggle_presenter(App& app) {
    if (app.presenter.on) app.presenter.leave(app.window, app.ui_scale);
    else app.presenter.enter(app.window, app.ui_scale);
    app.force_layout = true;
}

void place(const Rect& r, ImGuiCond cond) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), cond);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), cond);
}

void note(App& app, const std::string& s, bool is_error = false) {
    app.status_note = s;
    app.status_note_until = app.now() + (is_error ? 10.0 : 4.0);
    app.status_is_error = is_error;
}

// the panel kinds an export can name (defined in the lesson section below)
const std::vector<std::string>& export_panel_kinds();

// the lesson player's actions (defined in the lesson section below)
bool stepper_shown(const App& app);
void lesson_forward(App& app, bool through_stepper);
void lesson_back(App& app, bool through_stepper);
void toggle_play(App& app);
void open_entry(App& app, int index);
void leave_lesson(App& app);
bool open_run_file(App& app, const std::string& path);
void save_runs(App& app);
bool run_paused(const App& app);
void switch_language(App& app, const std::string& code);

// Keys mean what presenter.cpp's key table says in the window's context (a lesson or a free run, windowed
// or presenting); the table is also the help.
void handle_keys(App& app) {
    const ImGuiIO& io = ImGui::GetIO();
    const unsigned context = key_context(app.lesson_mode, app.presenter.on);
    for (const KeyEvent& k : app.keys) {
        const bool ctrl = (k.mods & GLFW_MOD_CONTROL) != 0;
        if (app.run_files.open_shown()) {  // the Open run modal has the keys (scripted ones too)
            if (k.key == GLFW_KEY_ENTER || k.key == GLFW_KEY_KP_ENTER) app.run_files.confirm();
            else if (k.key == GLFW_KEY_ESCAPE) app.run_files.close();
            else if (k.key == GLFW_KEY_UP || k.key == GLFW_KEY_DOWN) app.run_files.key_up_down(k.key == GLFW_KEY_UP ? -1 : 1);
            continue;
        }
        if (!ctrl && io.WantTextInput) continue;  // typing in a field: keys belong to it
        // while replaying, Home / End / Escape / Shift+arrows move the replay cursor (the key table's
        // ReplayBack / ReplayOn rows start it)
        if (!ctrl && app.scrub.handle_key(app.run, run_paused(app), k.key, k.mods)) continue;
        const KeyAction action = key_action(k.key, k.mods, context);
        switch (action) {
            case KeyAction::None: break;
            case KeyAction::NextStep: lesson_forward(app, true); break;
            case KeyAction::PrevStep: lesson_back(app, true); break;
            case KeyAction::FirstStep:
            case KeyAction::LastStep:
                if (app.player.active()) {
                    app.stepper_from_back = false;
                    app.player.go_to(action == KeyAction::FirstStep ? 0 : app.player.step_count() - 1, app.run);
                }
                break;
            case KeyAction::PlayPause: toggle_play(app); break;
            case KeyAction::StepOnce:
                if (app.lesson_mode ? !app.player.busy(app.run) : !app.run.playing()) app.run.post(CommandKind::StepOnce);
                break;
            case KeyAction::Reset: app.controls.reset(app.run); break;
            case KeyAction::ToggleList: app.show_list = !app.show_list; break;
            case KeyAction::TogglePresenter: toggle_presenter(app); break;
            case KeyAction::Back:
                if (app.show_keys) app.show_keys = false;
                else if (app.presenter.on) toggle_presenter(app);
                break;
            case KeyAction::KeyHelp: app.show_keys = !app.show_keys; break;
            case KeyAction::CycleTheme: apply_theme(app, next_theme(current_theme())); break;
            case KeyAction::Larger: set_scale(app, app.ui_scale * 1.1f + 0.001f); break;
            case KeyAction::Smaller: set_scale(app, app.ui_scale / 1.1f); break;
            case KeyAction::NormalSize: {
                int w = 0, h = 0;
                glfwGetWindowSize(app.window, &w, &h);
                set_scale(app, app.presenter.on ? presenter_scale(w, h) : 1.0f);
                break;
            }
            case KeyAction::PictureWindow: app.exporter.request("", ExportWhat::picture); break;
            case KeyAction::PicturePanel:
                if (!app.exporter.request_panel_under_mouse()) note(app, tr("no panel under the mouse"));
                break;
            case KeyAction::SaveRun: save_runs(app); break;
            case KeyAction::OpenRun: app.run_files.request_open(); break;
            case KeyAction::ReplayBack:
            case KeyAction::ReplayOn:
                if (!app.scrub.handle_key(app.run, run_paused(app), k.key, k.mods)) note(app, "replay: pause the run first");
                break;
            case KeyAction::Language: switch_language(app, app.language == "en" ? "zh" : "en"); break;
            case KeyAction::Quit: app.quit = true; break;
        }
    }
    app.keys.clear();
}

float draw_menu(App& app, double fps) {
    float h = 0;
    if (!ImGui::BeginMainMenuBar()) return h;
    h = ImGui::GetWindowSize().y;
    if (ImGui::BeginMenu(tr("File"))) {
        const Snapshot* s = app.run.valid() ? app.run.snap.get() : nullptr;
        app.exporter.file_menu_items(s && !s->attention.empty(), s && !s->moe_watched.empty());
        ImGui::Separator();
        if (ImGui::MenuItem(tr("Save run"), "Ctrl+S", false, app.run.valid() && !app.run_files.saving())) save_runs(app);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr("weights, optimizer, history and kept pictures, into %s"), app.run_files.runs_dir.c_str());
        if (ImGui::MenuItem(tr("Open run..."), "Ctrl+O")) app.run_files.request_open();
        ImGui::Separator();
        if (ImGui::MenuItem(tr("Quit"), "Ctrl+Q")) app.quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(tr("Run"))) {
        const bool playing = app.lesson_mode ? app.player.busy(app.run) : app.run.playing();
        if (ImGui::MenuItem(playing ? tr("Pause") : tr("Train"), "Space")) toggle_play(app);
        if (ImGui::MenuItem(tr("Step once"), app.lesson_mode ? "." : "Right", false, !playing)) app.run.post(CommandKind::StepOnce);
        if (ImGui::MenuItem(tr("Reset with the seed"), "Ctrl+R")) app.controls.reset(app.run);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(tr("Lessons"))) {
        if (app.lesson_mode) {
            const bool first = app.player.index() == 0, last = app.player.index() + 1 >= app.player.step_count();
            if (ImGui::MenuItem(tr("Next step"), "Right", false, !last)) lesson_forward(app, false);
            if (ImGui::MenuItem(tr("Previous step"), "Left", false, !first)) lesson_back(app, false);
            if (ImGui::MenuItem(tr("Restart lesson"))) {
                app.player.restart(app.run);
            }
            ImGui::MenuItem(tr("Lesson list"), "L", &app.show_list);
            if (ImGui::MenuItem(tr("Leave the lesson: free run"))) leave_lesson(app);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("every panel, on this run"));
            ImGui::Separator();
        }
        for (const PaperGroup& g : app.library.groups()) {
            if (g.title.empty()) continue;
            ImGui::TextDisabled("%s (%d)", g.title.c_str(), g.year);
            for (int i : g.entries) {
                const LessonEntry& e = app.library.entries()[i];
                const bool open = app.lesson_mode && e.key == app.open_key;
                if (ImGui::MenuItem(e.lesson->title.c_str(), nullptr, open, !open)) open_entry(app, i);
            }
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(tr("View"))) {
        if (ImGui::MenuItem(tr("Larger"), "Ctrl +")) set_scale(app, app.ui_scale * 1.1f + 0.001f);
        if (ImGui::MenuItem(tr("Smaller"), "Ctrl -")) set_scale(app, app.ui_scale / 1.1f);
        if (ImGui::MenuItem(tr("Normal size"), "Ctrl 0")) set_scale(app, 1.0f);
        ImGui::Separator();
        for (float s : {1.0f, 1.25f, 1.5f, 2.0f}) {
            char label[32];
            std::snprintf(label, sizeof label, "%.0f%%", s * 100);
            if (ImGui::MenuItem(label, nullptr, std::fabs(app.ui_scale - s) < 0.01f)) set_scale(app, s);
        }
        ImGui::Separator();
        if (ImGui::BeginMenu(tr("Theme"))) {
            for (int t = 0; t < kThemeCount; t++)
                if (ImGui::MenuItem(theme_label((Theme)t), nullptr, current_theme() == (Theme)t)) apply_theme(app, (Theme)t);
            ImGui::Separator();
            ImGui::TextDisabled("%s", tr("T cycles the themes"));
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem(tr("Presenter mode"), "F5")) toggle_presenter(app);
        if (ImGui::BeginMenu(tr("Language"))) {
            for (const std::string& code : ui_languages())
                if (ImGui::MenuItem(language_name(code), code == app.language ? "F2" : nullptr, code == app.language))
                    switch_language(app, code);
            ImGui::EndMenu();
        }
        ImGui::Separator();
        if (ImGui::MenuItem(tr("Reset layout"))) app.force_layout = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(tr("Help"))) {
        if (ImGui::MenuItem(tr("Keyboard"), "? / F1")) app.show_keys = true;
        if (ImGui::MenuItem(tr("About NoamLab"))) app.show_about = true;
        ImGui::EndMenu();
    }
    // right side: what the run is doing
    const Palette& pal = palette();
    char right[160];
    if (app.run.valid()) {
        const bool playing = app.lesson_mode ? app.player.busy(app.run) : app.run.playing();
        // frames per second only while training: a paused window redraws only when something happens
        char rate[32] = "";
        if (app.run.training_now() && !app.opt.render) std::snprintf(rate, sizeof rate, "   %.0f fps", fps);
        std::snprintf(right, sizeof right, tr("%s   %s   step %s%s"), app.run.config().data.task.c_str(),
                      playing ? tr("training") : !app.lesson_mode && app.run.finished() ? tr("finished") : tr("paused"),
                      format_count(app.run.step()).c_str(), rate);
    } else {
        std::snprintf(right, sizeof right, "%s", tr("no run"));
    }
    const float rw = ImGui::CalcTextSize(right).x;
    if (!app.status_note.empty() && app.now() < app.status_note_until) {
        const float nw = ImGui::CalcTextSize(app.status_note.c_str()).x;
        ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - rw - nw - 60));
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(app.status_is_error ? pal.error : pal.ok), "%s", app.status_note.c_str());
    }
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - rw - ImGui::GetStyle().WindowPadding.x * 2));
    const bool playing = app.lesson_mode ? app.player.busy(app.run) : app.run.playing();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(playing ? pal.ok : pal.text_dim), "%s", right);
    ImGui::EndMainMenuBar();
    return h;
}

void draw_help_windows(App& app) {
    if (app.show_keys) {
        UiContext ui{&app.fonts, app.ui_scale, &app.regions, app.ui_now()};
        DrawKeyHelp(key_context(app.lesson_mode, app.presenter.on), app.presenter.on, &app.show_keys, ui);
    }
    if (app.show_about) {
        ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        if (ImGui::Begin((std::string(tr("About NoamLab")) + "###about").c_str(), &app.show_about,
                         ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
            ImGui::TextUnformatted(tr("NoamLab trains small Transformers on this computer's CPU"));
            ImGui::TextUnformatted(tr("and draws what happens inside them while they learn."));
            ImGui::TextDisabled("%s", tr("Every number on the screen is computed by the core, live."));
            ImGui::TextDisabled(tr("Fonts: DejaVu%s. Dear ImGui %s."),
                                app.fonts.has_cjk_font() ? (std::string(" + ") + app.fonts.cjk_font_name()).c_str() : "", IMGUI_VERSION);
        }
        ImGui::End();
    }
}

// ============================================================================ [SECTION] The lesson player

// The panels a step can name, with their share of the height and the least they need (at UI scale 1).
// "attention_grid" and "attention" are the same window (the grid, one head enlarged): together one tile.
struct PanelKindInfo {
    const char* kind;
    float weight, min_h;
};
const PanelKindInfo kPanelKinds[] = {
    {"controls", 1.0f, 440},  {"loss", 1.0f, 250},       {"schedule", 0.9f, 200},    {"attention_grid", 1.5f, 220},
    {"attention", 1.6f, 280}, {"sample", 0.7f, 200},     {"token_probs", 0.5f, 130}, {"summary", 0.8f, 200},
    {"setup", 1.2f, 320},     {"stepper", 2.2f, 380},    {"positions", 1.6f, 240},   {"activations", 1.3f, 280},
    {"ffn_gates", 1.1f, 230}, {"ffn_params", 0.8f, 190},
    {"optimizer_memory", 1.2f, 300}, {"second_moment", 1.8f, 360}, {"optimizer_stats", 1.4f, 320},
    {"expert_load", 1.3f, 260},      {"expert_history", 1.2f, 220},  {"expert_tokens", 0.8f, 150},
    {"router", 1.5f, 320},
    {"decoding", 1.8f, 380}, {"decode_cost", 1.9f, 400}, {"speculative", 1.6f, 300},
};

const PanelKindInfo kOtherPanel{"", 1.0f, 150};

// every panel's window ID ("Title###kind"); the grid and the enlarged head are one window, "attention"
const std::vector<std::string>& export_panel_kinds() {
    static const std::vector<std::string> kinds = [] {
        std::vector<std::string> k;
        for (const auto& p : kPanelKinds)
            if (std::string(p.kind) != "attention_grid") k.push_back(p.kind);
        return k;
    }();
    return kinds;
}

const PanelKindInfo& kind_info(const std::string& kind) {
    for (const auto& k : kPanelKinds)
        if (kind == k.kind) return k;
    return kOtherPanel;
}

// The step's panels as tiles, in the lesson's order; the grid and the enlarged head share one.
std::vector<std::string> step_tiles(const LessonStep& step) {
    std::vector<std::string> tiles;
    for (const PanelSpec& p : step.panels) {
        const std::string k = (p.kind == "attention_grid") ? "attention" : p.kind;
        if (std::find(tiles.begin(), tiles.end(), k) == tiles.end()) tiles.push_back(k);
    }
    return tiles;
}

bool step_has(const LessonStep& step, const char* kind) {
    return std::any_of(step.panels.begin(), step.panels.end(), [&](const PanelSpec& p) { return p.kind == kind; });
}

bool stepper_shown(const App& app) { return app.lesson_mode && app.player.active() && step_has(app.player.step(), "stepper"); }

void toggle_play(App& app) {
    if (app.lesson_mode) app.player.toggle_play(app.run);
    else ControlsPanel::toggle_play(app.run);
}

// Right: the stepper's next sub-step while there is one, then the next lesson step.
void lesson_forward(App& app, bool through_stepper) {
    if (!app.player.active()) return;
    if (through_stepper && stepper_shown(app) && app.stepper.step < app.stepper.step_count() - 1) {
        app.stepper.next();
        return;
    }
    app.stepper_from_back = false;
    app.player.next(app.run);
}

// Left: the stepper's previous sub-step while there is one, then the previous lesson step (whose stepper,
// if it shows one, opens at its end: Left walks back through it).
void lesson_back(App& app, bool through_stepper) {
    if (!app.player.active()) return;
    if (through_stepper && stepper_shown(app) && app.stepper.step > 0) {
        app.stepper.prev();
        return;
    }
    app.stepper_from_back = through_stepper;
    app.player.prev(app.run);
}

void watch_lesson_file(App& app) {
    app.lesson_watch = FileWatch(app.player.lesson().file);
    app.translation_watch = FileWatch(translation_path(app.player.lesson().file, app.language));
    app.open_key = canonical_path(app.player.lesson().file);
}

void open_lesson(App& app, std::shared_ptr<const Lesson> lesson, int step_index) {
    app.lesson_mode = true;
    // the controls panel's Train / Pause goes through the player (a step trains through Step N)
    app.controls.on_toggle_play = [&app] { app.player.toggle_play(app.run); };
    app.stepper_from_back = false;
    // a lesson that shows a second moment: its runs keep that matrix's exact V from their first step
    if (const std::string m = lesson_watched_matrix(*lesson); !m.empty() && app.run.watched_param.empty())
        app.run.watch_param(m);
    app.player.open(std::move(lesson), app.run, step_index);
    watch_lesson_file(app);
}

void open_entry(App& app, int index) {
    const auto& entries = app.library.entries();
    if (index < 0 || index >= (int)entries.size() || !entries[index].lesson) return;
    open_lesson(app, entries[index].lesson, 0);
}

// the lesson after the open one in the list (by file name), or -1
int next_lesson_entry(const App& app) {
    const auto& entries = app.library.entries();
    int here = -1;
    for (size_t i = 0; i < entries.size(); i++)
        if (entries[i].key == app.open_key) here = (int)i;
    if (here < 0) return -1;
    for (int i = here + 1; i < (int)entries.size(); i++)
        if (entries[i].lesson && !entries[i].outside) return i;
    return -1;
}

void leave_lesson(App& app) {
    app.lesson_mode = false;
    app.runs.clear_companions();  // outside a lesson the window trains one run
    app.loss.x_max = 0;
    app.optimizer_stats.x_max = 0;
    app.force_layout = true;
    app.controls.on_toggle_play = nullptr;
    app.attention.select(-1, -1);
    app.attention.show_grid = app.attention.show_focus = true;
    app.attention.grid_share = 0.36f;
}

// The interface and the lessons in another language (F2, View > Language, --lang): the table for tr(), its
// characters for the font atlas (rebuilt between frames), every lesson of the list, and the open lesson's text
// at the same step on the same run.
void switch_language(App& app, const std::string& code) {
    std::string err;
    if (!set_ui_language(code, &err)) {
        note(app, err);
        return;
    }
    app.language = code;
    app.fonts.request_text(ui_language_text());
    app.library.set_language(code);
    if (app.player.active()) {
        try {
            Lesson l = load_lesson(app.player.lesson().file, code);
            l.run.train.seed = app.player.lesson().run.train.seed;  // --seed stays
            app.player.retranslate(std::make_shared<const Lesson>(std::move(l)), app.run);
        } catch (const std::exception& e) {
            app.player.reload_error = e.what();  // the English file broke meanwhile: the open version keeps running
        }
        watch_lesson_file(app);  // its translation in the new language
    }
    ImGui::MarkIniSettingsDirty();
}

// A few times a second: the open lesson's file (hot reload); every two seconds: the folder (new, changed or
// broken lessons appear in the list).
void poll_lesson_files(App& app) {
    const double t = app.now();
    if (app.lesson_mode && app.player.active() && t >= app.next_watch_poll) {
        app.next_watch_poll = t + 0.25;
        const bool translation_changed = !app.translation_watch.path().empty() && app.translation_watch.changed();
        if (app.lesson_watch.changed() || translation_changed) {
            try {
                auto fresh = std::make_shared<const Lesson>(load_lesson(app.player.lesson().file, app.language));
                app.player.reload(fresh, app.run);
                note(app, tr("reloaded ") + std::filesystem::path(fresh->file).filename().string());
            } catch (const std::exception& e) {
                app.player.reload_error = e.what();  // the previous version keeps running
            }
            app.next_library_poll = 0;  // the list shows the same state
        }
    }
    if (t >= app.next_library_poll) {
        app.next_library_poll = t + 2.0;
        app.library.refresh();
    }
}

// At every step entry: the panels take the step's options; the stepper starts at its beginning (or at its end
// when Left came back into it). When the settings change: the stepper follows the run's mask and scale.
void sync_step_panels(App& app) {
    if (!app.player.active()) return;
    if (app.seen_entry != app.player.entry_version()) {
        app.seen_entry = app.player.entry_version();
        const LessonStep& step = app.player.step();
        app.library.mark_seen(app.player.lesson().file, app.player.index());
        const bool grid = step_has(step, "attention_grid"), one = step_has(step, "attention");
        app.attention.select(-1, -1);
        for (const PanelSpec& p : step.panels) {
            if (p.kind == "attention") app.attention.select(p.layer, p.head);
            if (p.kind == "loss") app.loss.log_y = p.log_y;
            if (p.kind == "activations") {
                std::vector<std::string> kinds;
                if (p.options.contains("kinds"))
                    for (const auto& k : p.options.at("kinds")) kinds.push_back(k.get<std::string>());
                app.activations.set_kinds(kinds);
            }
            if (p.kind == "ffn_gates") app.ffn_gates.layer = std::max(0, p.layer);
            if (p.kind == "second_moment") app.second_moment.param = second_moment_param(p);
            if (p.kind == "expert_load") app.expert_load.layer = p.layer;
            if (p.kind == "expert_history") app.expert_history.layer = p.layer;
            if (p.kind == "expert_tokens") app.expert_tokens.layer = p.layer;
        }
        app.attention.show_grid = grid || !one;
        app.attention.show_focus = one;  // the grid alone fills its panel (a click on a map enlarges it)
        app.attention.grid_share = one ? 0.3f : 0.45f;
        if (app.stepper_from_back) app.stepper.set_step(app.stepper.step_count() - 1);
        else app.stepper.reset();
        app.stepper_from_back = false;
    }
    if (app.seen_config != app.player.config_version()) {
        app.seen_config = app.player.config_version();
        app.stepper.config.causal = app.player.config().model.causal;
        app.stepper.config.scale = app.player.config().model.scale_attention;
    }
}

// The lesson list (left, when shown), the step view, and the step's panels stacked on the right.
void draw_lesson(App& app, float menu_h) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const bool list = app.show_list && !app.presenter.on;  // presenter mode: the narrative and the panels only
    const LessonLayout L = lesson_layout(vp->Size.x, vp->Size.y, menu_h, app.ui_scale, list);
    UiContext ui{&app.fonts, app.ui_scale, &app.regions, app.ui_now()};
    ui.render = app.opt.render;
    // the tiles never overlap (the clear colour is their background) and the lesson places them
    ui.panel_flags = ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize;
    app.controls.busy = app.player.busy(app.run);
    app.controls.lr_scale = app.player.lr_scale;

    if (list) {
        place(L.list, ImGuiCond_Always);
        const int clicked = app.lesson_list.Draw(app.library, app.open_key, ui, &app.show_list);
        if (clicked >= 0) open_entry(app, clicked);
    }
    if (!app.player.active()) {
        place(L.step, ImGuiCond_Always);
        app.step_view.Draw(app.player, app.run, ui, list || app.presenter.on, false, false);
        return;
    }
    sync_step_panels(app);
    const int next_lesson = next_lesson_entry(app);
    place(L.step, ImGuiCond_Always);
    const LessonStepPanel::Actions act =
        app.step_view.Draw(app.player, app.run, ui, list || app.presenter.on, stepper_shown(app), next_lesson >= 0);
    if (act.show_list) app.show_list = true;
    if (act.toggle_play) app.player.toggle_play(app.run);
    if (act.prev) lesson_back(app, false);
    if (act.next) lesson_forward(app, false);
    if (act.restart) app.player.restart(app.run);
    if (act.next_lesson && next_lesson >= 0) open_entry(app, next_lesson);
    sync_step_panels(app);  // a button may have moved to another step: its panels this frame already

    const std::vector<std::string> tiles = step_tiles(app.player.step());
    std::vector<float> weights, mins;
    for (const auto& t : tiles) {
        const PanelKindInfo& k = kind_info(t);
        float w = k.weight;
        if (t == "attention" && step_has(app.player.step(), "attention") && step_has(app.player.step(), "attention_grid"))
            w += 0.4f;  // both the grid and an enlarged head
        weights.push_back(w);
        mins.push_back(k.min_h * app.ui_scale);
    }
    const std::vector<Rect> rects = stack_panels(L.panels, weights, mins);
    RunConfig preview;
    const bool has_preview = app.step_view.preview(app.player, preview);
    for (size_t i = 0; i < tiles.size(); i++) {
        place(rects[i], ImGuiCond_Always);
        const std::string& t = tiles[i];
        if (t == "loss") app.loss.x_max = std::max(app.player.budget_end(), app.run.step());  // the step's horizon
        if (t == "optimizer_stats") app.optimizer_stats.x_max = std::max(app.player.budget_end(), app.run.step());
        if (t == "controls") {
            app.controls.Draw(app.run, ui);
            if (app.controls.lr_scale != app.player.lr_scale) app.player.lr_scale = app.controls.lr_scale;
        } else if (t == "loss") app.loss.Draw(app.run, ui, &app.runs);
        else if (t == "attention") app.attention.Draw(app.run, ui);
        else if (t == "sample") app.sample.Draw(app.run, ui);
        else if (t == "summary") app.summary.Draw(app.run, ui);
        else if (t == "setup") app.setup.Draw(app.run, ui);
        else if (t == "stepper") app.stepper.Draw(ui);
        else if (t == "positions") app.positions.Draw(app.run, ui);
        else if (t == "schedule") app.schedule.Draw(app.run, ui, has_preview ? &preview : nullptr);
        else if (t == "token_probs") app.token_probs.Draw(app.run, ui);
        else if (t == "activations") app.activations.Draw(app.run, ui);
        else if (t == "ffn_gates") app.ffn_gates.Draw(app.run, ui);
        else if (t == "ffn_params") app.ffn_params.Draw(app.runs, ui);
        else if (t == "optimizer_memory") app.optimizer_memory.Draw(app.runs, ui, has_preview ? &preview : nullptr);
        else if (t == "second_moment") app.second_moment.Draw(app.runs, ui);
        else if (t == "optimizer_stats") app.optimizer_stats.Draw(app.runs, ui);
        else if (t == "expert_load") app.expert_load.Draw(app.runs, ui);
        else if (t == "expert_history") app.expert_history.Draw(app.runs, ui);
        else if (t == "expert_tokens") app.expert_tokens.Draw(app.runs, ui);
        else if (t == "router") app.router.Draw(app.runs, ui);
        else if (t == "decoding") app.decoding.Draw(app.run, ui);
        else if (t == "decode_cost") app.decode_cost.Draw(app.run, ui);
        else if (t == "speculative") app.speculative.Draw(app.runs, ui);
    }
}

// ============================================================================ [SECTION] Saved runs and replay

bool run_paused(const App& app) { return app.lesson_mode ? !app.player.busy(app.run) : !app.run.playing(); }

// Ctrl+S: every run of the set, each by its own worker between two steps (the file names: see RunFilesDialog::save)
void save_runs(App& app) {
    if (!app.run.valid() || app.run_files.saving()) return;
    const std::string stem = app.lesson_mode && app.player.active() ? app.player.lesson().id : app.run.config().data.task;
    app.run_files.save(app.runs, stem);
    note(app, "saving...");
}

// A saved run replaces the current one (a lesson is left: a run file holds one run); a bad file leaves the current
// run as it was and shows the file's one-line message.
bool open_run_file(App& app, const std::string& path) {
    std::unique_ptr<Trainer> tr;
    ReplayLog replay;
    try {
        tr = load_run(path, &replay);
    } catch (const std::exception& e) {
        app.run_files.error = e.what();
        note(app, e.what(), true);
        return false;
    }
    if (app.lesson_mode) leave_lesson(app);
    app.run.start_loaded(std::move(tr), std::move(replay), false);
    app.opened_run = path;
    app.run_files.error.clear();
    app.run_files.close();
    note(app, "opened " + path + " at step " + std::to_string(app.run.step()));
    return true;
}

// Once per frame, after the keys: finished saves, the Open run modal
void poll_run_files(App& app, UiContext& ui) {
    const std::string saved = app.run_files.poll();
    if (!saved.empty()) note(app, saved);
    else if (!app.run_files.saving() && !app.run_files.error.empty() && app.status_note == "saving...") note(app, app.run_files.error, true);
    const std::string chosen = app.run_files.DrawOpen(ui);
    if (!chosen.empty()) open_run_file(app, chosen);
}

nlohmann::json run_state(const App& app) {
    nlohmann::json j;
    j["step"] = app.run.step();
    j["history"] = app.run.history.size();
    j["first_history_step"] = app.run.history.empty() ? nlohmann::json(nullptr) : nlohmann::json(app.run.history.front().step);
    j["opened"] = app.opened_run;
    j["file_error"] = app.run_files.error;
    j["status"] = app.status_note;
    return j;
}

// ============================================================================ [SECTION] Headless outputs

// The lesson player's state: which lesson and step, the step's training, the observations (ticked or not),
// the errors on screen; and the lesson list. Tests read it (--layout-out, --state-out).
const char* const kPhaseNames[] = {"idle", "pretraining", "settling", "training", "paused", "done"};  // StepPhase

nlohmann::json lesson_state(const App& app) {
    nlohmann::json j;
    j["mode"] = app.lesson_mode ? "lesson" : "free_run";
    j["presenter"] = app.presenter.on;
    j["theme"] = theme_name(current_theme());
    j["key_help"] = app.show_keys;
    j["language"] = app.language;
    j["cjk_font_loaded"] = app.fonts.cjk_loaded();
    j["font_build_ms"] = app.fonts.last_build_ms();
    if (app.lesson_mode && app.player.active()) {
        const LessonPlayer& p = app.player;
        const Lesson& l = p.lesson();
        const LessonStep& st = p.step();
        nlohmann::json lj;
        lj["file"] = l.file;
        lj["id"] = l.id;
        lj["title"] = l.title;
        lj["language"] = l.language;
        lj["translation_note"] = l.translation_note;
        lj["step"] = p.index() + 1;  // 1-based, as on screen
        lj["steps"] = p.step_count();
        lj["step_title"] = st.title;
        lj["panels"] = nlohmann::json::array();
        for (const auto& ps : st.panels) lj["panels"].push_back(ps.kind);
        lj["phase"] = kPhaseNames[(int)p.phase()];
        lj["run_step"] = app.run.step();
        lj["start_step"] = p.start_step();
        lj["target_step"] = p.target_step();
        lj["observations"] = nlohmann::json::array();
        lj["ticked"] = nlohmann::json::array();
        for (size_t k = 0; k < st.watch_for.size(); k++) {
            const ObservationState& o = p.observations()[k];
            nlohmann::json oj = {{"text", st.watch_for[k].text}, {"condition", st.watch_for[k].when.describe()},
                                 {"met", o.met}, {"at_step", o.met ? nlohmann::json(o.met_at) : nlohmann::json(nullptr)}};
            lj["observations"].push_back(oj);
            if (o.met) lj["ticked"].push_back({{"text", st.watch_for[k].text}, {"at_step", o.met_at}});
        }
        lj["knobs"] = nlohmann::json::array();
        for (const KnobSpec& k : st.knobs) lj["knobs"].push_back({{"setting", k.setting}, {"value", p.value_of(k.setting)}});
        lj["run_id"] = app.run.run_id;
        lj["runs"] = nlohmann::json::array();  // the side-by-side runs (empty: one run)
        if (app.runs.comparing())
            for (size_t i = 0; i < app.runs.size(); i++) {
                const RunView& v = app.runs.view(i);
                lj["runs"].push_back({{"label", app.runs.label(i)},
                                      {"step", v.step()},
                                      {"val_loss", v.val_loss.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.val_loss.back())},
                                      {"error", v.snap ? v.snap->error : std::string()}});
            }
        lj["reload_error"] = p.reload_error;
        lj["error"] = p.error;
        lj["stepper_sub_step"] = stepper_shown(app) ? nlohmann::json(app.stepper.step + 1) : nlohmann::json(nullptr);
        lj["list_shown"] = app.show_list;
        j["lesson"] = lj;
    } else {
        j["lesson"] = nullptr;
    }
    j["exports"] = app.exporter.written;  // the files exported so far, in order
    j["run"] = run_state(app);           // [saved runs]
    j["replay"] = app.scrub.state();     // [replay]
    // the characters on screen the atlas cannot draw (they would show as '?'): the step's text and the interface's
    std::string shown = ui_language_text();
    if (app.lesson_mode && app.player.active()) {
        const Lesson& l = app.player.lesson();
        const LessonStep& st = app.player.step();
        shown += l.title + st.title;
        for (const auto& para : st.paragraphs) shown += para;
        for (const auto& o : st.watch_for) shown += o.text;
        for (const auto& k : st.knobs) shown += k.label;
        for (const auto& g : st.known_good) shown += g.text;
    }
    j["missing_glyphs"] = app.fonts.missing_glyphs(shown);
    j["lessons"] = nlohmann::json::array();
    for (const LessonEntry& e : app.library.entries()) {
        nlohmann::json ej = {{"file", e.file}, {"error", e.error}};
        if (e.lesson) {
            ej["id"] = e.lesson->id;
            ej["title"] = e.lesson->title;
            ej["paper"] = e.lesson->paper.title;
            ej["year"] = e.lesson->paper.year;
            ej["steps"] = e.lesson->steps.size();
            ej["seen"] = app.library.seen_count(e);
        }
        j["lessons"].push_back(ej);
    }
    return j;
}

// --state-out: rewritten (write, then rename: a reader never sees half a file) when the state changes,
// checked at most five times a second, and at the end.
void write_state_if_changed(App& app, bool force) {
    if (app.opt.state_out.empty()) return;
    if (!force && app.now() < app.next_state_write) return;
    app.next_state_write = app.now() + 0.2;
    const std::string text = lesson_state(app).dump(2) + "\n";
    if (text == app.last_state) return;
    const std::string tmp = app.opt.state_out + ".tmp";
    {
        std::ofstream f(tmp);
        f << text;
        if (!f) return;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, app.opt.state_out, ec);
    if (!ec) app.last_state = text;
}

bool write_layout_json(const App& app, const std::string& path, int fb_w, int fb_h) {
    const ImGuiIO& io = ImGui::GetIO();
    const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
    nlohmann::json j;
    j["window"] = {{"width", fb_w}, {"height", fb_h}};
    j["scale"] = app.ui_scale;
    j["step"] = app.run.step();
    j["history"] = app.run.history.size();
    for (const auto& [name, r] : app.regions.rects)
        j["regions"][name] = {{"x", std::lround(r.x * sx)}, {"y", std::lround(r.y * sy)},
                              {"w", std::lround(r.w * sx)}, {"h", std::lround(r.h * sy)}};
    for (const auto& [name, c] : app.regions.colors)
        j["colors"][name] = {c & 0xFF, (c >> 8) & 0xFF, (c >> 16) & 0xFF};
    const nlohmann::json state = lesson_state(app);
    for (auto it = state.begin(); it != state.end(); ++it) j[it.key()] = it.value();
    std::ofstream f(path);
    f << j.dump(2) << "\n";
    return (bool)f;
}

double percentile(std::vector<float> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, (size_t)std::floor(p * (v.size() - 1) + 0.5));
    return v[i];
}

bool write_frame_stats(const App& app, const std::string& path) {
    nlohmann::json j;
    j["frames_while_training"] = app.frame_work_ms.size();
    j["median_ms"] = percentile(app.frame_work_ms, 0.5);
    j["p95_ms"] = percentile(app.frame_work_ms, 0.95);
    j["median_interval_ms"] = percentile(app.frame_interval_ms, 0.5);
    j["p95_interval_ms"] = percentile(app.frame_interval_ms, 0.95);
    j["frames_idle"] = app.idle_work_ms.size();
    j["idle_median_ms"] = percentile(app.idle_work_ms, 0.5);
    j["note"] = "ms = work per frame (events, UI, render, swap) while training; interval = start to start, capped "
                "at 60 fps; idle = frames while not training";
    j["step"] = app.run.step();
    j["tokens_per_sec"] = app.run.tokens_per_second();
    std::ofstream f(path);
    f << j.dump(2) << "\n";
    return (bool)f;
}

// ============================================================================ [SECTION] The frame loop

// The panels' window names (the part after ### is the ID: titles may change, IDs do not).
const char* kPanelIds[] = {"Training###controls", "Setup###setup", "Loss###loss", "Samples###sample", "Model###summary",
                           "Attention###attention"};

// The panels, tiled by default_layout (or where the user moved them, remembered in imgui.ini).
void draw_panels(App& app, float menu_h) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const int w = (int)vp->Size.x, h = (int)vp->Size.y;
    if (w != app.layout_w || h != app.layout_h) app.force_layout = true;
    const ImGuiCond cond = app.force_layout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    const PanelLayout L = default_layout(vp->Size.x, vp->Size.y, menu_h, app.ui_scale);
    UiContext ui{&app.fonts, app.ui_scale, &app.regions, app.ui_now()};
    ui.render = app.opt.render;
    // Tiled panels need no background of their own: the clear colour is the same, and on llvmpipe not
    // filling six window rectangles saves about 40% of a frame. Overlapping panels get theirs back.
    if (!app.panels_overlap) ui.panel_flags = ImGuiWindowFlags_NoBackground;

    place(L.controls, cond);
    app.controls.Draw(app.run, ui);
    place(L.setup, cond);
    app.setup.Draw(app.run, ui);
    place(L.loss, cond);
    app.loss.Draw(app.run, ui);
    place(L.sample, cond);
    app.sample.Draw(app.run, ui);
    place(L.summary, cond);
    app.summary.Draw(app.run, ui);
    place(L.attention, cond);
    app.attention.Draw(app.run, ui);

    // do any two panels overlap (the user moved one)? then next frame they draw their backgrounds
    std::vector<Rect> rects;
    for (const char* name : kPanelIds)
        if (const ImGuiWindow* win = ImGui::FindWindowByName(name); win && win->Active)
            rects.push_back({win->Pos.x, win->Pos.y, win->Size.x, win->Size.y});
    app.panels_overlap = false;
    for (size_t i = 0; i < rects.size(); i++)
        for (size_t j = 0; j < i; j++) {
            const Rect &a = rects[i], &b = rects[j];
            const float ox = std::min(a.right(), b.right()) - std::max(a.x, b.x);
            const float oy = std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
            if (ox > 1.5f && oy > 1.5f) app.panels_overlap = true;
        }

    app.force_layout = false;
    app.layout_w = w;
    app.layout_h = h;
}

// A text run needs its characters in the font atlas (Chinese for tang300): ask for the whole corpus once.
void request_corpus_glyphs(App& app) {
    if (!app.run.live || app.fonts_run_id == app.run.run_id) return;
    app.fonts_run_id = app.run.run_id;
    const DataConfig& d = app.run.config().data;
    if (d.task != "text") return;
    try {
        app.fonts.request_text(load_corpus(d.corpus));
    } catch (const std::exception&) {
        // the run exists, so the corpus loaded a moment ago; without it we only miss glyphs
    }
}

bool train_target_reached(const App& app) {
    if (app.opt.train_steps < 0) return true;
    if (!app.run.valid()) return true;
    const Snapshot& s = *app.run.snap;
    // a lesson trains as long as its steps ask: the config's step count only shapes schedules
    const int target = s.total_steps > 0 && !app.lesson_mode ? std::min(app.opt.train_steps, s.total_steps) : app.opt.train_steps;
    return s.step >= target || !s.error.empty();
}

// Headless runs: Xvfb's pointer rests mid-screen and would hover whatever is there (tooltips in every
// screenshot). It counts only once it moves (xdotool can still drive the window).
void ignore_resting_pointer(App& app) {
    if (app.opt.frames <= 0 || app.pointer_moved) return;
    double x = 0, y = 0;
    glfwGetCursorPos(app.window, &x, &y);
    if (!app.pointer_seen) {
        app.pointer_seen = true;
        app.pointer0_x = x;
        app.pointer0_y = y;
    } else if (x != app.pointer0_x || y != app.pointer0_y) {
        app.pointer_moved = true;
        return;
    }
    ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
}

bool key_script_done(const App& app) { return app.key_script_pos >= app.opt.keys.size(); }

// --keys: one scripted key per frame from the third (the first frames build the fonts and the layout)
void replay_scripted_key(App& app, int frame) {
    if (key_script_done(app) || frame < 2) return;
    const KeyPress& k = app.opt.keys[app.key_script_pos++];
    if (k.key != 0) app.keys.push_back({k.key, k.mods});
}

// --train-steps K with a lesson: the steps train as the lesson says; once the keys are replayed and the
// step's own training is over, Step N takes the run on to K.
void train_on_for_headless_target(App& app) {
    if (!app.lesson_mode || app.opt.train_steps <= 0 || app.extra_train_posted || !key_script_done(app)) return;
    if (!app.run.valid() || app.player.busy(app.run)) return;
    if (app.run.step() < app.opt.train_steps) app.run.post(CommandKind::StepN, app.opt.train_steps - app.run.step());
    app.extra_train_posted = true;
}

ExportContext export_context(const App& app) {
    ExportContext c;
    if (app.lesson_mode && app.player.active()) {
        c.lesson = app.player.lesson().id;
        c.lesson_step = app.player.index() + 1;
    } else {
        c.lesson = std::filesystem::path(app.opt.config_path.empty() ? "default" : app.opt.config_path).stem().string();
    }
    c.runs = &app.runs;
    c.framebuffer_scale = ImGui::GetIO().DisplayFramebufferScale.x;
    return c;
}

// noamlab render: once the lesson step's training (and --train-steps) is over, every run is asked for a final
// snapshot (a Pause publishes one, with a sample and weights at that step: nothing left from an earlier moment);
// once all have arrived, the panels are drawn.
void settle_render(App& app, int frame) {
    if (app.render_phase == 2 || frame < 3 || !key_script_done(app) || !app.run.valid()) return;
    if (app.render_phase == 0) {
        if (!train_target_reached(app) || (app.lesson_mode && app.player.busy(app.run))) return;
        if (app.lesson_mode && app.opt.train_steps > 0 && !app.extra_train_posted) return;
        app.render_versions.clear();
        for (size_t i = 0; i < app.runs.size(); i++) app.render_versions.push_back(app.runs.view(i).snapshot_version);
        app.run.post(CommandKind::Pause);  // reaches the side-by-side runs too
        app.render_phase = 1;
        return;
    }
    for (size_t i = 0; i < app.runs.size() && i < app.render_versions.size(); i++)
        if (app.runs.view(i).snapshot_version == app.render_versions[i]) return;
    app.render_phase = 2;
}

const char* prog_name(const App& app) { return app.opt.render ? "noamlab render" : "noamlab gui"; }

int run_loop(App& app) {
    bool gl_ready = false;
    int frame = 0;
    int exit_code = 0;
    const double frame_budget = 1.0 / 60.0;
    Clock::time_point prev_start = Clock::now();
    double fps = 0;
    const Clock::time_point loop_start = prev_start;
    std::ofstream frame_log;
    if (!app.opt.frame_log.empty()) {
        frame_log.open(app.opt.frame_log);
        if (!frame_log) {
            std::fprintf(stderr, "noamlab gui: cannot write %s\n", app.opt.frame_log.c_str());
            return 1;
        }
    }
    while (!app.quit && !glfwWindowShouldClose(app.window)) {
        const Clock::time_point t0 = Clock::now();
        const double interval = std::chrono::duration<double>(t0 - prev_start).count();
        prev_start = t0;
        if (frame > 0 && interval > 0) fps = fps == 0 ? 1.0 / interval : 0.9 * fps + 0.1 / interval;

        // render mode: the runs' ticks released by the last frame are done, their snapshots in (see LiveRun)
        if (app.opt.render)
            for (size_t i = 0; i < app.runs.size(); i++)
                if (app.runs.view(i).live) app.runs.view(i).live->lockstep_wait();

        // idle (paused, nothing new for a while): wait for input instead of spinning
        const bool idle = app.opt.frames < 0 && !app.run.playing() && app.now() - app.last_snapshot_change > 0.5;
        if (idle) glfwWaitEventsTimeout(0.1);
        else glfwPollEvents();

        request_corpus_glyphs(app);
        apply_scale_and_fonts(app, gl_ready);
        ImGui_ImplOpenGL3_NewFrame();
        gl_ready = true;
        ImGui_ImplGlfw_NewFrame();
        ignore_resting_pointer(app);
        ImGui::NewFrame();

        app.run.refresh();
        app.runs.refresh_companions();
        app.scrub.refresh(app.run, run_paused(app));
        if (app.run.snapshot_version != app.last_snapshot_version) {
            app.last_snapshot_version = app.run.snapshot_version;
            app.last_snapshot_change = app.now();
        }
        if (app.lesson_mode) app.player.update(app.run);
        replay_scripted_key(app, frame);
        handle_keys(app);
        poll_lesson_files(app);
        train_on_for_headless_target(app);
        if (app.opt.render) settle_render(app, frame);
        const bool draw = !app.opt.render || app.render_phase == 2;

        // the last frame of a headless run: enough frames, the keys replayed (and two frames to show their
        // effect), and trained far enough (or given up)
        bool last = false, timed_out = false;
        const int keys_end = app.opt.keys.empty() ? 0 : 2 + (int)app.opt.keys.size() + 2;
        if (app.opt.render) {
            if (draw && app.render_frames + 1 >= app.opt.frames) last = true;
            else if (app.now() > app.opt.timeout_seconds) last = timed_out = true;
        } else if (app.opt.frames > 0 && frame + 1 >= std::max(app.opt.frames, keys_end) && frame >= 3) {
            if (train_target_reached(app) && !app.run_files.saving()) last = true;  // [saved runs] and saved
            else if (app.now() > app.opt.timeout_seconds) last = timed_out = true;
        }

        app.regions.clear();
        if (draw) {
            const float menu_h = app.presenter.on ? 0.0f : draw_menu(app, fps);
            app.scrub.begin_draw(app.runs);  // while scrubbing the panels draw the kept picture at the cursor
            if (app.lesson_mode) draw_lesson(app, menu_h);
            else draw_panels(app, menu_h);
            app.scrub.end_draw(app.runs);
            app.exporter.panel_controls(export_panel_kinds(), &app.regions, app.ui_scale);
            if (app.presenter.on && !app.show_keys) {
                UiContext ui{&app.fonts, app.ui_scale, &app.regions, app.ui_now()};
                app.presenter.DrawHint(ui);
            }
            draw_help_windows(app);
            {
                UiContext ui{&app.fonts, app.ui_scale, &app.regions, app.ui_now()};
                poll_run_files(app, ui);
            }
        }
        write_state_if_changed(app, last);

        ImGui::Render();
        int fb_w = 0, fb_h = 0;
        glfwGetFramebufferSize(app.window, &fb_w, &fb_h);
        glViewport(0, 0, fb_w, fb_h);
        const ImVec4 bg = app.base_style.Colors[ImGuiCol_WindowBg];  // panels draw no background of their own
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        std::string err;
        if (last) {  // --export-panel / --export-window: what a person would ask for with the menus and keys
            for (const std::string& p : app.opt.export_panels) app.exporter.request_panel_all(p);
            if (app.opt.export_window) app.exporter.request("", ExportWhat::picture);
        }
        if (!app.exporter.requests.empty()) {
            const std::string n = app.exporter.perform(export_context(app), fb_w, fb_h);
            note(app, n);
            if (last && n.rfind("export failed", 0) == 0) {
                std::fprintf(stderr, "%s: %s\n", prog_name(app), n.c_str());
                exit_code = 1;
            }
            if (last) write_state_if_changed(app, true);  // --state-out lists this frame's exports too
        }
        if (last) {
            if (!app.opt.screenshot.empty() && !write_back_buffer_png(app.opt.screenshot, fb_w, fb_h, err)) {
                std::fprintf(stderr, "%s: %s\n", prog_name(app), err.c_str());
                exit_code = 1;
            }
            if (!app.opt.layout_out.empty() && !write_layout_json(app, app.opt.layout_out, fb_w, fb_h)) {
                std::fprintf(stderr, "%s: cannot write %s\n", prog_name(app), app.opt.layout_out.c_str());
                exit_code = 1;
            }
        }
        glfwSwapBuffers(app.window);

        // frame statistics while the model trains (skipping the first frames: atlas, first layout)
        const double work = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        // (kept only when asked for: an open window would otherwise grow these lists forever)
        if (frame >= 5 && !app.opt.frame_stats.empty()) {
            if (app.run.training_now()) {
                app.frame_work_ms.push_back((float)work);
                app.frame_interval_ms.push_back((float)(interval * 1000.0));
            } else {
                app.idle_work_ms.push_back((float)work);
            }
        }
        if (frame_log)
            frame_log << std::chrono::duration<double>(t0 - loop_start).count() << ' ' << work << ' ' << interval * 1000.0
                      << ' ' << (app.run.training_now() ? 1 : 0) << ' ' << app.run.step() << std::endl;
        frame++;
        if (draw && app.opt.render) app.render_frames++;
        if (last) {
            if (timed_out) {
                std::fprintf(stderr, "%s: --train-steps %d not reached within %.0f s (at step %d)\n", prog_name(app),
                             app.opt.train_steps, app.opt.timeout_seconds, app.run.step());
                exit_code = 1;
            }
            break;
        }
        if (app.opt.render) {  // this frame's commands are posted: the runs may take them and train one tick
            for (size_t i = 0; i < app.runs.size(); i++)
                if (app.runs.view(i).live) app.runs.view(i).live->lockstep_release();
            continue;  // no pacing: the frames before the picture draw nothing and wait for the trainer anyway
        }
        // 60 frames per second at most: the trainer gets the rest of the CPU (vsync does this on a real display)
        const double spent = std::chrono::duration<double>(Clock::now() - t0).count();
        if (spent < frame_budget) std::this_thread::sleep_for(std::chrono::duration<double>(frame_budget - spent));
    }
    if (!app.opt.frame_stats.empty() && !write_frame_stats(app, app.opt.frame_stats)) {
        std::fprintf(stderr, "%s: cannot write %s\n", prog_name(app), app.opt.frame_stats.c_str());
        exit_code = 1;
    }
    return exit_code;
}

}  // namespace

// ============================================================================ [SECTION] gui_main

int gui_main(const std::vector<std::string>& args) {
    GuiOptions opt;
    std::string error;
    if (!parse_gui_args(args, opt, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 2;
    }
    if (opt.help) {
        std::fputs(gui_usage(), stdout);
        return 0;
    }
    return gui_run(opt);
}

int gui_run(const GuiOptions& options) {
    App app;
    app.opt = options;
    app.runs.primary = &app.run;
    app.run.lockstep = app.opt.render;  // render mode: every snapshot seen, every command between the same ticks
    app.player.attach(&app.runs);
    app.loss.replay = &app.scrub;
    const char* prog = prog_name(app);
    const char* step_flag = app.opt.render ? "--step" : "--lesson-step";

    // what to open, before any window: a bad file is reported the same way with or without a display.
    // A lesson is a file with "steps"; anything else is a run config; no file: the first lesson of the folder.
    const std::string lessons_dir = app.opt.lessons_dir.empty() ? std::string(NOAM_SOURCE_DIR) + "/lessons" : app.opt.lessons_dir;
    if (!std::filesystem::is_directory(lessons_dir)) {
        std::fprintf(stderr, "%s: --lessons %s: not a folder\n", prog, lessons_dir.c_str());
        return 2;
    }
    app.library = LessonLibrary(lessons_dir);
    app.library.refresh();
    std::shared_ptr<const Lesson> lesson;
    std::string config_path = app.opt.config_path;
    RunConfig cfg;
    // [saved runs] a .noamrun: loaded (and checked) now; the run starts once the window is up
    std::unique_ptr<Trainer> loaded;
    ReplayLog loaded_replay;
    app.run_files.runs_dir = app.opt.runs_dir;
    try {
        if (std::filesystem::path(config_path).extension() == ".noamrun") {
            if (app.opt.lesson_step > 0) throw ConfigError("--lesson-step needs a lesson (" + config_path + " is a saved run)");
            loaded = load_run(config_path, &loaded_replay);
            if (app.opt.seed_set) throw ConfigError("--seed would change the saved run " + config_path);
        } else if (config_path.empty()) {
            const int first = app.library.first_valid();
            if (first >= 0) lesson = app.library.entries()[first].lesson;
            else config_path = std::string(NOAM_SOURCE_DIR) + "/configs/default.json";  // no lesson loads: a free run
        } else {
            const nlohmann::json j = read_json_file(config_path);
            if (j.is_object() && j.contains("steps")) lesson = std::make_shared<const Lesson>(load_lesson(config_path));
        }
        if (!lesson && !loaded) cfg = load_run_config(config_path);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", prog, e.what());
        return 2;
    }
    if (app.opt.lesson_step > 0 && !lesson) {
        std::fprintf(stderr, "%s: %s needs a lesson (%s is a run config)\n", prog, step_flag, config_path.c_str());
        return 2;
    }
    if (lesson && app.opt.lesson_step > (int)lesson->steps.size()) {
        std::fprintf(stderr, "%s: %s %d: %s has %zu steps\n", prog, step_flag, app.opt.lesson_step, lesson->file.c_str(),
                     lesson->steps.size());
        return 2;
    }
    if (lesson && !app.opt.config_path.empty()) {
        app.library.add_file(app.opt.config_path);  // listed too
        app.show_list = false;  // a lesson chosen on the command line (a teacher's): all the room for it; L shows the list
    }
    for (const std::string& p : app.opt.export_panels)
        if (std::find(export_panel_kinds().begin(), export_panel_kinds().end(), p) == export_panel_kinds().end()) {
            std::string known;
            for (const std::string& k : export_panel_kinds()) known += (known.empty() ? "" : ", ") + k;
            std::fprintf(stderr, "noamlab gui: --export-panel %s: no such panel (one of: %s)\n", p.c_str(), known.c_str());
            return 2;
        }
    app.exporter.dir = app.opt.export_dir;
    if (app.opt.seed_set) {
        if (lesson) {
            Lesson l = *lesson;
            l.run.train.seed = app.opt.seed;
            lesson = std::make_shared<const Lesson>(std::move(l));
        }
        cfg.train.seed = app.opt.seed;
    }

    // ---- window and GL context
    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        std::fprintf(stderr, "noamlab: no display found (%s); %s\n", no_display_reason().c_str(),
                     app.opt.render ? "noamlab render needs one: xvfb-run -a noamlab render ..." : kHeadlessHint);
        return app.opt.render ? 2 : 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    if (!app.opt.size_set) {  // the default 1280x800, shrunk to fit a small screen's work area
        int wx = 0, wy = 0, ww = 0, wh = 0;
        if (GLFWmonitor* m = glfwGetPrimaryMonitor()) glfwGetMonitorWorkarea(m, &wx, &wy, &ww, &wh);
        if (ww > 0 && wh > 0) {
            app.opt.width = std::min(app.opt.width, ww);
            app.opt.height = std::min(app.opt.height, wh);
        }
    }
    app.window = glfwCreateWindow(app.opt.width, app.opt.height, "NoamLab", nullptr, nullptr);
    if (!app.window) {
        std::fprintf(stderr, "noamlab: could not create an OpenGL 3.3 window (%s); %s\n",
                     g_glfw_error.empty() ? "unknown reason" : g_glfw_error.c_str(), kHeadlessHint);
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(app.window);
    glfwSwapInterval(app.opt.frames > 0 ? 0 : 1);
    glfwSetWindowUserPointer(app.window, &app);
    glfwSetKeyCallback(app.window, key_callback);  // before ImGui's backend, which chains to it

    // ---- Dear ImGui context, settings, style, fonts, backends
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    register_settings_handler(app);
    if (app.opt.frames > 0) {
        io.IniFilename = nullptr;  // tests: the same layout every time
    } else {
        app.ini_path = settings_path();
        io.IniFilename = app.ini_path.empty() ? nullptr : app.ini_path.c_str();
        if (io.IniFilename) ImGui::LoadIniSettingsFromDisk(io.IniFilename);  // now, so the scale is known at once
    }
    Theme theme = Theme::Dark;
    if (!parse_theme(app.opt.theme, theme)) parse_theme(app.saved_theme, theme);  // --theme, else remembered
    apply_theme(app, theme);
    float content_scale = 1.0f, unused = 1.0f;
    glfwGetWindowContentScale(app.window, &content_scale, &unused);
    // the scale: --scale, else the one saved last time, else what fits: the layout is designed at 1280x800,
    // so a 1920x1080 window (a projector) starts at 1.35; a HiDPI monitor's content scale counts too
    const float fit = std::min(app.opt.width / 1280.0f, app.opt.height / 800.0f);
    app.ui_scale = app.opt.scale > 0 ? app.opt.scale
                   : app.saved_scale > 0 ? app.saved_scale
                                         : std::clamp(std::round(std::max(content_scale, fit) * 20.0f) / 20.0f, 1.0f, 3.0f);
    // a layout made for another window size is redone; one made for this size keeps the user's arrangement
    app.force_layout = app.opt.frames > 0 || app.saved_layout_w != app.opt.width || app.saved_layout_h != app.opt.height;
    app.layout_w = app.saved_layout_w;
    app.layout_h = app.saved_layout_h;
    // the language: --lang, else the one chosen last time, else English; the lesson opens in it
    if (const std::string lang = !app.opt.lang.empty() ? app.opt.lang : !app.saved_language.empty() ? app.saved_language : "en";
        lang != "en") {
        switch_language(app, lang);
        if (lesson) {
            try {
                Lesson l = load_lesson(lesson->file, lang);  // the sidecar's problems never throw: a note in English
                l.run.train.seed = lesson->run.train.seed;
                lesson = std::make_shared<const Lesson>(std::move(l));
            } catch (const std::exception&) {
                // the English file loaded a moment ago; changed meanwhile, it opens as it was then
            }
        }
    }
    ImGui_ImplGlfw_InitForOpenGL(app.window, true);
    if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
        std::fprintf(stderr, "noamlab: could not initialise OpenGL 3.3 rendering; %s\n", kHeadlessHint);
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
        glfwDestroyWindow(app.window);
        glfwTerminate();
        return 1;
    }

    if (app.opt.presenter) {
        if (app.opt.scale > 0) app.presenter.scale = app.opt.scale;  // --scale with --presenter: the presenter's
        toggle_presenter(app);
    }

    // ---- the run: the lesson's (its first step, or --lesson-step), or the config's
    int code = 0;
    if (lesson) {
        open_lesson(app, lesson, app.opt.lesson_step > 0 ? app.opt.lesson_step - 1 : 0);
        if (!app.run.valid()) {
            std::fprintf(stderr, "%s: %s: %s\n", prog, lesson->file.c_str(), app.player.error.c_str());
            code = 2;
        } else {
            if (app.opt.play && !app.player.busy(app.run)) app.player.toggle_play(app.run);
            code = run_loop(app);
        }
    } else if (loaded) {
        const bool play = starts_playing(app.opt);
        app.run.start_loaded(std::move(loaded), std::move(loaded_replay), play);
        app.opened_run = config_path;
        if (app.opt.train_steps > 0 && !play && app.run.step() < app.opt.train_steps)
            app.run.post(CommandKind::StepN, app.opt.train_steps - app.run.step());
        code = run_loop(app);
    } else {
        const bool play = starts_playing(app.opt);
        if (!app.run.start(cfg, play)) {
            std::fprintf(stderr, "%s: %s: %s\n", prog, config_path.c_str(), app.run.start_error.c_str());
            code = 2;
        } else {
            if (app.opt.train_steps > 0 && !play) app.run.post(CommandKind::StepN, app.opt.train_steps);
            code = run_loop(app);
        }
    }

    // ---- shutdown in reverse: the worker (joins), GL objects, backends, context, window
    app.run.live.reset();
    app.attention.release_gl();
    app.positions.release_gl();
    app.second_moment.release_gl();
    app.decoding.release_gl();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(app.window);
    glfwTerminate();
    return code;
}

}  // namespace noam::viz
