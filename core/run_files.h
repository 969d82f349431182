// The runs folder of the window: default names for saved runs that never overwrite a file, and the list of the
// .noamrun files a folder holds. No GUI code here.
#pragma once
#include <string>
#include <vector>

namespace noam {

// s with everything but letters, digits, '-', '_' and '.' replaced by '-' (a label or a task name as part of a
// file name); "run" when nothing is left.
std::string file_name_part(const std::string& s);

// dir/stem.noamrun, or the first of dir/stem-2.noamrun, dir/stem-3.noamrun ... that does not exist yet. Creates
// dir when it is missing; throws std::runtime_error naming the folder when it cannot.
std::string free_run_path(const std::string& dir, const std::string& stem);

// The .noamrun files directly in dir, newest first (by modification time, then name); empty when dir is missing.
std::vector<std::string> list_run_files(const std::string& dir);

}  // namespace noam
