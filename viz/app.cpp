// The app shell: flags, window and GL context, Dear ImGui setup, the frame loop, headless outputs.
//
// Index
//   [SECTION] GLFW errors and the no-display message
//   [SECTION] App state
//   [SECTION] Settings in imgui.ini (UI scale, the window size the layout was made for)
//   [SECTION] Scale, layout, keyboard, menu
//   [SECTION] Headless outputs (layout JSON, frame statistics)
//   [SECTION] The frame loop
//   [SECTION] gui_main
//
// The order follows Dear ImGui's example_glfw_opengl3/main.cpp: init, context, backends, state,
// loop { poll, new frame, windows, render, swap }, shutdown in reverse.
#include "app.h"

#include <algorithm>
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

#include "config.h"
#include "data.h"
#include "format.h"
#include "gui_args.h"
#include "layout.h"
#include "panel_attention.h"
#include "panel_controls.h"
#include "panel_loss.h"
#include "panel_sample.h"
#include "panel_setup.h"
#include "panel_summary.h"
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

    RunView run;
    ControlsPanel controls;
    LossPanel loss;
    AttentionPanel attention;
    SamplePanel sample;
    SummaryPanel summary;
    SetupPanel setup;
    RegionRecorder regions;

    std::vector<KeyEvent> keys;            // filled by the GLFW key callback, drained once per frame
    bool quit = false;
    bool show_keys = false, show_about = false;
    std::string save_request;              // a PNG to write after this frame renders
    std::string status_note;               // a short message in the menu bar
    double status_note_until = 0;
    uint64_t fonts_run_id = 0;

    // frame timing: interval = start to next start (what the eye sees), work = start to after swap
    std::vector<float> frame_interval_ms, frame_work_ms;
    std::vector<float> idle_work_ms;  // frames while the model does not train: the cost of drawing alone
    Clock::time_point start_time = Clock::now();
    double last_snapshot_change = 0;
    uint64_t last_snapshot_version = 0;

    double now() const { return std::chrono::duration<double>(Clock::now() - start_time).count(); }
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
        if (std::sscanf(line, "Scale=%f", &s) == 1 && s >= 0.5f && s <= 4.0f) a->saved_scale = s;
        else if (std::sscanf(line, "Layout=%dx%d", &w, &hh) == 2) {
            a->saved_layout_w = w;
            a->saved_layout_h = hh;
        }
    };
    h.WriteAllFn = [](ImGuiContext*, ImGuiSettingsHandler* handler, ImGuiTextBuffer* buf) {
        App* a = (App*)handler->UserData;
        buf->appendf("[NoamLab][Settings]\nScale=%.3f\nLayout=%dx%d\n\n", a->ui_scale, a->layout_w, a->layout_h);
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

void place(const Rect& r, ImGuiCond cond) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), cond);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), cond);
}

void note(App& app, const std::string& s) {
    app.status_note = s;
    app.status_note_until = app.now() + 4.0;
}

std::string default_picture_name(const App& app) {
    return "noamlab-step" + std::to_string(app.run.step()) + ".png";
}

void handle_keys(App& app) {
    const ImGuiIO& io = ImGui::GetIO();
    for (const KeyEvent& k : app.keys) {
        const bool ctrl = (k.mods & GLFW_MOD_CONTROL) != 0;
        if (ctrl) {
            if (k.key == GLFW_KEY_EQUAL || k.key == GLFW_KEY_KP_ADD) set_scale(app, app.ui_scale * 1.1f + 0.001f);
            else if (k.key == GLFW_KEY_MINUS || k.key == GLFW_KEY_KP_SUBTRACT) set_scale(app, app.ui_scale / 1.1f);
            else if (k.key == GLFW_KEY_0 || k.key == GLFW_KEY_KP_0) set_scale(app, 1.0f);
            else if (k.key == GLFW_KEY_R) app.controls.reset(app.run);
            else if (k.key == GLFW_KEY_Q) app.quit = true;
            continue;
        }
        if (io.WantTextInput) continue;  // typing in a field: keys belong to it
        if (k.key == GLFW_KEY_SPACE) ControlsPanel::toggle_play(app.run);
        else if (k.key == GLFW_KEY_RIGHT || k.key == GLFW_KEY_PERIOD) {
            if (!app.run.playing()) app.run.post(CommandKind::StepOnce);
        }
    }
    app.keys.clear();
}

