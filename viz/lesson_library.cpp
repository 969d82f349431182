// The lesson folder: listing, loading, grouping by paper, progress.
#include "lesson_library.h"

#include <algorithm>
#include <filesystem>

namespace noam::viz {

namespace fs = std::filesystem;

std::string canonical_path(const std::string& path) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::path(path), ec);
    if (ec) p = fs::absolute(fs::path(path), ec);
    return p.lexically_normal().string();
}

std::string LessonEntry::name() const { return fs::path(file).filename().string(); }

void LessonLibrary::load(LessonEntry& e) {
    try {
        e.lesson = std::make_shared<const Lesson>(load_lesson(e.file, lang_));
        e.error.clear();
    } catch (const std::exception& ex) {
        e.lesson.reset();
        e.error = ex.what();
    }
}

bool LessonLibrary::refresh() {
    std::vector<std::string> files;
    std::error_code ec;
    if (!dir_.empty())
        for (const auto& d : fs::directory_iterator(dir_, ec))
            if (d.path().extension() == ".json") files.push_back(d.path().string());
    std::sort(files.begin(), files.end());
    const size_t in_folder = files.size();
    std::vector<std::string> keys;
    for (const auto& f : files) keys.push_back(canonical_path(f));
    for (const auto& f : extra_files_) {
        const std::string k = canonical_path(f);
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
            files.push_back(f);
            keys.push_back(k);
        }
    }

    bool changed = files.size() != entries_.size();
    std::vector<LessonEntry> next;
    next.reserve(files.size());
    for (size_t i = 0; i < files.size(); i++) {
        LessonEntry e;
        const auto old = std::find_if(entries_.begin(), entries_.end(), [&](const LessonEntry& x) { return x.key == keys[i]; });
        const bool had = old != entries_.end();
        if (had) e = *old;  // reuse what we loaded for this file
        e.file = files[i];
        e.key = keys[i];
        e.outside = i >= in_folder;
        auto [w, inserted] = watches_.try_emplace(keys[i], files[i]);
        const bool file_changed = w->second.changed();  // false right after construction
        if (!had || file_changed) {
            load(e);
            changed = true;
        }
        next.push_back(std::move(e));
    }
    // the folder's lessons in the order the papers came out (then by file name): the course follows the history,
    // "Attention Is All You Need" (2017) first; broken files at the end of the folder's part
    auto year = [](const LessonEntry& e) { return e.lesson ? e.lesson->paper.year : 9999; };
    std::stable_sort(next.begin(), next.begin() + in_folder, [&](const LessonEntry& a, const LessonEntry& b) {
        return year(a) != year(b) ? year(a) < year(b) : a.file < b.file;
    });
    if (!changed)
        for (size_t i = 0; i < next.size() && !changed; i++) changed = next[i].key != entries_[i].key;
    entries_ = std::move(next);
    return changed;
}

int LessonLibrary::add_file(const std::string& path) {
    if (find(path) < 0) {
        extra_files_.push_back(path);
        refresh();
    }
    return find(path);
}

void LessonLibrary::set_language(const std::string& lang) {
    if (lang == lang_) return;
    lang_ = lang;
    for (LessonEntry& e : entries_) load(e);
}

int LessonLibrary::find(const std::string& path) const {
    const std::string c = canonical_path(path);
    for (size_t i = 0; i < entries_.size(); i++)
        if (entries_[i].key == c) return (int)i;
    return -1;
}

int LessonLibrary::first_valid() const {
    // folder files come first in entries_, in the papers' order
    for (size_t i = 0; i < entries_.size(); i++)
        if (entries_[i].lesson && !entries_[i].outside) return (int)i;
    for (size_t i = 0; i < entries_.size(); i++)
        if (entries_[i].lesson) return (int)i;
    return -1;
}

std::vector<PaperGroup> LessonLibrary::groups() const {
    std::vector<PaperGroup> out;
    PaperGroup broken;
    for (size_t i = 0; i < entries_.size(); i++) {
        const LessonEntry& e = entries_[i];
        if (!e.lesson) {
            broken.entries.push_back((int)i);
            continue;
        }
        auto g = std::find_if(out.begin(), out.end(), [&](const PaperGroup& p) {
            return p.title == e.lesson->paper.title && p.year == e.lesson->paper.year;
        });
        if (g == out.end()) {
            out.push_back({e.lesson->paper.title, e.lesson->paper.year, {}});
            g = out.end() - 1;
        }
        g->entries.push_back((int)i);
    }
    if (!broken.entries.empty()) out.push_back(std::move(broken));
    return out;
}

void LessonLibrary::mark_seen(const std::string& file, int step_index) {
    if (step_index >= 0) seen_[canonical_path(file)].insert(step_index);
}

int LessonLibrary::seen_count(const std::string& file) const {
    auto it = seen_.find(canonical_path(file));
    return it == seen_.end() ? 0 : (int)it->second.size();
}

int LessonLibrary::seen_count(const LessonEntry& e) const {
    auto it = seen_.find(e.key);
    return it == seen_.end() ? 0 : (int)it->second.size();
}

}  // namespace noam::viz
