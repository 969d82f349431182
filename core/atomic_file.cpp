// write_file_atomic: a temporary file in the target's directory, write, fsync, rename, fsync the directory.
#include "atomic_file.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace noam {

static std::string directory_of(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

void write_file_atomic(const std::string& path, std::string_view bytes, const WriteLimits& limits) {
    // A name no other writer uses: this process and a per-process counter (the window may save from its worker
    // thread while the UI thread writes something else).
    static std::atomic<unsigned> counter{0};
    const std::string tmp = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    auto fail = [&](int err, int fd) {
        if (fd >= 0) close(fd);
        unlink(tmp.c_str());
        throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    };
    // O_EXCL: never follow or reuse something already there; 0666 & ~umask like any new file
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        const int err = errno;
        throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    }
    size_t done = 0;
    while (done < bytes.size()) {
        size_t n = std::min<size_t>(bytes.size() - done, 1 << 20);
        const bool disk_full = done + n > limits.disk_limit;  // the simulated disk fills during this chunk
        if (disk_full) n = limits.disk_limit - done;
        const ssize_t w = n > 0 ? write(fd, bytes.data() + done, n) : 0;
        if (w < 0) {
            if (errno == EINTR) continue;
            fail(errno, fd);
        }
        done += (size_t)w;
        if (disk_full && done >= limits.disk_limit) fail(ENOSPC, fd);
    }
    // the data must be on the disk before the rename makes it the file: otherwise a power cut could leave the
    // new name pointing at an empty file
    if (fsync(fd) != 0) fail(errno, fd);
    if (close(fd) != 0) fail(errno, -1);
    if (rename(tmp.c_str(), path.c_str()) != 0) fail(errno, -1);
    // make the rename itself durable (best effort: some file systems refuse fsync on a directory)
    const int dir = open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        fsync(dir);
        close(dir);
    }
}

}  // namespace noam
