// noamlab check / noamlab lesson: validate lesson files, list them, play one headless.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "json_reader.h"
#include "lesson_runner.h"

namespace noam::cli {

static const char* kCheckHelp =
    "usage: noamlab check LESSON.json...\n"
    "\n"
    "Validates lesson files (schema: lessons/README.md). Prints one line per file: OK, or the file, the JSON\n"
    "path and what was expected. Exit code 2 if any file is invalid.\n"
    "A lesson's translations (lessons/<lang>/<its file name>) are checked with it; a translation given by its\n"
    "own path (noamlab check lessons/zh/x.json) is checked against its English lesson.\n";

static const char* kLessonHelp =
    "usage: noamlab lesson run LESSON.json [--json F] [--threads N] [--lang en|zh]\n"
    "       noamlab lesson list [DIR] [--lang en|zh]\n"
    "\n"
    "run    plays the lesson without a window: each step's settings, its training, and every \"watch for\"\n"
    "       observation, ticked when it becomes true. Exit code 1 if an observation is not met within its budget.\n"
    "list   the lessons in DIR (default: the lessons/ folder of the source tree), grouped by paper.\n"
    "--lang the text in that language (lessons/<lang>/<file>); a lesson not yet translated stays English and\n"
    "       says so.\n";

int cmd_check(const std::vector<std::string>& argv) {
    Args a = parse_args("check", argv, {}, {});
    if (a.has("--help")) {
        std::fputs(kCheckHelp, stdout);
        return 0;
    }
    if (a.positional.empty()) throw UsageError("expected one or more LESSON.json files (see noamlab check --help)");
    int bad = 0;
    auto check_one = [&](const std::string& f, bool sidecars) {
        try {
            const bool translation = is_translation(read_json_file(f));
            Lesson l = translation ? load_translation_file(f) : load_lesson(f);
            std::printf("%s: OK (%s, %zu steps%s)\n", f.c_str(), l.title.c_str(), l.steps.size(),
                        translation ? (", translates " + std::filesystem::path(l.file).filename().string()).c_str() : "");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
            bad++;
            return;
        }
        if (sidecars)
            for (const std::string& t : translation_files(f)) {
                try {
                    load_translation_file(t);
                    std::printf("%s: OK (translation)\n", t.c_str());
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "%s\n", e.what());
                    bad++;
                }
            }
    };
    for (const std::string& f : a.positional) check_one(f, true);
    return bad ? 2 : 0;
}

static std::vector<std::string> lesson_files(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".json") files.push_back(e.path().string());
    if (ec) throw UsageError("cannot read the folder " + dir + ": " + ec.message());
    std::sort(files.begin(), files.end());
    return files;
}

int cmd_lesson(const std::vector<std::string>& argv) {
    Args a = parse_args("lesson", argv, {"--json", "--threads", "--lang"}, {});
    if (a.has("--help") || a.positional.empty()) {
        std::fputs(kLessonHelp, a.has("--help") ? stdout : stderr);
        return a.has("--help") ? 0 : 2;
    }
    const std::string sub = a.positional[0];
    const std::string lang = a.get("--lang", "en");
    if (lang != "en" && lang != "zh") throw UsageError("--lang: expected en or zh, got '" + lang + "'");
    if (sub == "list") {
        const std::string dir = a.positional.size() > 1 ? a.positional[1] : std::string(NOAM_SOURCE_DIR) + "/lessons";
        for (const std::string& f : lesson_files(dir)) {
            try {
                Lesson l = load_lesson(f, lang);
                std::printf("%-40s %s (%s %d), %d min, %zu steps%s\n", f.c_str(), l.title.c_str(), l.paper.title.c_str(),
                            l.paper.year, l.minutes, l.steps.size(),
                            l.translation_note.empty() ? "" : ("  [" + l.translation_note + "]").c_str());
            } catch (const std::exception& e) {
                std::printf("%-40s INVALID: %s\n", f.c_str(), e.what());
            }
        }
        return 0;
    }
    if (sub != "run") throw UsageError("unknown lesson command '" + sub + "' (expected run or list)");
    if (a.positional.size() != 2) throw UsageError("expected: noamlab lesson run LESSON.json");
    Lesson lesson = load_lesson(a.positional[1], lang);
    if (!lesson.translation_note.empty()) std::fprintf(stderr, "lesson %s: in English: %s\n", lesson.id.c_str(), lesson.translation_note.c_str());
    if (a.has("--threads")) lesson.run.train.threads = (int)a.get_int("--threads", 0, 1, 256);
    std::fprintf(stderr, "lesson %s: %s (%zu steps)\n", lesson.id.c_str(), lesson.title.c_str(), lesson.steps.size());
    const auto t0 = std::chrono::steady_clock::now();
    LessonRunResult r = run_lesson_headless(lesson, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (a.has("--json")) {
        nlohmann::json j;
        j["lesson"] = lesson.id;
        j["ok"] = r.ok();
        j["error"] = r.error;
        j["seconds"] = secs;
        for (const StepResult& s : r.steps) {
            nlohmann::json js = {{"title", s.title}, {"start_step", s.start_step}, {"end_step", s.end_step},
                                 {"train_target_met", s.train_target_met}};
            for (const auto& o : s.observations)
                js["observations"].push_back({{"text", o.text}, {"condition", o.condition}, {"met", o.met},
                                              {"met_at_step", o.met_at_step}, {"last_value", o.last_value}});
            j["steps"].push_back(js);
        }
        write_file_atomic(a.get("--json", ""), j.dump(1) + "\n");
    }
    std::fprintf(stderr, "lesson %s: %s in %.1f s\n", lesson.id.c_str(), r.ok() ? "every observation held" : "FAILED", secs);
    return r.ok() ? 0 : 1;
}

}  // namespace noam::cli
