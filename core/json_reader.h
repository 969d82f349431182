// Reading JSON objects with errors that say where and what: every getter names the JSON path
// (e.g. "/model/d_model") and what was expected; finish() rejects keys nobody asked for (typos).
// Used by the run config and the lesson loader.
#pragma once
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"

namespace noam {

class ObjectReader {
public:
    // where: the file name (or "<string>"); path: the JSON pointer of this object ("" for the root)
    ObjectReader(const nlohmann::json& j, std::string where, std::string path);

    bool has(const std::string& key) const;
    int get_int(const std::string& key, int fallback, int min, int max);
    int require_int(const std::string& key, int min, int max);
    double get_number(const std::string& key, double fallback, double min, double max);
    double require_number(const std::string& key, double min, double max);
    bool get_bool(const std::string& key, bool fallback);
    std::string get_string(const std::string& key, const std::string& fallback);
    std::string require_string(const std::string& key);
    // one of the allowed values
    std::string get_choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed);
    // the raw child (marks the key as known); nullptr when absent
    const nlohmann::json* child(const std::string& key);
    const nlohmann::json& require_child(const std::string& key);
    std::string path_of(const std::string& key) const { return path_ + "/" + key; }
    // throws if a key was never asked for
    void finish() const;
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

private:
    const nlohmann::json& j_;
    std::string where_, path_;
    mutable std::set<std::string> known_;
    const nlohmann::json* get(const std::string& key) const;
};

// "<where>: <path>: <problem>" as a ConfigError
[[noreturn]] void config_fail(const std::string& where, const std::string& path, const std::string& problem);

// a short description of a JSON value's type, for messages: "a string", "a number", ...
std::string json_type_name(const nlohmann::json& j);

// Parses text as JSON; a syntax error becomes a ConfigError naming the file, line and column.
nlohmann::json parse_json_text(const std::string& text, const std::string& where);
nlohmann::json read_json_file(const std::string& path);  // unreadable file -> ConfigError

}  // namespace noam
