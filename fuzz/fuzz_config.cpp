// libFuzzer target: the run-config loader and the settings a lesson's knobs change. Any bytes must either
// parse as a config or be refused with a ConfigError; never a crash, a hang, a leak or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config.h"
#include "json_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        noam::RunConfig c = noam::parse_run_config(noam::parse_json_text(text, "fuzz.json"), "fuzz.json");
        // a parsed config round-trips through its JSON form unchanged
        const nlohmann::json j = noam::run_config_to_json(c);
        noam::RunConfig again = noam::parse_run_config(j, "round-trip");
        if (noam::run_config_to_json(again) != j) __builtin_trap();
    } catch (const noam::ConfigError& e) {
        const std::string msg = e.what();
        if (msg.find('\n') != std::string::npos) __builtin_trap();
    }
    return 0;
}
