// Naming and listing saved runs in a folder.
#include "run_files.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace noam {

namespace fs = std::filesystem;

std::string file_name_part(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        const bool keep = std::isalnum(c) || c == '-' || c == '_' || c == '.';
        if (keep) out += (char)c;
        else if (out.empty() || out.back() != '-') out += '-';
    }
    while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
    while (!out.empty() && (out.front() == '-' || out.front() == '.')) out.erase(out.begin());
    return out.empty() ? "run" : out;
}

std::string free_run_path(const std::string& dir, const std::string& stem) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) throw std::runtime_error("cannot make the runs folder " + dir + ": " + ec.message());
    for (int k = 1;; k++) {
        const fs::path p = fs::path(dir) / (stem + (k == 1 ? "" : "-" + std::to_string(k)) + ".noamrun");
        if (!fs::exists(p, ec)) return p.string();
    }
}

std::vector<std::string> list_run_files(const std::string& dir) {
    std::vector<std::pair<fs::file_time_type, std::string>> found;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != ".noamrun" || !it->is_regular_file(ec)) continue;
        found.emplace_back(it->last_write_time(ec), it->path().string());
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::string> out;
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

}  // namespace noam
