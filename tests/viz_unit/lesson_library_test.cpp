// The lesson folder: listing in file-name order, grouping by paper, broken files listed with their one-line
// error, reloading a changed file, a lesson opened from elsewhere, and progress.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <unistd.h>

#include "lesson_library.h"

using namespace noam::viz;
namespace fs = std::filesystem;

namespace {

std::string lesson_json(const std::string& id, const std::string& paper, int year, const std::string& title = "A title") {
    return R"({"id": ")" + id + R"(", "title": ")" + title + R"(", "paper": {"title": ")" + paper +
           R"(", "authors": "X", "year": )" + std::to_string(year) + R"(}, "minutes": 3,
      "run": {"model": {"d_model": 16, "n_heads": 2, "n_layers": 1, "d_ff": 32, "seq_len": 16},
              "data": {"task": "copy", "digits": 5}},
      "steps": [{"title": "s1", "text": "t", "panels": ["loss"]}, {"title": "s2", "text": "t", "panels": ["loss"]}]})";
}

void write(const fs::path& p, const std::string& text) {
    std::ofstream f(p);
    f << text;
}

struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& tag = "") {
        path = fs::path(::testing::TempDir()) / ("noam_lessons_" + std::to_string(::getpid()) + "_" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + tag);
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(LessonLibrary, GroupsByPaperAndListsBrokenFiles) {
    TempDir d;
    write(d.path / "b-second.json", lesson_json("b", "Paper One", 2017));
    write(d.path / "a-first.json", lesson_json("a", "Paper One", 2017));
    write(d.path / "c-other.json", lesson_json("c", "Paper Two", 2020));
    write(d.path / "0-newer.json", lesson_json("n", "Paper Three", 2021));
    write(d.path / "0-broken.json", "{\"id\": \"x\",");
    write(d.path / "notes.txt", "not a lesson");
    LessonLibrary lib(d.path.string());
    EXPECT_TRUE(lib.refresh());
    ASSERT_EQ(lib.entries().size(), 5u) << "only *.json files";
    EXPECT_EQ(lib.entries()[0].name(), "a-first.json") << "in the order of the papers' years, then by file name";
    EXPECT_EQ(lib.entries()[3].name(), "0-newer.json") << "a later paper after the earlier ones whatever its name";
    const LessonEntry& broken = lib.entries()[4];
    EXPECT_EQ(broken.name(), "0-broken.json") << "broken files after the lessons";
    EXPECT_FALSE(broken.lesson);
    EXPECT_FALSE(broken.error.empty());
    EXPECT_EQ(broken.error.find('\n'), std::string::npos) << "one line: " << broken.error;
    EXPECT_EQ(lib.first_valid(), 0) << "the first lesson of the earliest paper";
    const auto groups = lib.groups();
    ASSERT_EQ(groups.size(), 4u);
    EXPECT_EQ(groups[0].title, "Paper One");
    EXPECT_EQ(groups[0].year, 2017);
    ASSERT_EQ(groups[0].entries.size(), 2u);
    EXPECT_EQ(lib.entries()[groups[0].entries[0]].lesson->id, "a");
    EXPECT_EQ(groups[1].title, "Paper Two");
    EXPECT_EQ(groups[2].title, "Paper Three");
    EXPECT_EQ(groups[3].title, "") << "broken files last, in a group of their own";
    EXPECT_FALSE(lib.refresh()) << "nothing changed";
}

TEST(LessonLibrary, ReloadsAChangedFileAndForgetsARemovedOne) {
    TempDir d;
    write(d.path / "a.json", lesson_json("a", "P", 2017, "Old title"));
    write(d.path / "b.json", lesson_json("b", "P", 2017));
    LessonLibrary lib(d.path.string());
    lib.refresh();
    ASSERT_EQ(lib.entries()[0].lesson->title, "Old title");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write(d.path / "a.json", lesson_json("a", "P", 2017, "A new, longer title"));
    fs::remove(d.path / "b.json");
    EXPECT_TRUE(lib.refresh());
    ASSERT_EQ(lib.entries().size(), 1u);
    ASSERT_TRUE(lib.entries()[0].lesson);
    EXPECT_EQ(lib.entries()[0].lesson->title, "A new, longer title");
    // an edit that breaks the file: listed with its error
    write(d.path / "a.json", "{ broken");
    EXPECT_TRUE(lib.refresh());
    EXPECT_FALSE(lib.entries()[0].lesson);
    EXPECT_NE(lib.entries()[0].error.find("a.json"), std::string::npos) << lib.entries()[0].error;
}

TEST(LessonLibrary, AFileFromElsewhereIsListedAndProgressIsKept) {
    TempDir d, other("_other");
    write(d.path / "a.json", lesson_json("a", "P", 2017));
    write(other.path / "mine.json", lesson_json("mine", "Q", 2019));
    LessonLibrary lib(d.path.string());
    lib.refresh();
    const int i = lib.add_file((other.path / "mine.json").string());
    ASSERT_EQ(i, 1);
    EXPECT_TRUE(lib.entries()[i].outside);
    EXPECT_EQ(lib.first_valid(), 0) << "the folder's lessons come first";
    EXPECT_EQ(lib.find((other.path / "." / "mine.json").string()), i) << "the same file, spelled differently";
    EXPECT_EQ(lib.seen_count(lib.entries()[0]), 0);
    lib.mark_seen((d.path / "a.json").string(), 0);
    lib.mark_seen((d.path / "a.json").string(), 1);
    lib.mark_seen((d.path / "a.json").string(), 1);
    EXPECT_EQ(lib.seen_count(lib.entries()[0]), 2);
    lib.refresh();
    EXPECT_EQ(lib.seen_count((d.path / "a.json").string()), 2) << "progress outlives a refresh";
}

// lessons/zh/ holds translations: never listed as lessons; the library loads its lessons in the language asked for
TEST(LessonLibrary, TranslationsAreNotListedAndTheLanguageReloadsTheLessons) {
    TempDir d;
    write(d.path / "a.json", lesson_json("a", "Paper One", 2017, "Copying"));
    write(d.path / "b.json", lesson_json("b", "Paper One", 2017, "Sorting"));
    fs::create_directories(d.path / "zh");
    write(d.path / "zh" / "a.json", R"({"language": "zh", "translates": "a.json", "title": "复制",
        "steps": [{"title": "一", "text": "文"}, {"title": "二", "text": "文"}]})");
    LessonLibrary lib(d.path.string());
    lib.refresh();
    ASSERT_EQ(lib.entries().size(), 2u) << "zh/a.json is a translation, not a lesson";
    EXPECT_EQ(lib.entries()[0].lesson->title, "Copying");
    lib.set_language("zh");
    EXPECT_EQ(lib.language(), "zh");
    EXPECT_EQ(lib.entries()[0].lesson->title, "复制");
    EXPECT_EQ(lib.entries()[0].lesson->steps[1].title, "二");
    EXPECT_EQ(lib.entries()[1].lesson->title, "Sorting") << "not yet translated: English";
    EXPECT_NE(lib.entries()[1].lesson->translation_note.find("not yet translated"), std::string::npos);
    write(d.path / "c.json", lesson_json("c", "Paper Two", 2020, "New"));
    lib.refresh();
    ASSERT_EQ(lib.entries().size(), 3u);
    lib.set_language("en");
    EXPECT_EQ(lib.entries()[0].lesson->title, "Copying");
}
