// Flag parsing shared by every subcommand.
#include "args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace noam::cli {

Args parse_args(const std::string& command, const std::vector<std::string>& argv,
                const std::set<std::string>& value_flags, const std::set<std::string>& switch_flags) {
    Args a;
    a.command = command;
    for (size_t i = 0; i < argv.size(); i++) {
        std::string s = argv[i];
        if (s == "-h" || s == "--help") {
            a.switches.insert("--help");
            continue;
        }
        if (s.size() > 1 && s[0] == '-' && !(s.size() > 1 && (std::isdigit((unsigned char)s[1]) || s[1] == '.'))) {
            std::string value;
            bool inline_value = false;
            const size_t eq = s.find('=');
            if (eq != std::string::npos) {
                value = s.substr(eq + 1);
                s = s.substr(0, eq);
                inline_value = true;
            }
            if (value_flags.count(s)) {
                if (!inline_value) {
                    if (i + 1 >= argv.size()) throw UsageError("flag " + s + " needs a value");
                    value = argv[++i];
                }
                a.values[s] = value;
            } else if (switch_flags.count(s) && !inline_value) {
                a.switches.insert(s);
            } else {
                throw UsageError("unknown flag '" + s + "' (see noamlab " + command + " --help)");
            }
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

std::string Args::get(const std::string& f, const std::string& fallback) const {
    auto it = values.find(f);
    return it == values.end() ? fallback : it->second;
}

double Args::get_number(const std::string& f, double fallback, double min, double max) const {
    auto it = values.find(f);
    if (it == values.end()) return fallback;
    const char* s = it->second.c_str();
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !std::isfinite(x))
        throw UsageError(f + " expects a number, got '" + it->second + "'");
    if (x < min || x > max)
        throw UsageError(f + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + it->second);
    return x;
}

long Args::get_int(const std::string& f, long fallback, long min, long max) const {
    auto it = values.find(f);
    if (it == values.end()) return fallback;
    const char* s = it->second.c_str();
    char* end = nullptr;
    errno = 0;
    const long x = std::strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        throw UsageError(f + " expects a whole number, got '" + it->second + "'");
    if (x < min || x > max)
        throw UsageError(f + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + it->second);
    return x;
}

}  // namespace noam::cli
