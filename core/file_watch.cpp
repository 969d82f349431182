// FileWatch: compare modification time and size with what we saw last time.
#include "file_watch.h"

namespace noam {

bool FileWatch::changed() {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path_, ec) && !ec;
    std::filesystem::file_time_type mtime{};
    uintmax_t size = 0;
    if (exists) {
        mtime = std::filesystem::last_write_time(path_, ec);
        size = std::filesystem::file_size(path_, ec);
    }
    const bool diff = exists != exists_ || mtime != mtime_ || size != size_;
    exists_ = exists;
    mtime_ = mtime;
    size_ = size;
    return diff;
}

}  // namespace noam
