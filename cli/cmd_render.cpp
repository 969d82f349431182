// noamlab render: the picture of a lesson step without a person at the keyboard. The window's own machinery
// (viz::gui_run) in render mode: the step trains what it trains, to its target, then a fixed number of frames
// are drawn and the last one is written; nothing time-dependent is on screen, so the same command gives the
// same pixels.
#include <cstdio>

#include "app.h"
#include "args.h"
#include "commands.h"
#include "gui_args.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab render LESSON.json --step K --out shot.png [--size WxH] [--scale S] [--train-steps N]\n"
    "                      [--seed S] [--frames N] [--timeout S] [--theme dark|light|contrast] [--presenter]\n"
    "\n"
    "Opens the window on step K of the lesson, trains what that step trains (to its target: the same steps\n"
    "every time, however fast the machine), waits for every run's final snapshot, draws a fixed number of\n"
    "frames and writes the last one as a PNG. It needs a display: under Xvfb, xvfb-run -a noamlab render ...\n"
    "The same command gives the same picture: in render mode the frames per second are hidden, and what is\n"
    "measured with the wall clock (tokens/s and elapsed time in the training panel, the decoding-cost panel's\n"
    "microseconds per token, the speculative panel's speed-up) says \"not measured in render\"; the panels'\n"
    "clock counts frames (1/60 s each), so the decoding panels, on the weights of the final step, advance\n"
    "by the frame count. The runs train in lockstep with the frames (every snapshot seen by the lesson).\n"
    "  --step K          the lesson step, 1-based (required; the settings of the steps before it apply)\n"
    "  --out F           the PNG to write (required)\n"
    "  --size WxH        window size in pixels (default 1280x800)\n"
    "  --scale S         UI scale, 0.5 to 4 (default: what fits the window)\n"
    "  --train-steps N   train on to step N after the step's own training\n"
    "  --seed S          override the lesson's seed\n"
    "  --frames N        frames drawn after the training (default 8)\n"
    "  --timeout S       give up after S seconds (default 600): exit 1\n"
    "  --theme T         dark (default), light (for printed handouts) or contrast\n"
    "  --presenter       the presenter-mode picture: the narrative and the panels only, large type\n"
    "Exit codes: 0 written, 1 the training did not finish in time or the file could not be written,\n"
    "2 bad usage, a lesson that does not load, a step it does not have, or no display.\n";

int cmd_render(const std::vector<std::string>& argv) {
    const Args a = parse_args("render", argv, {"--step", "--out", "--size", "--scale", "--train-steps", "--seed", "--frames", "--timeout", "--theme"},
                                {"--presenter"});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (a.positional.size() != 1) throw UsageError("expected one LESSON.json (see noamlab render --help)");
    if (!a.has("--step")) throw UsageError("--step K is required (see noamlab render --help)");
    if (!a.has("--out") || a.get("--out", "").empty()) throw UsageError("--out shot.png is required (see noamlab render --help)");
    const long step = a.get_int("--step", 1, 1, 10000);
    const long frames = a.get_int("--frames", 8, 1, 10000);

    // the same flags as the window, checked by its parser
    std::vector<std::string> g = {a.positional[0], "--lesson-step", std::to_string(step), "--frames", std::to_string(frames),
                                  "--screenshot", a.get("--out", ""), "--timeout", a.get("--timeout", "600")};
    if (a.has("--presenter")) g.push_back("--presenter");
    for (const char* f : {"--size", "--scale", "--train-steps", "--seed", "--theme"})
        if (a.has(f)) {
            g.push_back(f);
            g.push_back(a.get(f, ""));
        }
    viz::GuiOptions opt;
    std::string error;
    if (!viz::parse_gui_args(g, opt, error)) {
        if (error.rfind("noamlab gui", 0) == 0) error.replace(0, 11, "noamlab render");
        throw UsageError(error.substr(error.find(": ") + 2));
    }
    opt.render = true;
    return viz::gui_run(opt);
}

}  // namespace noam::cli
