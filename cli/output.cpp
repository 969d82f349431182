// write_output_file: temporary file, then rename.
#include "output.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace noam::cli {

void write_output_file(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    bool ok = false;
    {
        std::ofstream f(tmp, std::ios::binary);
        if (f) {
            f << text;
            f.flush();
            ok = f.good();
        }
    }
    if (ok && std::rename(tmp.c_str(), path.c_str()) == 0) return;
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write " + path);
}

}  // namespace noam::cli
