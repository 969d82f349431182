// The interface's translation: tr() looks up the table and falls back to English; every tr("...") literal in
// viz/ has a Chinese entry, the table has no entry nobody asks for, and a translated printf format takes the
// same arguments as the English one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <unistd.h>

#include "config.h"
#include "i18n.h"

using namespace noam;
using namespace noam::viz;
namespace fs = std::filesystem;

namespace {

// The literals of tr("...") and tr_title("...", ...) in viz/*.cpp, with C escapes undone (\" \\ \n).
std::set<std::string> tr_literals() {
    std::set<std::string> out;
    const std::regex call(R"re(\btr(?:_title|_later)?\("((?:[^"\\]|\\.)*)")re");
    for (const auto& e : fs::directory_iterator(std::string(NOAM_SOURCE_DIR) + "/viz")) {
        if (e.path().extension() != ".cpp") continue;
        std::ifstream f(e.path());
        std::string line;
        while (std::getline(f, line)) {
            const size_t first = line.find_first_not_of(" \t");
            if (first != std::string::npos && line.compare(first, 2, "//") == 0) continue;  // a comment
            for (std::sregex_iterator m(line.begin(), line.end(), call), end; m != end; ++m) {
                const std::string raw = (*m)[1];
                std::string s;
                for (size_t i = 0; i < raw.size(); i++) {
                    if (raw[i] == '\\' && i + 1 < raw.size()) {
                        const char c = raw[++i];
                        s += c == 'n' ? '\n' : c == 't' ? '\t' : c;
                    } else {
                        s += raw[i];
                    }
                }
                out.insert(s);
            }
        }
    }
    return out;
}

// "%s ... %d ... %.3f" -> "s d .3f": the conversions, in order ("%%" is not one)
std::string conversions(const std::string& f) {
    std::string out;
    for (size_t i = 0; i < f.size(); i++) {
        if (f[i] != '%') continue;
        if (i + 1 < f.size() && f[i + 1] == '%') {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < f.size() && std::string("-+ #0123456789.*lhzjt").find(f[j]) != std::string::npos) j++;
        out += f.substr(i + 1, j - i) + " ";
        i = j;
    }
    return out;
}

struct English {  // every test leaves the interface in English
    ~English() { set_ui_language("en"); }
};

}  // namespace

TEST(I18n, TrLooksUpTheTableAndFallsBackToEnglish) {
    English guard;
    const char* file = "File";
    EXPECT_STREQ(tr(file), "File");
    ASSERT_TRUE(set_ui_language("zh"));
    EXPECT_EQ(ui_language(), "zh");
    EXPECT_STREQ(tr("File"), "文件");
    EXPECT_STREQ(tr("Step %d / %d"), "第 %d / %d 步");
    const char* unknown = "a string nobody translated";
    EXPECT_EQ(tr(unknown), unknown) << "a missing entry shows the English text itself";
    EXPECT_EQ(tr_title("Loss", "loss"), "损失###loss") << "the ImGui ID after ### stays";
    EXPECT_NE(ui_language_text().find("文件"), std::string::npos);
    ASSERT_TRUE(set_ui_language("en"));
    EXPECT_STREQ(tr("File"), "File");
    EXPECT_EQ(tr_title("Loss", "loss"), "Loss###loss");
    EXPECT_EQ(ui_language_text(), "");
}

TEST(I18n, AnUnknownLanguageIsRefusedAndTheOldOneStays) {
    English guard;
    ASSERT_TRUE(set_ui_language("zh"));
    std::string err;
    EXPECT_FALSE(set_ui_language("fr", &err));
    EXPECT_NE(err.find("unknown language \"fr\""), std::string::npos) << err;
    EXPECT_EQ(ui_language(), "zh");
    EXPECT_STREQ(tr("File"), "文件");
    EXPECT_STREQ(language_name("zh"), "中文");
    EXPECT_STREQ(language_name("en"), "English");
}

TEST(I18n, ABrokenTableNamesTheFileAndTheEntry) {
    const fs::path p = fs::temp_directory_path() / ("noam_i18n_" + std::to_string(::getpid()) + ".json");
    std::ofstream(p) << R"({"File": "文件", "Quit": 3})";
    try {
        read_translation_table(p.string());
        ADD_FAILURE() << "a number as a translation was accepted";
    } catch (const ConfigError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(p.string() + ": /Quit: expected the translation as a non-empty string"), std::string::npos) << msg;
    }
    fs::remove(p);
}

TEST(I18n, EveryInterfaceStringHasAChineseEntryAndNoEntryIsStale) {
    const std::set<std::string> used = tr_literals();
    ASSERT_GE(used.size(), 100u) << "the scan of viz/*.cpp found too few tr() calls: is the pattern still right?";
    const auto table = read_translation_table(translation_table_path("zh"));
    for (const std::string& s : used) EXPECT_TRUE(table.count(s)) << "no zh entry (assets/i18n/zh.json) for: \"" << s << "\"";
    for (const auto& [en, zh] : table) {
        EXPECT_TRUE(used.count(en)) << "stale zh entry (no tr(\"...\") in viz/ asks for it): \"" << en << "\"";
        EXPECT_EQ(conversions(en), conversions(zh)) << "the translated format takes other arguments: \"" << en << "\" -> \"" << zh << "\"";
    }
}
