// Parsing of the `noamlab gui` flags.
#include "gui_args.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <GLFW/glfw3.h>  // key codes only: parsing never touches the display

#include "theme.h"

namespace noam::viz {

const char* gui_usage() {
    return "usage: noamlab gui [LESSON.json | CONFIG.json | RUN.noamrun] [flags]\n"
           "Opens the window. With a lesson (a file with \"steps\", see lessons/README.md) the lesson player:\n"
           "the narrative beside live pictures, one step at a time. With a run config a small Transformer trains\n"
           "live and every picture follows it. With a saved run (File > Save run, or noamlab train --save) the\n"
           "run at its saved step with its whole history, continuing exactly where it stopped (a bad file: its\n"
           "one-line message, exit 2). Without a file: the first lesson of the lessons/ folder.\n"
           "\n"
           "  --paused             open paused (press Space to train); the window trains at once otherwise\n"
           "  --play               train at once also with --frames\n"
           "  --seed S             override the config's seed\n"
           "  --scale S            UI scale, 0.5 to 4 (fonts and widgets; Ctrl +/- in the window)\n"
           "  --size WxH           window size in pixels (default 1280x800)\n"
           "  --lesson-step N      open the lesson at step N (the settings of the steps before it apply)\n"
           "  --lessons DIR        the folder of lessons to list (default: lessons/ of the source tree)\n"
           "  --presenter          presenter mode: full screen, large type, only the lesson's narrative and\n"
           "                       panels, everything on keys (F5 toggles it, Escape leaves, ? lists the keys)\n"
           "  --theme T            dark, light or contrast (high contrast: black, white, yellow; T cycles them\n"
           "                       in the window; the choice is remembered)\n"
           "  --runs-dir DIR       where File > Save run (Ctrl+S) writes and File > Open run (Ctrl+O) looks\n"
           "                       (default: ./noamlab-runs)\n"
           "  --lang en|zh         the language of the interface and the lessons (default: the one chosen last\n"
           "                       time, else English); F2 or View > Language switches it in the window\n"
           "\n"
           "Headless driving (tests, pictures for slides):\n"
           "  --frames N           render N frames, then exit 0\n"
           "  --train-steps K      keep rendering until the run has trained K steps\n"
           "  --screenshot F       write the last frame to F (PNG)\n"
           "  --layout-out F       write the pixel rectangles of the plots in the last frame to F (JSON)\n"
           "  --frame-stats F      write frame times (median, p95, in ms) to F (JSON)\n"
           "  --frame-log F        append a line per frame to F: seconds since start, work ms, interval ms,\n"
           "                       training (0/1), step (tests/soak/soak.sh reads it)\n"
           "  --timeout S          give up waiting for --train-steps after S seconds (default 300): exit 1\n"
           "  --keys LIST          press keys, one per frame from the third: e.g. \"Right,Right,Space\"\n"
           "  --state-out F        write the lesson player's state (step, ticked observations, errors) to F\n"
           "                       (JSON), rewritten whenever it changes\n"
           "  --export-dir DIR     where exports go (default ./noamlab-exports/); files are named by lesson,\n"
           "                       step, panel and training step, never overwriting (-2, -3 ...)\n"
           "  --export-panel NAME  on the last frame, export panel NAME (loss, attention, ... as in a lesson's\n"
           "                       \"panels\"): its picture (PNG), the history (CSV, JSON), and the attention\n"
           "                       maps or expert assignments (JSON) where it shows them; repeatable\n"
           "  --export-window      on the last frame, the whole window's picture into the export folder\n"
           "  --help               this text\n"
           "\n"
           "Keys in a lesson: Right / Left next / previous step (through the forward-pass stepper first when\n"
           "it is shown; PageDown / PageUp too), Home / End first / last step, Space play/pause, Period one\n"
           "training step, L the lesson list. Free run: Space play/pause, Right arrow step once. Both: Ctrl+R\n"
           "reset (R alone in presenter mode), F5 presenter mode, ? or F1 the keys, T the theme, Ctrl + /\n"
           "Ctrl - / Ctrl 0 UI scale, Ctrl+P picture of the window, Ctrl+Shift+P picture of the panel under\n"
           "the mouse (or the last focused one), Ctrl+S save the run, Ctrl+O open a run, F2 language\n"
           "(English / 中文), Ctrl+Q quit. Right-click a panel (or its PNG button when the\n"
           "mouse is over it) for its picture and data; File has the window's. The menu bar names the file written.\n"
           "Replay (paused): Shift+Left / Shift+Right one kept picture back / on, Home / End the first / last,\n"
           "Escape back to live, Space trains on from the live end.\n";
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

std::string lower(std::string s) {
    for (char& c : s) c = (char)std::tolower((unsigned char)c);
    return s;
}

std::string trim(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace((unsigned char)s[a])) a++;
    while (b > a && std::isspace((unsigned char)s[b - 1])) b--;
    return s.substr(a, b - a);
}

int key_code(const std::string& name) {
    static const struct {
        const char* name;
        int key;
    } kNames[] = {{"left", GLFW_KEY_LEFT},       {"right", GLFW_KEY_RIGHT},     {"up", GLFW_KEY_UP},
                  {"down", GLFW_KEY_DOWN},       {"space", GLFW_KEY_SPACE},     {"enter", GLFW_KEY_ENTER},
                  {"return", GLFW_KEY_ENTER},    {"escape", GLFW_KEY_ESCAPE},   {"tab", GLFW_KEY_TAB},
                  {"home", GLFW_KEY_HOME},       {"end", GLFW_KEY_END},         {"pageup", GLFW_KEY_PAGE_UP},
                  {"pagedown", GLFW_KEY_PAGE_DOWN}, {"period", GLFW_KEY_PERIOD}, {".", GLFW_KEY_PERIOD},
                  {"comma", GLFW_KEY_COMMA},     {"plus", GLFW_KEY_EQUAL},      {"equal", GLFW_KEY_EQUAL},
                  {"minus", GLFW_KEY_MINUS},     {"slash", GLFW_KEY_SLASH},     {"?", GLFW_KEY_SLASH},
                  {"/", GLFW_KEY_SLASH}};
    const std::string n = lower(name);
    for (const auto& k : kNames)
        if (n == k.name) return k.key;
    if (n.size() == 1 && n[0] >= 'a' && n[0] <= 'z') return GLFW_KEY_A + (n[0] - 'a');
    if (n.size() == 1 && n[0] >= '0' && n[0] <= '9') return GLFW_KEY_0 + (n[0] - '0');
    if (n.size() >= 2 && n.size() <= 3 && n[0] == 'f') {
        long f = 0;
        if (parse_int(n.substr(1), 1, 12, f)) return GLFW_KEY_F1 + (int)f - 1;
    }
    return -1;
}

}  // namespace

