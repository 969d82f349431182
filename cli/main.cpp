// noamlab: with no arguments (or `gui`) the window; otherwise a headless command.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app.h"
#include "commands.h"

static const char* kUsage =
    "NoamLab: learn how Transformer-era mechanisms work by training small models live.\n"
    "\n"
    "usage: noamlab [COMMAND] [ARGS]\n"
    "\n"
    "  (none)                     open the window on the first lesson\n"
    "  gui [LESSON|CONFIG] [flags] open the window on a lesson, or on a free run of a config (noamlab gui --help)\n"
    "  train CONFIG [flags]       train headless, print progress, write the history (noamlab train --help)\n"
    "  race CONFIG [flags]        train variants x seeds (ReLU vs SwiGLU ...), compare (noamlab race --help)\n"
    "  train --resume RUN [flags] continue a run saved with train --save, exactly where it stopped\n"
    "  info RUN.noamrun           check a saved run and print what it holds (step, model, optimizer, config)\n"
    "  export-torch RUN --out M.py a saved run as a PyTorch script that checks it reproduces the logits\n"
    "  dump CONFIG --out F.json   weights, a batch, logits, loss and every gradient, as JSON\n"
    "  generate CONFIG --tokens N text from a trained model: KV cache, sampling, speculative decoding\n"
    "                             (noamlab generate --help)\n"
    "  bench [flags]              speed: matmul GFLOP/s, training tokens/s (noamlab bench --help)\n"
    "  render LESSON --step K --out shot.png\n"
    "                             the picture of a lesson step, no person needed (a display: xvfb-run -a ...)\n"
    "  check LESSON.json...       validate lesson files\n"
    "  lesson run LESSON.json     play a lesson headless and check its observations (noamlab lesson --help)\n"
    "  lesson list [DIR]          the lessons, with their papers\n"
    "  help                       this text\n"
    "\n"
    "Exit codes: 0 success, 1 the work failed (e.g. training diverged, no display), 2 bad usage or input.\n";

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return noam::viz::gui_main({});
    const std::string cmd = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (cmd == "gui") return noam::viz::gui_main(rest);
    if (cmd == "train") return noam::cli::guarded(cmd, noam::cli::cmd_train, rest);
    if (cmd == "race") return noam::cli::guarded(cmd, noam::cli::cmd_race, rest);
    if (cmd == "dump") return noam::cli::guarded(cmd, noam::cli::cmd_dump, rest);
    if (cmd == "generate") return noam::cli::guarded(cmd, noam::cli::cmd_generate, rest);
    if (cmd == "bench") return noam::cli::guarded(cmd, noam::cli::cmd_bench, rest);
    if (cmd == "check") return noam::cli::guarded(cmd, noam::cli::cmd_check, rest);
    if (cmd == "lesson") return noam::cli::guarded(cmd, noam::cli::cmd_lesson, rest);
    if (cmd == "export-torch") return noam::cli::guarded(cmd, noam::cli::cmd_export_torch, rest);
    if (cmd == "render") return noam::cli::guarded(cmd, noam::cli::cmd_render, rest);
    if (cmd == "info") return noam::cli::guarded(cmd, noam::cli::cmd_info, rest);
    std::fprintf(stderr, "noamlab: unknown command '%s' (see noamlab help)\n", cmd.c_str());
    return 2;
}
