// Back buffer -> PNG, with Debian's libstb (the implementation lives in libstb.so: no
// STB_IMAGE_WRITE_IMPLEMENTATION here).
#include "screenshot.h"

#include <cstring>
#include <vector>

#include <GL/gl.h>
#include <stb/stb_image_write.h>

namespace noam::viz {

bool write_back_buffer_png(const std::string& path, int width, int height, std::string& error) {
    if (width <= 0 || height <= 0) {
        error = "empty framebuffer";
        return false;
    }
    std::vector<unsigned char> pixels((size_t)width * height * 3), flipped(pixels.size());
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    const size_t row = (size_t)width * 3;
    for (int y = 0; y < height; y++)  // GL's row 0 is the bottom
        std::memcpy(flipped.data() + (size_t)y * row, pixels.data() + (size_t)(height - 1 - y) * row, row);
    if (!stbi_write_png(path.c_str(), width, height, 3, flipped.data(), (int)row)) {
        error = "cannot write " + path;
        return false;
    }
    return true;
}

}  // namespace noam::viz
