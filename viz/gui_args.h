// The flags of `noamlab gui`, parsed without touching the display (tested in tests/viz_unit/).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace noam::viz {

// A key press replayed by --keys: a GLFW key code and modifier bits (key 0: a frame without a key).
struct KeyPress {
    int key = 0, mods = 0;
};

struct GuiOptions {
    std::string config_path;      // a lesson (has "steps"), a run config or a saved run (.noamrun); empty: the first lesson
    int frames = -1;              // --frames N: render N frames, then exit 0 (-1: until the window closes)
    std::string screenshot;       // --screenshot F: the last frame as PNG
    int train_steps = -1;         // --train-steps K: train to step K before the last frame
    bool play = false;            // --play: start training at once (the default when no --frames is given)
    bool paused = false;          // --paused: open paused (the window otherwise trains at once)
    float scale = 0;              // --scale S: UI scale (0: remembered / from the monitor)
    int width = 1280, height = 800;  // --size WxH
    bool size_set = false;
    bool seed_set = false;        // --seed S overrides the config's seed
    uint64_t seed = 0;
    std::string layout_out;       // --layout-out F: panel regions (pixels) of the last frame, JSON
    std::string frame_stats;      // --frame-stats F: median / p95 frame times, JSON
    std::string frame_log;        // --frame-log F: one line per frame (for the soak test), flushed as written
    double timeout_seconds = 300; // --timeout S: give up waiting for --train-steps after S seconds
    int lesson_step = 0;          // --lesson-step N: open the lesson at step N (1-based; 0: the first)
    std::vector<KeyPress> keys;   // --keys "Right,Right,space": pressed one per frame from the third frame
    std::string state_out;        // --state-out F: the lesson player's state, JSON, rewritten when it changes
    bool presenter = false;       // --presenter: open in presenter mode (full screen, large type; F5 leaves)
    std::string theme;            // --theme dark|light|contrast (empty: the remembered one, else dark)
    std::string lang;             // --lang en|zh: the interface's and the lessons' language ("": remembered, else en)
    std::string lessons_dir;      // --lessons DIR: the folder the lesson list shows (default: the source tree's lessons/)
    std::string export_dir = "noamlab-exports";  // --export-dir DIR: where Ctrl+P, Ctrl+Shift+P and the export menus write
    std::vector<std::string> export_panels;  // --export-panel NAME: on the last frame, the panel's PNG, CSV, JSON
    bool export_window = false;   // --export-window: on the last frame, the whole window's PNG into the export folder
    // `noamlab render` (not a gui flag): nothing time-dependent on screen (fps, measured speeds), the panels
    // drawn only once the step's training is over and its final snapshot is in, then a fixed number of frames
    bool render = false;
    std::string runs_dir = "noamlab-runs";  // --runs-dir DIR: where saved runs go (File > Save run / Open run)
    bool help = false;
};

// Parses args (the words after "gui"). On a bad flag or value returns false with a one-line message
// in error: "noamlab gui: unknown flag '--x' (see noamlab gui --help)".
bool parse_gui_args(const std::vector<std::string>& args, GuiOptions& out, std::string& error);

// Parses a --keys list: names separated by commas, each a key with optional modifiers ("Ctrl+R"). Names
// (case-insensitive): Left Right Up Down Space Enter Escape Tab Home End PageUp PageDown Period Comma
// Slash (or ?), F1..F12, a letter or a digit; an empty name is a frame without a key. False with a one-line error.
bool parse_key_list(const std::string& list, std::vector<KeyPress>& out, std::string& error);

// Whether the run trains from the first frame: --play, or an interactive window (no --frames) not --paused.
bool starts_playing(const GuiOptions& o);

// The text of `noamlab gui --help`.
const char* gui_usage();

}  // namespace noam::viz
