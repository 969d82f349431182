// libFuzzer target: the saved-run loader (.noamrun). Any bytes must either load as a run or be refused with a
// ConfigError (RunFileError) of one line; never a crash, a hang, a leak or undefined behaviour. The checksum
// would reject nearly every mutation at once, so half the inputs get a correct CRC-32 appended: those reach
// the header and array checks behind it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "checkpoint.h"
#include "trainer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    if (size > 0 && (data[0] & 1)) {
        // replace the last 4 bytes by the CRC-32 of what comes before them, as a real save would
        if (bytes.size() >= 4) bytes.resize(bytes.size() - 4);
        const uint32_t crc = noam::crc32(bytes.data(), bytes.size());
        for (int i = 0; i < 4; i++) bytes.push_back((char)((crc >> (8 * i)) & 0xff));
    }
    static const std::string path = "/tmp/noamlab_fuzz_run_" + std::to_string(getpid()) + ".noamrun";
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
    } else {
        return 0;
    }
    try {
        std::unique_ptr<noam::Trainer> tr = noam::load_run(path);
    } catch (const noam::ConfigError& e) {
        const std::string msg = e.what();
        if (msg.find('\n') != std::string::npos) __builtin_trap();
    } catch (const std::invalid_argument&) {
        // a config the loader accepted but the data refused (an unknown corpus file): a message, not a crash
    }
    return 0;
}
