// The lessons on disk for the lesson list: every *.json of a folder (not its sub-folders: lessons/zh/ holds translations) (in the order their papers came out, then by file name), loaded and
// grouped by paper, with the one-line error of a file that does not load, and the steps each lesson has
// shown this session (its progress, kept in memory only). No ImGui: tested in tests/viz_unit/.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "file_watch.h"
#include "lesson.h"

namespace noam::viz {

struct LessonEntry {
    std::string file;                  // as found (folder + name), or as given for a lesson opened from elsewhere
    std::string error;                 // load_lesson's one-line message; "" when the file loads
    std::shared_ptr<const Lesson> lesson;  // null when it does not load
    bool outside = false;              // opened from outside the folder (listed too)
    std::string key;                   // canonical_path(file): the same file however it is spelled
    std::string name() const;          // the file name without its folder
};

struct PaperGroup {
    std::string title;                 // "Attention Is All You Need"; "" for the files that do not load
    int year = 0;
    std::vector<int> entries;          // indices into LessonLibrary::entries(), in file-name order
};

class LessonLibrary {
public:
    LessonLibrary() = default;
    explicit LessonLibrary(std::string dir) : dir_(std::move(dir)) {}

    const std::string& dir() const { return dir_; }
    // Lists the folder and (re)loads every file that is new or changed since the last call; forgets files
    // that are gone. Returns true when anything changed. Cheap: one directory listing and a stat per file.
    bool refresh();
    // A lesson opened from outside the folder: listed too, and refreshed like the others. Returns its index.
    int add_file(const std::string& path);
    // The language the lessons load in (load_lesson(file, lang): a missing translation stays English); reloads
    // every lesson when it changes.
    void set_language(const std::string& lang);
    const std::string& language() const { return lang_; }

    const std::vector<LessonEntry>& entries() const { return entries_; }
    // papers in the order of their first lesson; the files that do not load last, in a group of their own
    std::vector<PaperGroup> groups() const;
    int find(const std::string& path) const;  // the entry of a file (same file, however it is spelled), or -1
    int first_valid() const;                  // the first lesson that loads, in file-name order, or -1

    // progress for the session
    void mark_seen(const std::string& file, int step_index);
    int seen_count(const std::string& file) const;
    int seen_count(const LessonEntry& e) const;  // without touching the disk (the list draws every frame)

private:
    void load(LessonEntry& e);
    std::string dir_;
    std::string lang_ = "en";
    std::vector<LessonEntry> entries_;
    std::map<std::string, FileWatch> watches_;       // by canonical path
    std::map<std::string, std::set<int>> seen_;      // by canonical path
    std::vector<std::string> extra_files_;
};

// The same file however it is spelled (./lessons/a.json, /abs/lessons/a.json): a canonical path when the
// file exists, else the path made absolute.
std::string canonical_path(const std::string& path);

}  // namespace noam::viz
