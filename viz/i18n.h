// The interface's language. tr("English text") is the text in the language chosen (View > Language, F2,
// --lang): looked up in assets/i18n/<lang>.json, a table from the English string to its translation; a string
// without an entry shows in English. Lessons translate themselves (core/lesson.h, sidecars); this is the
// window's own text: menus, buttons, panel titles, axis labels. printf-style strings translate the format.
// No ImGui here: tested in tests/viz_unit/i18n_test.cpp.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace noam::viz {

// The languages the window offers, in menu order: {"en", "zh"}.
const std::vector<std::string>& ui_languages();
// The name a language goes by in its own script: "English", "中文".
const char* language_name(const std::string& code);
bool is_ui_language(const std::string& code);

// A translation table (English -> translation) read from a JSON object of strings; throws ConfigError naming
// the file and the key when it is not one.
std::map<std::string, std::string> read_translation_table(const std::string& path);
std::string translation_table_path(const std::string& code);  // <source>/assets/i18n/<code>.json

// Switches the interface to code ("en": no table). False with error set when the code is unknown or its table
// does not load (the interface then stays in the language it had).
bool set_ui_language(const std::string& code, std::string* error = nullptr);
const std::string& ui_language();
// Every translated string of the current table, one after another (for the font atlas).
std::string ui_language_text();

// The text in the current language: the table's entry, or english itself (the same pointer) when there is none.
// The pointer stays valid until the language changes.
const char* tr(const char* english);
// A window title in the current language with a fixed ImGui ID: tr(english) + "###" + id ("损失###loss"), so the
// layout, the regions and --layout-out names do not change with the language.
std::string tr_title(const char* english, const char* id);
// Marks a literal that is translated where it is shown (tr(row.what)), e.g. the key table's descriptions: the
// zh table's coverage test finds it like a tr("...") call.
constexpr const char* tr_later(const char* english) { return english; }

}  // namespace noam::viz
