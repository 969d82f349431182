// The desktop app's entry point: `noamlab` (the first lesson) and `noamlab gui [LESSON.json | CONFIG.json] [flags]`.
#pragma once
#include <string>
#include <vector>

namespace noam::viz {

// args: the words after "gui" (empty for plain `noamlab`). Returns the process exit code:
// 0 done, 1 no display / no GL context / --train-steps not reached, 2 bad flag, config or lesson.
int gui_main(const std::vector<std::string>& args);

struct GuiOptions;
// The window with options already parsed: gui_main after its flags, and `noamlab render` (options.render).
// With render, no display is exit code 2 (the command cannot do its job: a usage problem, not a failure).
int gui_run(const GuiOptions& options);

}  // namespace noam::viz
