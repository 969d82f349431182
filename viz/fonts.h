// The fonts: DejaVu Sans (text; a larger size for a lesson's narrative), DejaVu Sans Mono (tokens), DejaVu
// Sans Bold (headline numbers, a lesson step's title), at the UI scale, with CJK glyphs merged from Noto Sans CJK SC
// (fonts-noto-cjk) or else WenQuanYi Micro Hei (fonts-wqy-microhei) when one is installed. The atlas holds
// only the glyphs in use (ImFontGlyphRangesBuilder over the strings shown), so it stays small and builds in
// milliseconds; new characters (a Chinese corpus, the interface in Chinese) trigger a rebuild between frames.
// The CJK font is read only once a CJK character is asked for: an English start-up never opens it.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

namespace noam::viz {

class FontSet {
public:
    ImFont* regular = nullptr;
    ImFont* mono = nullptr;
    ImFont* heading = nullptr;
    ImFont* small = nullptr;
    ImFont* body = nullptr;     // a lesson's narrative: read from the back of a classroom
    ImFont* title = nullptr;    // a lesson step's title

    FontSet();
    // Remember the characters of text; if some are new and a font can draw them, the next
    // rebuild_if_needed() adds them to the atlas.
    void request_text(const std::string& utf8);
    void set_scale(float s);
    float scale() const { return scale_; }
    bool has_cjk_font() const { return !cjk_path_.empty(); }
    const char* cjk_font_name() const;   // "Noto Sans CJK SC", "WenQuanYi Micro Hei" or ""
    bool cjk_loaded() const { return cjk_loaded_; }  // the last atlas build merged the CJK font
    // The distinct characters of utf8 (not spaces or control characters) that the regular and body fonts
    // cannot draw (they would show as '?'): 0 when every glyph is in the atlas. Meaningful after a rebuild.
    int missing_glyphs(const std::string& utf8) const;
    bool dejavu() const { return !regular_path_.empty(); }
    // Call between frames (before NewFrame). Rebuilds the atlas and, when the GL device objects already
    // exist, the font texture. Returns true when it rebuilt.
    bool rebuild_if_needed(bool gl_ready);
    double last_build_ms() const { return last_build_ms_; }

private:
    float scale_ = 1.0f;
    bool dirty_ = true;
    bool need_cjk_ = false, cjk_loaded_ = false;
    int cjk_font_no_ = 0;           // the face in a collection (.ttc): Noto Sans CJK's SC face is number 2
    std::vector<bool> known_;       // code point (BMP) -> in the atlas or requested
    std::vector<ImWchar> extra_;    // requested code points beyond Latin-1, in order of first sight
    ImVector<ImWchar> ranges_;      // kept alive while the atlas refers to it
    std::string regular_path_, mono_path_, bold_path_, cjk_path_;
    std::vector<char> cjk_data_;    // the CJK font file, read at the first build that needs it
    double last_build_ms_ = 0;
};

// Decodes UTF-8 (invalid bytes become U+FFFD, one byte each) and calls f(code_point, begin, end) for each
// character, with its byte range [begin, end) in s.
template <class F>
void for_each_code_point_at(const std::string& s, F f) {
    const unsigned char* const start = (const unsigned char*)s.data();
    const unsigned char* p = start;
    const unsigned char* end = p + s.size();
    while (p < end) {
        const size_t at = (size_t)(p - start);
        unsigned c = *p;
        int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (n < 0 || end - p <= n) {  // not a lead byte, or the sequence is cut short
            f(0xFFFDu, at, at + 1);
            p++;
            continue;
        }
        unsigned cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
        bool ok = true;
        for (int k = 1; k <= n; k++) {
            if ((p[k] & 0xC0) != 0x80) { ok = false; break; }
            cp = (cp << 6) | (p[k] & 0x3F);
        }
        if (!ok) {
            f(0xFFFDu, at, at + 1);
            p++;
            continue;
        }
        f(cp, at, at + n + 1);
        p += n + 1;
    }
}

// Decodes UTF-8 (invalid bytes become U+FFFD) and calls f(code_point) for each character.
template <class F>
void for_each_code_point(const std::string& s, F f) {
    for_each_code_point_at(s, [&](unsigned cp, size_t, size_t) { f(cp); });
}

}  // namespace noam::viz
