// Line breaking for mixed Chinese / Latin text (see text_wrap.h).
#include "text_wrap.h"

#include <vector>

#include <imgui.h>

#include "fonts.h"

namespace noam::viz {

namespace {

bool is_cjk(unsigned c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0xAC00 && c <= 0xD7AF);
}

// never at the start of a line
bool is_closing(unsigned c) {
    for (unsigned x : {0xFF0Cu, 0x3002u, 0x3001u, 0xFF1Bu, 0xFF1Au, 0xFF01u, 0xFF1Fu, 0xFF09u, 0x300Du, 0x300Fu, 0x3011u,
                       0x300Bu, 0x3009u, (unsigned)',', (unsigned)'.', (unsigned)';', (unsigned)':', (unsigned)'!',
                       (unsigned)'?', (unsigned)')'})
        if (c == x) return true;
    return false;
}

// never at the end of a line
bool is_opening(unsigned c) {
    for (unsigned x : {0xFF08u, 0x300Cu, 0x300Eu, 0x3010u, 0x300Au, 0x3008u, (unsigned)'('})
        if (c == x) return true;
    return false;
}

struct Glyph {
    unsigned cp;
    size_t begin, end;  // bytes
};

}  // namespace

bool has_cjk(const std::string& utf8) {
    bool any = false;
    for_each_code_point(utf8, [&](unsigned c) { any = any || is_cjk(c); });
    return any;
}

std::string wrap_mixed(const std::string& utf8, float width, const std::function<float(unsigned)>& advance) {
    // the code points with their byte ranges
    std::vector<Glyph> g;
    for_each_code_point_at(utf8, [&](unsigned c, size_t begin, size_t end) { g.push_back({c, begin, end}); });
    // may a line break between g[i-1] and g[i]?
    auto can_break_before = [&](size_t i) {
        const unsigned a = g[i - 1].cp, b = g[i].cp;
        if (b == ' ') return false;  // the space ends the line it is on
        if (a == ' ') return true;
        if (is_closing(b) || is_opening(a)) return false;
        return is_cjk(a) || is_cjk(b);
    };
    std::string out;
    size_t start = 0;  // the first glyph of the current line
    while (start < g.size()) {
        float w = 0;
        size_t i = start, last_break = start;
        bool hard = false;
        for (; i < g.size(); i++) {
            if (g[i].cp == '\n') {
                hard = true;
                break;
            }
            if (i > start && can_break_before(i)) last_break = i;
            w += advance(g[i].cp);
            if (w > width && i > start && !is_closing(g[i].cp)) break;  // closing punctuation may hang past the edge
        }
        size_t end = i;  // the line is [start, end)
        if (!hard && i < g.size()) end = last_break > start ? last_break : i;  // too wide: the last break, else here
        size_t trim = end;
        while (trim > start && g[trim - 1].cp == ' ') trim--;
        out.append(utf8, g[start].begin, (trim > start ? g[trim - 1].end : g[start].begin) - g[start].begin);
        if (end >= g.size()) break;
        out += '\n';
        start = end;
        if (g[start].cp == '\n') start++;
        else
            while (start < g.size() && g[start].cp == ' ') start++;
    }
    return out;
}

void TextWrappedMixed(const std::string& utf8, float width) {
    if (width <= 0) width = ImGui::GetContentRegionAvail().x;
    if (!has_cjk(utf8)) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        ImGui::TextUnformatted(utf8.c_str(), utf8.c_str() + utf8.size());
        ImGui::PopTextWrapPos();
        return;
    }
    ImFont* font = ImGui::GetFont();
    const float scale = ImGui::GetFontSize() / font->FontSize;
    const std::string lines = wrap_mixed(utf8, width, [&](unsigned c) { return font->GetCharAdvance((ImWchar)c) * scale; });
    ImGui::PushTextWrapPos(-1.0f);  // the breaks are in the text: no wrapping on top of them
    ImGui::TextUnformatted(lines.c_str(), lines.c_str() + lines.size());
    ImGui::PopTextWrapPos();
}

}  // namespace noam::viz
