// wrap_mixed: Chinese breaks between characters, never inside a number or a Latin word, closing punctuation
// stays with the character before it. Every character is 1 wide (CJK 2) so the lines can be worked out by hand.
#include <gtest/gtest.h>

#include "text_wrap.h"

using namespace noam::viz;

namespace {
float width_of(unsigned c) { return c >= 0x2E80 ? 2.0f : 1.0f; }
std::string wrap(const std::string& s, float w) { return wrap_mixed(s, w, width_of); }
}  // namespace

TEST(TextWrap, HasCjk) {
    EXPECT_TRUE(has_cjk("容量 0.5"));
    EXPECT_FALSE(has_cjk("capacity 0.5 (half)"));
}

TEST(TextWrap, ChineseBreaksBetweenCharactersButNotInsideANumber) {
    // ImGui's own wrapping would break after "0." here; these rules keep "0.5" whole on the next line
    EXPECT_EQ(wrap("容量因子0.5很小", 10), "容量因子\n0.5很小");
    EXPECT_EQ(wrap("一二三四五六", 6), "一二三\n四五六");
}

TEST(TextWrap, ClosingPunctuationStaysWithTheCharacterBefore) {
    // "，" may not start a line: it hangs past the edge on the line of "二"
    EXPECT_EQ(wrap("一二，三四", 4), "一二，\n三四");
    // and a line never starts with it even when breaking early
    EXPECT_EQ(wrap("一二三，四", 4), "一二\n三，\n四");
    // an opening bracket may not end a line; a closing one hangs past the edge rather than start a line
    EXPECT_EQ(wrap("一（二）", 4), "一\n（二）");
}

TEST(TextWrap, LatinWordsBreakAtSpacesAndTheSpaceIsDropped) {
    EXPECT_EQ(wrap("中 abc def", 7), "中 abc\ndef");
    EXPECT_EQ(wrap("abcdefgh", 3), "abc\ndef\ngh") << "a word wider than the line is cut where it must be";
}

TEST(TextWrap, NewlinesAreKeptAndNothingIsLost) {
    EXPECT_EQ(wrap("一二\n三", 10), "一二\n三");
    const std::string s = "论文指出：容量因子越大，丢弃的词元越少，但会耗费更多内存和计算（空槽位要填充）；Switch 发现 1.0 到 1.25 是较好的折中。";
    std::string joined;
    for (char c : wrap(s, 17)) if (c != '\n') joined += c;
    // only break spaces disappear: the text without newlines equals the original minus the spaces at breaks
    EXPECT_LE(joined.size(), s.size());
    EXPECT_GE(joined.size() + 4, s.size());
    EXPECT_NE(wrap(s, 17).find("1.25"), std::string::npos);
}
