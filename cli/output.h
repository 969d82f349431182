// Writing the files the commands produce (histories, dumps, reports): one place, one way.
#pragma once
#include <string>

namespace noam::cli {

// Writes text to path through a temporary file beside it and a rename, so a failed write never leaves half a
// file (or destroys the previous one). Throws std::runtime_error("cannot write PATH") on failure.
void write_output_file(const std::string& path, const std::string& text);

}  // namespace noam::cli