float draw_menu(App& app, double fps) {
    float h = 0;
    if (!ImGui::BeginMainMenuBar()) return h;
    h = ImGui::GetWindowSize().y;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Save picture (PNG)")) app.save_request = default_picture_name(app);
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) app.quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Run")) {
        const bool playing = app.run.playing();
        if (ImGui::MenuItem(playing ? "Pause" : "Train", "Space")) ControlsPanel::toggle_play(app.run);
        if (ImGui::MenuItem("Step once", "Right", false, !playing)) app.run.post(CommandKind::StepOnce);
        if (ImGui::MenuItem("Reset with the seed", "Ctrl+R")) app.controls.reset(app.run);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Larger", "Ctrl +")) set_scale(app, app.ui_scale * 1.1f + 0.001f);
        if (ImGui::MenuItem("Smaller", "Ctrl -")) set_scale(app, app.ui_scale / 1.1f);
        if (ImGui::MenuItem("Normal size", "Ctrl 0")) set_scale(app, 1.0f);
        ImGui::Separator();
        for (float s : {1.0f, 1.25f, 1.5f, 2.0f}) {
            char label[32];
            std::snprintf(label, sizeof label, "%.0f%%", s * 100);
            if (ImGui::MenuItem(label, nullptr, std::fabs(app.ui_scale - s) < 0.01f)) set_scale(app, s);
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Reset layout")) app.force_layout = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keyboard")) app.show_keys = true;
        if (ImGui::MenuItem("About NoamLab")) app.show_about = true;
        ImGui::EndMenu();
    }
    // right side: what the run is doing
    const Palette& pal = palette();
    char right[160];
    if (app.run.valid()) {
        const bool playing = app.run.playing();
        // frames per second only while training: a paused window redraws only when something happens
        char rate[32] = "";
        if (app.run.training_now()) std::snprintf(rate, sizeof rate, "   %.0f fps", fps);
        std::snprintf(right, sizeof right, "%s   %s   step %s%s", app.run.config().data.task.c_str(),
                      playing ? "training" : app.run.finished() ? "finished" : "paused", format_count(app.run.step()).c_str(),
                      rate);
    } else {
        std::snprintf(right, sizeof right, "no run");
    }
    const float rw = ImGui::CalcTextSize(right).x;
    if (!app.status_note.empty() && app.now() < app.status_note_until) {
        const float nw = ImGui::CalcTextSize(app.status_note.c_str()).x;
        ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - rw - nw - 60));
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.ok), "%s", app.status_note.c_str());
    }
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - rw - ImGui::GetStyle().WindowPadding.x * 2));
    const bool playing = app.run.playing();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(playing ? pal.ok : pal.text_dim), "%s", right);
    ImGui::EndMainMenuBar();
    return h;
}

