// Writing a file so that a crash, a full disk or a failed write never leaves half a file and never destroys the
// previous one: the bytes go to a new temporary file beside the target, are flushed to the disk (fsync), and
// the temporary file is renamed over the target (rename is atomic within one directory on POSIX systems).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace noam {

// Fault injection for tests: the write behaves as on a disk that fills up after disk_limit bytes of this file
// (the bytes up to the limit are written, then the write fails with "No space left on device").
struct WriteLimits {
    size_t disk_limit = SIZE_MAX;
};

// Writes bytes to path atomically. On any failure the temporary file is removed, the previous file at path (if
// any) is untouched, and std::runtime_error("cannot write PATH: REASON") is thrown. Safe to call from any
// thread (each call has its own temporary file). A process killed mid-write leaves at most a stray
// "PATH.tmp-*" file beside the intact target.
void write_file_atomic(const std::string& path, std::string_view bytes, const WriteLimits& limits = {});

}  // namespace noam
