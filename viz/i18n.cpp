// The interface's translation table and tr().
#include "i18n.h"

#include <memory>
#include <string_view>
#include <unordered_map>

#include "json_reader.h"

namespace noam::viz {

namespace {

// The table in use. One per process, like ImGui's own context: every panel's Draw() reads it through tr().
struct Table {
    std::string code = "en";
    std::map<std::string, std::string> entries;
    std::unordered_map<std::string_view, const char*> index;  // views into entries (stable: a std::map's nodes stay put)
};

Table& current() {
    static Table t;
    return t;
}

}  // namespace

const std::vector<std::string>& ui_languages() {
    static const std::vector<std::string> l = {"en", "zh"};
    return l;
}

const char* language_name(const std::string& code) {
    if (code == "en") return "English";
    if (code == "zh") return "中文";
    return "?";
}

bool is_ui_language(const std::string& code) {
    for (const auto& l : ui_languages())
        if (l == code) return true;
    return false;
}

std::string translation_table_path(const std::string& code) {
    return std::string(NOAM_SOURCE_DIR) + "/assets/i18n/" + code + ".json";
}

std::map<std::string, std::string> read_translation_table(const std::string& path) {
    const nlohmann::json j = read_json_file(path);
    if (!j.is_object()) config_fail(path, "", "expected an object: {\"English text\": \"translation\", ...}, got " + json_type_name(j));
    std::map<std::string, std::string> out;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it.value().is_string() || it.value().get<std::string>().empty())
            config_fail(path, "/" + it.key(), "expected the translation as a non-empty string, got " + it.value().dump());
        out[it.key()] = it.value().get<std::string>();
    }
    return out;
}

bool set_ui_language(const std::string& code, std::string* error) {
    if (!is_ui_language(code)) {
        if (error) *error = "unknown language \"" + code + "\" (expected en or zh)";
        return false;
    }
    Table next;
    next.code = code;
    if (code != "en") {
        try {
            next.entries = read_translation_table(translation_table_path(code));
        } catch (const std::exception& e) {
            if (error) *error = e.what();
            return false;
        }
    }
    Table& t = current();
    t.code = next.code;
    t.entries = std::move(next.entries);
    t.index.clear();
    for (const auto& [en, other] : t.entries) t.index[std::string_view(en)] = other.c_str();
    return true;
}

const std::string& ui_language() { return current().code; }

std::string ui_language_text() {
    std::string s;
    for (const auto& [en, other] : current().entries) s += other;
    return s;
}

const char* tr(const char* english) {
    const Table& t = current();
    if (t.index.empty() || !english) return english;
    const auto it = t.index.find(std::string_view(english));
    return it == t.index.end() ? english : it->second;
}

std::string tr_title(const char* english, const char* id) { return std::string(tr(english)) + "###" + id; }

}  // namespace noam::viz
