// Texture upload with plain OpenGL 1.1 entry points (exported by libGL; no loader needed).
#include "gl_texture.h"

#include <GL/gl.h>

namespace noam::viz {

Texture::~Texture() { release(); }

void Texture::release() {
    if (name_ != 0) {
        GLuint n = name_;
        glDeleteTextures(1, &n);
        name_ = 0;
    }
    w_ = h_ = 0;
}

void Texture::upload(const uint32_t* pixels, int w, int h) {
    if (w <= 0 || h <= 0) return;
    GLint last = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
    if (name_ == 0) {
        GLuint n = 0;
        glGenTextures(1, &n);
        name_ = n;
    }
    glBindTexture(GL_TEXTURE_2D, name_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    if (w != w_ || h != h_) {
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, 0x812F);  // GL_CLAMP_TO_EDGE
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, 0x812F);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
        w_ = w;
        h_ = h;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    }
    glBindTexture(GL_TEXTURE_2D, (GLuint)last);
}

}  // namespace noam::viz
