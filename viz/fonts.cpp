// Font atlas building from the glyphs in use.
#include "fonts.h"

#include <chrono>
#include <filesystem>

#include <backends/imgui_impl_opengl3.h>

namespace noam::viz {

namespace {

std::string first_existing(std::initializer_list<const char*> paths) {
    std::error_code ec;
    for (const char* p : paths)
        if (std::filesystem::is_regular_file(p, ec)) return p;
    return "";
}

// Symbols the UI itself draws, beyond Latin-1: arrows, dashes, the tokenizer's visible space and newline.
const char* kUiSymbols = "–—‘’“”…•·→←↑↓×≈≤≥−▶◀■●○⏎␣√∑λ✓✗☰§";

}  // namespace

FontSet::FontSet() : known_(0x10000, false) {
    regular_path_ = first_existing({"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"});
    mono_path_ = first_existing({"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"});
    bold_path_ = first_existing({"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"});
    cjk_path_ = first_existing({"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
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
        if (with_cjk && !cjk_path_.empty() && !extra_.empty()) {
            ImFontConfig cfg;
            cfg.MergeMode = true;  // glyphs the first font lacks come from here; existing ones stay
            cfg.OversampleH = 1;
            cfg.OversampleV = 1;
            io.Fonts->AddFontFromFileTTF(cjk_path_.c_str(), px, &cfg, ranges_.Data);
        }
        return f;
    };
    const float s = scale_;
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

}  // namespace noam::viz