bool parse_key_list(const std::string& list, std::vector<KeyPress>& out, std::string& error) {
    out.clear();
    size_t pos = 0;
    while (true) {
        const size_t comma = list.find(',', pos);
        std::string item = trim(list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
        KeyPress k;
        // modifiers: "Ctrl+R", "Shift+Tab" ("+" alone is not a modifier separator at the end: "Ctrl++")
        while (true) {
            const size_t plus = item.find('+');
            if (plus == std::string::npos || plus + 1 >= item.size()) break;
            const std::string mod = lower(trim(item.substr(0, plus)));
            if (mod == "ctrl" || mod == "control") k.mods |= GLFW_MOD_CONTROL;
            else if (mod == "shift") k.mods |= GLFW_MOD_SHIFT;
            else if (mod == "alt") k.mods |= GLFW_MOD_ALT;
            else {
                error = "noamlab gui: bad key '" + item + "' in --keys (unknown modifier '" + mod + "')";
                return false;
            }
            item = trim(item.substr(plus + 1));
        }
        if (item == "+") item = "plus";
        if (!item.empty()) {
            k.key = key_code(item);
            if (k.key < 0) {
                error = "noamlab gui: bad key '" + item +
                        "' in --keys (expected names such as Right, Left, Space, PageDown, Period, F1, a letter)";
                return false;
            }
        } else if (k.mods) {
            error = "noamlab gui: a modifier without a key in --keys";
            return false;
        }
        out.push_back(k);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return true;
}

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
        } else if (a == "--frame-log") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a file name");
            out.frame_log = v;
        } else if (a == "--scale") {
            if (!value(v)) return false;
            if (!parse_double(v, 0.5, 4.0, d)) return bad_value(a, v, "a number from 0.5 to 4");
            out.scale = (float)d;
        } else if (a == "--timeout") {
            if (!value(v)) return false;
            if (!parse_double(v, 0.1, 1e6, d)) return bad_value(a, v, "seconds > 0");
            out.timeout_seconds = d;
        } else if (a == "--lesson-step") {
            if (!value(v)) return false;
            if (!parse_int(v, 1, 10000, n)) return bad_value(a, v, "a step number >= 1");
            out.lesson_step = (int)n;
        } else if (a == "--keys") {
            if (!value(v)) return false;
            if (!parse_key_list(v, out.keys, error)) return false;
        } else if (a == "--lessons") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a folder");
            out.lessons_dir = v;
        } else if (a == "--presenter") {
            out.presenter = true;
        } else if (a == "--theme") {
            if (!value(v)) return false;
            Theme t;
            if (!parse_theme(v, t)) return bad_value(a, v, "dark, light or contrast");
            out.theme = v;
        } else if (a == "--runs-dir") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a folder");
            out.runs_dir = v;
        } else if (a == "--lang") {
            if (!value(v)) return false;
            if (v != "en" && v != "zh") return bad_value(a, v, "en or zh");
            out.lang = v;
        } else if (a == "--state-out") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a file name");
            out.state_out = v;
        } else if (a == "--export-dir") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a folder");
            out.export_dir = v;
        } else if (a == "--export-panel") {
            if (!value(v)) return false;
            if (v.empty()) return bad_value(a, v, "a panel name such as loss or attention");
            out.export_panels.push_back(v);
        } else if (a == "--export-window") {
            out.export_window = true;
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
            error = "noamlab gui: unexpected argument '" + a + "' (one LESSON.json, CONFIG.json or RUN.noamrun at most; see noamlab gui --help)";
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
