// An RGBA texture for ImGui::Image / ImDrawList::AddImage, nearest-neighbour filtered so heatmap cells
// stay crisp. Owns its GL name; needs a current GL context to upload and to be destroyed.
#pragma once
#include <cstdint>

#include <imgui.h>

namespace noam::viz {

class Texture {
public:
    Texture() = default;
    ~Texture();
    Texture(const Texture&) = delete;
    Texture& operator=(const Texture&) = delete;

    // pixels: (h, w) in ImU32 layout (R in the low byte), row 0 at the top
    void upload(const uint32_t* pixels, int w, int h);
    void release();
    ImTextureID id() const { return (ImTextureID)(intptr_t)name_; }
    bool valid() const { return name_ != 0; }
    int width() const { return w_; }
    int height() const { return h_; }

private:
    unsigned int name_ = 0;
    int w_ = 0, h_ = 0;
};

}  // namespace noam::viz
