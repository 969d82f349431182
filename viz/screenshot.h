// Writes the current back buffer as a PNG (call after rendering, before swapping buffers).
#pragma once
#include <string>

namespace noam::viz {

// Reads width x height RGB pixels of the back buffer, flips them to top-down rows and writes a PNG with
// stb_image_write. Returns false (and says why in error) if the file cannot be written.
bool write_back_buffer_png(const std::string& path, int width, int height, std::string& error);

}  // namespace noam::viz
