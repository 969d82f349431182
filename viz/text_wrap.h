// Line breaking for text that mixes Chinese and Latin. Dear ImGui 1.86 wraps only at spaces and after . , ; ! ?
// and ", so a Chinese sentence (no spaces) breaks wherever a '.' happens to fall: inside "0.5". These rules also
// break between CJK characters, never inside a number or a Latin word, keep closing punctuation (，。）) on the
// line of the character before it and opening punctuation (（「) with the one after it.
#pragma once
#include <functional>
#include <string>

namespace noam::viz {

bool has_cjk(const std::string& utf8);

// text with '\n' inserted where the lines break (the spaces at a break dropped), so that no line is wider than
// width as measured by advance(code point); a single unit wider than width gets a line of its own.
std::string wrap_mixed(const std::string& utf8, float width, const std::function<float(unsigned)>& advance);

// ImGui::TextUnformatted wrapped at width (<= 0: the content region's width) in the current font and colour:
// ImGui's own wrapping for text without CJK characters, wrap_mixed's for text with them.
void TextWrappedMixed(const std::string& utf8, float width = 0.0f);

}  // namespace noam::viz
