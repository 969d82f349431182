// One place that turns exceptions into the one-line messages and exit codes every command promises.
#include <cstdio>
#include <exception>

#include "args.h"
#include "commands.h"
#include "config.h"

namespace noam::cli {

int guarded(const std::string& command, int (*fn)(const std::vector<std::string>&), const std::vector<std::string>& args) {
    try {
        return fn(args);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "noamlab %s: %s\n", command.c_str(), e.what());
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "noamlab %s: %s\n", command.c_str(), e.what());
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "noamlab %s: out of memory (is the model or batch too large?)\n", command.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "noamlab %s: %s\n", command.c_str(), e.what());
    }
    return 2;
}

}  // namespace noam::cli
