// ObjectReader: typed, range-checked access to JSON objects with messages that name the path.
#include "json_reader.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace noam {

void config_fail(const std::string& where, const std::string& path, const std::string& problem) {
    throw ConfigError(where + ": " + (path.empty() ? "/" : path) + ": " + problem);
}

std::string json_type_name(const nlohmann::json& j) {
    if (j.is_null()) return "null";
    if (j.is_boolean()) return "a boolean";
    if (j.is_number_integer() || j.is_number_unsigned()) return "an integer";
    if (j.is_number()) return "a number";
    if (j.is_string()) return "a string";
    if (j.is_array()) return "an array";
    return "an object";
}

ObjectReader::ObjectReader(const nlohmann::json& j, std::string where, std::string path)
    : j_(j), where_(std::move(where)), path_(std::move(path)) {
    if (!j_.is_object()) config_fail(where_, path_, "expected an object, got " + json_type_name(j_));
}

void ObjectReader::fail(const std::string& key, const std::string& problem) const {
    config_fail(where_, path_of(key), problem);
}

const nlohmann::json* ObjectReader::get(const std::string& key) const {
    known_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
}

bool ObjectReader::has(const std::string& key) const { return j_.contains(key); }

static std::string range_text(double min, double max) {
    std::ostringstream s;
    s << "between " << min << " and " << max;
    return s.str();
}

int ObjectReader::get_int(const std::string& key, int fallback, int min, int max) {
    const nlohmann::json* v = get(key);
    if (!v) return fallback;
    if (!v->is_number_integer() && !v->is_number_unsigned()) {
        // 3.0 is accepted as 3; 3.5 is not
        if (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>()) {
        } else {
            fail(key, "expected an integer " + range_text(min, max) + ", got " + json_type_name(*v));
        }
    }
    const double x = v->get<double>();
    if (x < min || x > max) fail(key, "expected an integer " + range_text(min, max) + ", got " + v->dump());
    return (int)x;
}

int ObjectReader::require_int(const std::string& key, int min, int max) {
    if (!has(key)) fail(key, "missing (expected an integer " + range_text(min, max) + ")");
    return get_int(key, 0, min, max);
}

double ObjectReader::get_number(const std::string& key, double fallback, double min, double max) {
    const nlohmann::json* v = get(key);
    if (!v) return fallback;
    if (!v->is_number()) fail(key, "expected a number " + range_text(min, max) + ", got " + json_type_name(*v));
    const double x = v->get<double>();
    if (!std::isfinite(x) || x < min || x > max) fail(key, "expected a number " + range_text(min, max) + ", got " + v->dump());
    return x;
}

double ObjectReader::require_number(const std::string& key, double min, double max) {
    if (!has(key)) fail(key, "missing (expected a number " + range_text(min, max) + ")");
    return get_number(key, 0, min, max);
}

bool ObjectReader::get_bool(const std::string& key, bool fallback) {
    const nlohmann::json* v = get(key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(key, "expected true or false, got " + json_type_name(*v));
    return v->get<bool>();
}

std::string ObjectReader::get_string(const std::string& key, const std::string& fallback) {
    const nlohmann::json* v = get(key);
    if (!v) return fallback;
    if (!v->is_string()) fail(key, "expected a string, got " + json_type_name(*v));
    return v->get<std::string>();
}

std::string ObjectReader::require_string(const std::string& key) {
    if (!has(key)) fail(key, "missing (expected a string)");
    return get_string(key, "");
}

std::string ObjectReader::get_choice(const std::string& key, const std::string& fallback,
                                     const std::vector<std::string>& allowed) {
    const std::string s = get_string(key, fallback);
    for (const auto& a : allowed)
        if (s == a) return s;
    std::string list;
    for (size_t i = 0; i < allowed.size(); i++) list += (i ? ", " : "") + allowed[i];
    fail(key, "expected one of " + list + ", got \"" + s + "\"");
}

const nlohmann::json* ObjectReader::child(const std::string& key) { return get(key); }

const nlohmann::json& ObjectReader::require_child(const std::string& key) {
    const nlohmann::json* v = get(key);
    if (!v) fail(key, "missing");
    return *v;
}

void ObjectReader::finish() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
        if (known_.count(it.key())) continue;
        std::string list;
        for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
        config_fail(where_, path_of(it.key()), "unknown key (expected one of: " + list + ")");
    }
}

nlohmann::json parse_json_text(const std::string& text, const std::string& where) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is the offset of the error: turn it into line:column for a human
        size_t line = 1, col = 1;
        for (size_t i = 0; i + 1 < e.byte && i < text.size(); i++) {
            if (text[i] == '\n') { line++; col = 1; } else { col++; }
        }
        std::string msg = e.what();
        const size_t p = msg.find("syntax error");
        throw ConfigError(where + ":" + std::to_string(line) + ":" + std::to_string(col) + ": malformed JSON: " +
                          (p != std::string::npos ? msg.substr(p) : msg));
    } catch (const nlohmann::json::exception& e) {
        // e.g. out_of_range 406, "number overflow parsing '1e999'" (found by fuzz/fuzz_config.cpp)
        std::string msg = e.what();
        const size_t p = msg.find("] ");
        throw ConfigError(where + ": malformed JSON: " + (p != std::string::npos ? msg.substr(p + 2) : msg));
    }
}

nlohmann::json read_json_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw ConfigError(path + ": cannot open the file");
    std::stringstream ss;
    ss << f.rdbuf();
    if (f.bad()) throw ConfigError(path + ": cannot read the file");
    return parse_json_text(ss.str(), path);
}

}  // namespace noam
