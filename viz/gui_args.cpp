// Parsing of the `noamlab gui` flags.
#include "gui_args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace noam::viz {

const char* gui_usage() {
    return "usage: noamlab gui [CONFIG.json] [flags]\n"
           "Opens the window: a small Transformer trains live and every picture follows it.\n"
           "CONFIG.json is a run config (default: configs/default.json).\n"
           "\n"
           "  --paused             open paused (press Space to train); the window trains at once otherwise\n"
           "  --play               train at once also with --frames\n"
           "  --seed S             override the config's seed\n"
           "  --scale S            UI scale, 0.5 to 4 (fonts and widgets; Ctrl +/- in the window)\n"
           "  --size WxH           window size in pixels (default 1280x800)\n"
           "\n"
           "Headless driving (tests, pictures for slides):\n"
           "  --frames N           render N frames, then exit 0\n"
           "  --train-steps K      keep rendering until the run has trained K steps\n"
           "  --screenshot F       write the last frame to F (PNG)\n"
           "  --layout-out F       write the pixel rectangles of the plots in the last frame to F (JSON)\n"
           "  --frame-stats F      write frame times (median, p95, in ms) to F (JSON)\n"
           "  --timeout S          give up waiting for --train-steps after S seconds (default 300): exit 1\n"
           "  --help               this text\n"
           "\n"
           "Keys: Space play/pause, Right arrow step once, Ctrl+R reset, Ctrl + / Ctrl - / Ctrl 0 UI scale,\n"
           "Ctrl+Q quit.\n";
}

namespace {

bool parse_int(const std::string& s, long lo, long hi, long& v) {
    if (s.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const long x = std::strtol(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || x < lo || x > hi) return false;
    v = x;
    return true;
}

bool parse_double(const std::string& s, double lo, double hi, double& v) {
    if (s.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(s.c_str(), &end);
    if (errno != 0 || *end != '\0' || !std::isfinite(x) || x < lo || x > hi) return false;
    v = x;
    return true;
}

}  // namespace

bool parse_gui_args(const std::vector<std::string>& args, GuiOptions& out, std::string& error) {
    auto bad_value = [&](const std::string& flag, const std::string& value, const char* expected) {
        error = "noamlab gui: bad value '" + value + "' for " + flag + " (expected " + expected + ")";
        return false;
    };
    for (size_t i = 0; i < args.size(); i++) {
        const std::string& a = args[i];
        auto value = [&](std::string& v) {
            if (i + 1 >= args.size()) {
                error = "noamlab gui: " + a + " needs a value (see noamlab gui --help)";
                return false;
            }
            v = args[++i];
            return true;
        };
        std::string v;
        long n = 0;
        double d = 0;
        if (a == "--help" || a == "-h") {
            out.help = true;
        } else if (a == "--play") {
            out.play = true;
        } else if (a == "--paused") {
            out.paused = true;
        } else if (a == "--frames") {
            if (!value(v)) return false;
            if (!parse_int(v, 1, 100000000, n)) return bad_value(a, v, "a whole number >= 1");
            out.frames = (int)n;
        } else if (a == "--train-steps") {
            if (!value(v)) return false;
            if (!parse_int(v, 0, 100000000, n)) return bad_value(a, v, "a whole number >= 0");
            out.train_steps = (int)n;
        } else if (a == "--screenshot") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a file name");
            out.screenshot = v;
        } else if (a == "--layout-out") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a file name");
            out.layout_out = v;
        } else if (a == "--frame-stats") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a file name");
            out.frame_stats = v;
        } else if (a == "--scale") {
            if (!value(v)) return false;
            if (!parse_double(v, 0.5, 4.0, d)) return bad_value(a, v, "a number from 0.5 to 4");
            out.scale = (float)d;
        } else if (a == "--timeout") {
            if (!value(v)) return false;
            if (!parse_double(v, 0.1, 1e6, d)) return bad_value(a, v, "seconds > 0");
            out.timeout_seconds = d;
        } else if (a == "--seed") {
            if (!value(v)) return false;
            errno = 0;
            char* end = nullptr;
            const unsigned long long s = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || v[0] == '-' || errno != 0 || *end != '\0') return bad_value(a, v, "a whole number >= 0");
            out.seed = s;
            out.seed_set = true;
        } else if (a == "--size") {
            if (!value(v)) return false;
            const size_t x = v.find('x');
            long w = 0, h = 0;
            if (x == std::string::npos || !parse_int(v.substr(0, x), 320, 16384, w) ||
                !parse_int(v.substr(x + 1), 240, 16384, h))
                return bad_value(a, v, "WIDTHxHEIGHT, e.g. 1920x1080");
            out.width = (int)w;
            out.height = (int)h;
            out.size_set = true;
        } else if (a.size() > 1 && a[0] == '-') {
            error = "noamlab gui: unknown flag '" + a + "' (see noamlab gui --help)";
            return false;
        } else if (out.config_path.empty()) {
            out.config_path = a;
        } else {
            error = "noamlab gui: unexpected argument '" + a + "' (one CONFIG.json at most; see noamlab gui --help)";
            return false;
        }
    }
    if (out.play && out.paused) {
        error = "noamlab gui: --play and --paused contradict each other";
        return false;
    }
    return true;
}

bool starts_playing(const GuiOptions& o) { return o.play || (o.frames < 0 && !o.paused); }

}  // namespace noam::viz
