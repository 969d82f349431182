// Font atlas building from the glyphs in use.
#include "fonts.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <backends/imgui_impl_opengl3.h>

namespace noam::viz {

namespace {

std::string first_existing(std::initializer_list<const char*> paths) {
    std::error_code ec;
    for (const char* p : paths)
        if (std::filesystem::is_regular_file(p, ec)) return p;
    return "";
}

// CJK punctuation, kana, ideographs, Hangul, compatibility ideographs, full-width forms: what the CJK font is for.
bool is_cjk(unsigned cp) {
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

// Symbols the UI itself draws, beyond Latin-1: arrows, dashes, the tokenizer's visible space and newline.
const char* kUiSymbols = "–—‘’“”…•·→←↑↓×≈≤≥−▶◀■●○⏎␣√∑λ✓✗☰§";

}  // namespace

FontSet::FontSet() : known_(0x10000, false) {
    regular_path_ = first_existing({"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"});
    mono_path_ = first_existing({"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"});
    bold_path_ = first_existing({"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"});
    // Noto Sans CJK (a collection: face 2 is Simplified Chinese) when installed, else WenQuanYi
    cjk_path_ = first_existing({"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"});
    if (!cjk_path_.empty()) cjk_font_no_ = 2;
    else cjk_path_ = first_existing({"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                                     "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"});
    for (unsigned c = 0; c < 0x100; c++) known_[c] = true;
    request_text(kUiSymbols);
    dirty_ = true;
}

void FontSet::request_text(const std::string& utf8) {
    for_each_code_point(utf8, [&](unsigned cp) {
        if (cp >= 0x10000 || known_[cp]) return;
        known_[cp] = true;
        extra_.push_back((ImWchar)cp);
        need_cjk_ = need_cjk_ || is_cjk(cp);
        // DejaVu covers Latin, Greek, Cyrillic and symbols, WenQuanYi the CJK; glyphs no font has are skipped
        // by the atlas builder and drawn as '?'
        dirty_ = true;
    });
}

void FontSet::set_scale(float s) {
    if (s != scale_) {
        scale_ = s;
        dirty_ = true;
    }
}

bool FontSet::rebuild_if_needed(bool gl_ready) {
    if (!dirty_) return false;
    const auto t0 = std::chrono::steady_clock::now();
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();

    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesDefault());  // Basic Latin + Latin-1
    for (ImWchar c : extra_) builder.AddChar(c);
    ranges_.clear();
    builder.BuildRanges(&ranges_);

    auto add = [&](const std::string& path, float px, bool with_cjk) -> ImFont* {
        ImFont* f = nullptr;
        if (!path.empty()) {
            ImFontConfig cfg;
            cfg.OversampleH = 2;
            cfg.OversampleV = 1;
            f = io.Fonts->AddFontFromFileTTF(path.c_str(), px, &cfg, ranges_.Data);
        }
        if (!f) {  // no DejaVu: ImGui's built-in font (ASCII), scaled
            ImFontConfig cfg;
            cfg.SizePixels = 13.0f * px / 16.0f;
            f = io.Fonts->AddFontDefault(&cfg);
        }
        if (with_cjk && cjk_loaded_) {
            ImFontConfig cfg;
            cfg.FontNo = cjk_font_no_;
            cfg.MergeMode = true;  // glyphs the first font lacks come from here; existing ones stay
            cfg.OversampleH = 1;
            cfg.OversampleV = 1;
            cfg.FontDataOwnedByAtlas = false;  // one copy of the file for all six sizes, read once
            io.Fonts->AddFontFromMemoryTTF(cjk_data_.data(), (int)cjk_data_.size(), px, &cfg, ranges_.Data);
        }
        return f;
    };
    const float s = scale_;
    if (need_cjk_ && !cjk_path_.empty() && cjk_data_.empty()) {
        std::ifstream f(cjk_path_, std::ios::binary | std::ios::ate);
        cjk_data_.resize(f ? (size_t)f.tellg() : 0);
        f.seekg(0);
        if (!f.read(cjk_data_.data(), (std::streamsize)cjk_data_.size())) cjk_data_.clear();
        if (cjk_data_.empty()) cjk_path_.clear();  // unreadable: no CJK glyphs ('?')
    }
    cjk_loaded_ = need_cjk_ && !cjk_data_.empty();
    regular = add(regular_path_, 16.0f * s, true);
    mono = add(mono_path_.empty() ? regular_path_ : mono_path_, 15.0f * s, true);
    heading = add(bold_path_.empty() ? regular_path_ : bold_path_, 22.0f * s, true);
    small = add(regular_path_, 13.0f * s, true);
    body = add(regular_path_, 19.0f * s, true);
    title = add(bold_path_.empty() ? regular_path_ : bold_path_, 27.0f * s, true);
    io.FontDefault = regular;
    io.Fonts->Build();

    if (gl_ready) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    dirty_ = false;
    last_build_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return true;
}

const char* FontSet::cjk_font_name() const {
    if (cjk_path_.empty()) return "";
    return cjk_font_no_ == 2 ? "Noto Sans CJK SC" : "WenQuanYi Micro Hei";
}

int FontSet::missing_glyphs(const std::string& utf8) const {
    std::vector<bool> seen(0x10000, false);
    int missing = 0;
    for_each_code_point(utf8, [&](unsigned cp) {
        if (cp < 0x21 || cp == 0x7F || cp == 0x3000 || cp >= 0x10000 || seen[cp]) return;  // spaces draw no glyph
        seen[cp] = true;
        for (const ImFont* f : {regular, body})
            if (!f || !f->FindGlyphNoFallback((ImWchar)cp)) {
                missing++;
                return;
            }
    });
    return missing;
}

}  // namespace noam::viz
