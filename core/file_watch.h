// Notices when a file changes on disk (modification time or size), for hot reload of lessons.
// Polled by the caller (the window polls a few times a second): no threads, no OS-specific API.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

namespace noam {

class FileWatch {
public:
    FileWatch() = default;
    explicit FileWatch(std::string path) : path_(std::move(path)) { changed(); }
    const std::string& path() const { return path_; }
    // true once after each change since the last call (and after the file appears or disappears)
    bool changed();

private:
    std::string path_;
    std::filesystem::file_time_type mtime_{};
    uintmax_t size_ = 0;
    bool exists_ = false;
};

}  // namespace noam
