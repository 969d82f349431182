// The noamlab subcommands. Each takes the arguments after its name and returns the exit code:
// 0 success, 1 the work failed (e.g. training diverged), 2 bad usage or bad input files.
#pragma once
#include <string>
#include <vector>

namespace noam::cli {

int cmd_train(const std::vector<std::string>& args);
int cmd_dump(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_check(const std::vector<std::string>& args);
int cmd_lesson(const std::vector<std::string>& args);
int cmd_race(const std::vector<std::string>& args);
int cmd_info(const std::vector<std::string>& args);
int cmd_generate(const std::vector<std::string>& args);
int cmd_export_torch(const std::vector<std::string>& args);
int cmd_render(const std::vector<std::string>& args);  // the window in render mode (needs a display)

// runs fn, turning UsageError / ConfigError / std::exception into one line on stderr and exit code 2
int guarded(const std::string& command, int (*fn)(const std::vector<std::string>&), const std::vector<std::string>& args);

}  // namespace noam::cli