void draw_help_windows(App& app) {
    if (app.show_keys) {
        ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        if (ImGui::Begin("Keyboard", &app.show_keys, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
            const char* rows[][2] = {{"Space", "train / pause"},     {"Right arrow", "one training step"},
                                     {"Ctrl+R", "reset with the seed"}, {"Ctrl + / Ctrl -", "larger / smaller UI"},
                                     {"Ctrl 0", "normal size"},       {"Ctrl+Q", "quit"}};
            if (ImGui::BeginTable("keys", 2)) {
                for (auto& r : rows) {
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(r[0]);
                    ImGui::TableNextColumn();
                    ImGui::TextDisabled("%s", r[1]);
                }
                ImGui::EndTable();
            }
        }
        ImGui::End();
    }
    if (app.show_about) {
        ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        if (ImGui::Begin("About NoamLab", &app.show_about, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
            ImGui::TextUnformatted("NoamLab trains small Transformers on this computer's CPU");
            ImGui::TextUnformatted("and draws what happens inside them while they learn.");
            ImGui::TextDisabled("Every number on the screen is computed by the core, live.");
            ImGui::TextDisabled("Fonts: DejaVu%s. Dear ImGui %s.", app.fonts.has_cjk_font() ? " + WenQuanYi Micro Hei" : "",
                                IMGUI_VERSION);
        }
        ImGui::End();
    }
}

// ============================================================================ [SECTION] Headless outputs

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
    UiContext ui{&app.fonts, app.ui_scale, &app.regions, app.now()};
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
    const int target = s.total_steps > 0 ? std::min(app.opt.train_steps, s.total_steps) : app.opt.train_steps;
    return s.step >= target || !s.error.empty();
}

int run_loop(App& app) {
    bool gl_ready = false;
    int frame = 0;
    int exit_code = 0;
    const double frame_budget = 1.0 / 60.0;
    Clock::time_point prev_start = Clock::now();
    double fps = 0;
    while (!app.quit && !glfwWindowShouldClose(app.window)) {
        const Clock::time_point t0 = Clock::now();
        const double interval = std::chrono::duration<double>(t0 - prev_start).count();
        prev_start = t0;
        if (frame > 0 && interval > 0) fps = fps == 0 ? 1.0 / interval : 0.9 * fps + 0.1 / interval;

        // idle (paused, nothing new for a while): wait for input instead of spinning
        const bool idle = app.opt.frames < 0 && !app.run.playing() && app.now() - app.last_snapshot_change > 0.5;
        if (idle) glfwWaitEventsTimeout(0.1);
        else glfwPollEvents();

        request_corpus_glyphs(app);
        apply_scale_and_fonts(app, gl_ready);
        ImGui_ImplOpenGL3_NewFrame();
        gl_ready = true;
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();

        app.run.refresh();
        if (app.run.snapshot_version != app.last_snapshot_version) {
            app.last_snapshot_version = app.run.snapshot_version;
            app.last_snapshot_change = app.now();
        }
        handle_keys(app);

        // the last frame of a headless run: enough frames, and trained far enough (or given up)
        bool last = false, timed_out = false;
        if (app.opt.frames > 0 && frame + 1 >= app.opt.frames && frame >= 3) {
            if (train_target_reached(app)) last = true;
            else if (app.now() > app.opt.timeout_seconds) last = timed_out = true;
        }

        app.regions.clear();
        const float menu_h = draw_menu(app, fps);
        draw_panels(app, menu_h);
        draw_help_windows(app);

        ImGui::Render();
        int fb_w = 0, fb_h = 0;
        glfwGetFramebufferSize(app.window, &fb_w, &fb_h);
        glViewport(0, 0, fb_w, fb_h);
        const ImVec4 bg = app.base_style.Colors[ImGuiCol_WindowBg];  // panels draw no background of their own
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        std::string err;
        if (!app.save_request.empty()) {
            if (write_back_buffer_png(app.save_request, fb_w, fb_h, err)) note(app, "saved " + app.save_request);
            else note(app, err);
            app.save_request.clear();
        }
        if (last) {
            if (!app.opt.screenshot.empty() && !write_back_buffer_png(app.opt.screenshot, fb_w, fb_h, err)) {
                std::fprintf(stderr, "noamlab gui: %s\n", err.c_str());
                exit_code = 1;
            }
            if (!app.opt.layout_out.empty() && !write_layout_json(app, app.opt.layout_out, fb_w, fb_h)) {
                std::fprintf(stderr, "noamlab gui: cannot write %s\n", app.opt.layout_out.c_str());
                exit_code = 1;
            }
        }
        glfwSwapBuffers(app.window);

        // frame statistics while the model trains (skipping the first frames: atlas, first layout)
        const double work = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (frame >= 5 && app.run.training_now()) {
            app.frame_work_ms.push_back((float)work);
            app.frame_interval_ms.push_back((float)(interval * 1000.0));
        } else if (frame >= 5) {
            app.idle_work_ms.push_back((float)work);
        }
        frame++;
        if (last) {
            if (timed_out) {
                std::fprintf(stderr, "noamlab gui: --train-steps %d not reached within %.0f s (at step %d)\n",
                             app.opt.train_steps, app.opt.timeout_seconds, app.run.step());
                exit_code = 1;
            }
            break;
        }
        // 60 frames per second at most: the trainer gets the rest of the CPU (vsync does this on a real display)
        const double spent = std::chrono::duration<double>(Clock::now() - t0).count();
        if (spent < frame_budget) std::this_thread::sleep_for(std::chrono::duration<double>(frame_budget - spent));
    }
    if (!app.opt.frame_stats.empty() && !write_frame_stats(app, app.opt.frame_stats)) {
        std::fprintf(stderr, "noamlab gui: cannot write %s\n", app.opt.frame_stats.c_str());
        exit_code = 1;
    }
    return exit_code;
}

}  // namespace

// ============================================================================ [SECTION] gui_main

int gui_main(const std::vector<std::string>& args) {
    App app;
    std::string error;
    if (!parse_gui_args(args, app.opt, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 2;
    }
    if (app.opt.help) {
        std::fputs(gui_usage(), stdout);
        return 0;
    }

    // the config first: a bad file is reported the same way with or without a display
    const std::string config_path =
        app.opt.config_path.empty() ? std::string(NOAM_SOURCE_DIR) + "/configs/default.json" : app.opt.config_path;
    RunConfig cfg;
    try {
        cfg = load_run_config(config_path);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "noamlab gui: %s\n", e.what());
        return 2;
    }
    if (app.opt.seed_set) cfg.train.seed = app.opt.seed;

    // ---- window and GL context
    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        std::fprintf(stderr, "noamlab: no display found (%s); %s\n", no_display_reason().c_str(), kHeadlessHint);
        return 1;
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
    dark_theme(app.base_style);
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
    ImGui_ImplGlfw_InitForOpenGL(app.window, true);
    if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
        std::fprintf(stderr, "noamlab: could not initialise OpenGL 3.3 rendering; %s\n", kHeadlessHint);
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
        glfwDestroyWindow(app.window);
        glfwTerminate();
        return 1;
    }

    // ---- the run
    int code = 0;
    const bool play = starts_playing(app.opt);
    if (!app.run.start(cfg, play)) {
        std::fprintf(stderr, "noamlab gui: %s: %s\n", config_path.c_str(), app.run.start_error.c_str());
        code = 2;
    } else {
        if (app.opt.train_steps > 0 && !play) app.run.post(CommandKind::StepN, app.opt.train_steps);
        code = run_loop(app);
    }

    // ---- shutdown in reverse: the worker (joins), GL objects, backends, context, window
    app.run.live.reset();
    app.attention.release_gl();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(app.window);
    glfwTerminate();
    return code;
}

}  // namespace noam::viz
