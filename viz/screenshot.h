// The back buffer as pixels and PNG files (call after rendering, before swapping buffers).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "layout.h"

namespace noam::viz {

// width x height RGB pixels of the back buffer, as top-down rows (GL's row 0 is the bottom).
std::vector<uint8_t> read_back_buffer_rgb(int width, int height);

// Top-down RGB rows of a width x height picture cropped to r (pixels, rounded to whole pixels and clamped to
// the picture); out_w x out_h is the crop's size (0 x 0 and empty when r misses the picture).
std::vector<uint8_t> crop_rgb(const std::vector<uint8_t>& rgb, int width, int height, Rect r, int& out_w, int& out_h);

// PNG bytes of top-down RGB rows (Debian's libstb).
std::string encode_png(const std::vector<uint8_t>& rgb, int width, int height);

// Writes the back buffer as a PNG, atomically (core/atomic_file.h). Returns false (and says why in error) if
// the file cannot be written.
bool write_back_buffer_png(const std::string& path, int width, int height, std::string& error);

}  // namespace noam::viz
