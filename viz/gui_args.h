// The flags of `noamlab gui`, parsed without touching the display (tested in tests/viz_unit/).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace noam::viz {

struct GuiOptions {
    std::string config_path;      // empty: the default config
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
    double timeout_seconds = 300; // --timeout S: give up waiting for --train-steps after S seconds
    bool help = false;
};

// Parses args (the words after "gui"). On a bad flag or value returns false with a one-line message
// in error: "noamlab gui: unknown flag '--x' (see noamlab gui --help)".
bool parse_gui_args(const std::vector<std::string>& args, GuiOptions& out, std::string& error);

// Whether the run trains from the first frame: --play, or an interactive window (no --frames) not --paused.
bool starts_playing(const GuiOptions& o);

// The text of `noamlab gui --help`.
const char* gui_usage();

}  // namespace noam::viz
