// libFuzzer target: the lesson loader. Any bytes must either load as a lesson or be refused with a
// ConfigError (one line naming the file); never a crash, a hang, a leak or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "json_reader.h"
#include "lesson.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        noam::Lesson l = noam::parse_lesson(noam::parse_json_text(text, "fuzz.json"), "fuzz.json");
        (void)l;
    } catch (const noam::ConfigError& e) {
        const std::string msg = e.what();
        if (msg.find('\n') != std::string::npos) __builtin_trap();  // messages are one line
    }
    return 0;
}
