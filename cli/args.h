// Command-line parsing for the noamlab subcommands: flags with values, positionals, and a one-line error
// (exit code 2) for anything unknown or malformed.
#pragma once
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace noam::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Args {
    std::string command;
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;  // --flag value
    std::set<std::string> switches;             // --flag
    bool has(const std::string& f) const { return values.count(f) || switches.count(f); }
    std::string get(const std::string& f, const std::string& fallback) const;
    long get_int(const std::string& f, long fallback, long min, long max) const;
    double get_number(const std::string& f, double fallback, double min, double max) const;
};

// value_flags take one value (--steps 100 or --steps=100); switch_flags take none. "--help"/"-h" is always a switch.
Args parse_args(const std::string& command, const std::vector<std::string>& argv,
                const std::set<std::string>& value_flags, const std::set<std::string>& switch_flags);

}  // namespace noam::cli
