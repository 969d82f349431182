// Back buffer -> pixels -> PNG, with Debian's libstb (the implementation lives in libstb.so: no
// STB_IMAGE_WRITE_IMPLEMENTATION here).
#include "screenshot.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include <GL/gl.h>
#include <stb/stb_image_write.h>

#include "atomic_file.h"

namespace noam::viz {

std::vector<uint8_t> read_back_buffer_rgb(int width, int height) {
    if (width <= 0 || height <= 0) return {};
    std::vector<uint8_t> pixels((size_t)width * height * 3), flipped(pixels.size());
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    const size_t row = (size_t)width * 3;
    for (int y = 0; y < height; y++)  // GL's row 0 is the bottom
        std::memcpy(flipped.data() + (size_t)y * row, pixels.data() + (size_t)(height - 1 - y) * row, row);
    return flipped;
}

std::vector<uint8_t> crop_rgb(const std::vector<uint8_t>& rgb, int width, int height, Rect r, int& out_w, int& out_h) {
    const int x0 = std::clamp((int)std::lround(r.x), 0, width), y0 = std::clamp((int)std::lround(r.y), 0, height);
    const int x1 = std::clamp((int)std::lround(r.right()), 0, width), y1 = std::clamp((int)std::lround(r.bottom()), 0, height);
    out_w = std::max(0, x1 - x0);
    out_h = std::max(0, y1 - y0);
    if (out_w == 0 || out_h == 0 || rgb.size() < (size_t)width * height * 3) {
        out_w = out_h = 0;
        return {};
    }
    std::vector<uint8_t> out((size_t)out_w * out_h * 3);
    for (int y = 0; y < out_h; y++)
        std::memcpy(out.data() + (size_t)y * out_w * 3, rgb.data() + ((size_t)(y0 + y) * width + x0) * 3, (size_t)out_w * 3);
    return out;
}

std::string encode_png(const std::vector<uint8_t>& rgb, int width, int height) {
    std::string png;
    auto append = [](void* context, void* data, int size) { static_cast<std::string*>(context)->append((const char*)data, size); };
    if (width <= 0 || height <= 0 || !stbi_write_png_to_func(append, &png, width, height, 3, rgb.data(), width * 3))
        return {};
    return png;
}

bool write_back_buffer_png(const std::string& path, int width, int height, std::string& error) {
    if (width <= 0 || height <= 0) {
        error = "empty framebuffer";
        return false;
    }
    const std::string png = encode_png(read_back_buffer_rgb(width, height), width, height);
    if (png.empty()) {
        error = "cannot encode " + path + " as PNG";
        return false;
    }
    try {
        write_file_atomic(path, png);
    } catch (const std::exception& e) {
        error = e.what();
        return false;
    }
    return true;
}

}  // namespace noam::viz
