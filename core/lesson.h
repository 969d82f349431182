// Lessons: data files (lessons/*.json, schema in lessons/README.md) that narrate a run step by step.
// This file holds the parsed form and the loader/validator; every error names the file, the JSON path and
// what was expected. The code that plays lessons knows nothing of any one lesson.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"

namespace noam {

// A condition on live metrics, e.g. {"metric": "val_accuracy", "op": ">", "value": 0.9} or
// {"metric": "attention", "pattern": "previous_token", "layer": 0, "head": 1, "op": ">", "value": 0.5}.
struct Condition {
    std::string metric;   // one of condition_metrics()
    std::string pattern;  // attention only: one of attention_patterns()
    int layer = -1;       // attention only: -1 = any layer (the best head counts)
    int head = -1;        // attention only: -1 = any head
    std::string op = ">";  // > >= < <=
    double value = 0;
    // Side-by-side runs (a step's "runs"): which run the metric is read from ("" = the primary run), and
    // optionally a second run it is compared with: the value tested is then metric(run) - metric(versus)
    // (combine "difference") or metric(run) / metric(versus) (combine "ratio"), both read at the same step.
    std::string run, versus;
    std::string combine = "difference";  // difference | ratio
    // "val_accuracy > 0.9", "attention(previous_token, layer 0, head 1) > 0.5", "val_loss[MoE] - val_loss[dense] < 0"
    std::string describe() const;
};

// val_accuracy, val_loss, loss, accuracy, step, attention, diverged, update_rms, update_clipped_fraction,
// optimizer_memory_ratio, moe_* (lessons/README.md says what each means)
const std::vector<std::string>& condition_metrics();
const std::vector<std::string>& attention_patterns();  // previous_token, next_token, self, first_token, answer_source, induction, peak
const std::vector<std::string>& panel_kinds();         // the panels a step may show

struct Observation {  // "watch for": a sentence that ticks when its condition becomes true
    std::string text;
    Condition when;
    int within_steps = 0;  // budget in training steps from the start of the step (0: the step's own budget)
    bool at_end = false;   // checked only once the step's training is done (for "it did NOT learn" claims)
};

struct PanelSpec {
    std::string kind;        // one of panel_kinds()
    int layer = -1, head = -1;  // attention: which head (enlarged)
    bool log_y = false;      // loss: logarithmic y axis
    nlohmann::json options;  // anything else the panel reads (documented per kind in lessons/README.md)
};

struct KnobSpec {
    std::string setting;               // "optim.lr", "model.n_kv_heads", ... (see setting_names())
    std::string label;                 // shown beside the control
    double min = 0, max = 0;           // numbers
    std::vector<nlohmann::json> choices;  // or a list of values
    bool locked = false;               // shown but not editable
    bool hidden = false;               // not shown
    bool log_scale = false;            // a slider in log space (learning rates)
};

struct KnownGood {  // settings that work, with a sentence on why
    std::string text;
    std::vector<std::pair<std::string, nlohmann::json>> settings;
};

struct TrainAction {
    enum Kind { None, ToStep, ForSteps, Until } kind = None;
    int steps = 0;          // ToStep: the run's step to reach; ForSteps: how many more; Until: the most to try
    Condition until;        // Until only
};

// One of the runs a step trains side by side: a label, and settings on top of the primary run's config
// (the first run is the primary: its settings are the step's own, so it has none here).
struct RunVariant {
    std::string label;
    std::vector<std::pair<std::string, nlohmann::json>> set;
};

struct LessonStep {
    std::string title;
    std::vector<std::string> paragraphs;
    std::vector<PanelSpec> panels;
    std::vector<KnobSpec> knobs;
    std::vector<std::pair<std::string, nlohmann::json>> set;  // settings applied when the step starts (resets the run)
    bool reset = false;    // restart the run from its seed when the step starts (implied by "set" and "runs")
    // Runs trained side by side from this step on ("runs" in the file; a step without it keeps the runs before
    // it, "runs": [] goes back to one run). Empty: one run. Element 0 is the primary run.
    std::vector<RunVariant> runs;
    bool runs_given = false;  // the step has its own "runs" (else it inherits them)
    TrainAction train;
    std::vector<Observation> watch_for;
    std::vector<KnownGood> known_good;
};

struct Lesson {
    std::string file;
    std::string id, title, language = "en";
    struct Paper {
        std::string title, authors, section;
        int year = 0;
    } paper;
    int minutes = 0;
    RunConfig run;
    int pretrain_steps = 0;
    std::vector<LessonStep> steps;
    // Shown in another language than asked (load_lesson(path, lang)): why, in one line ("not yet translated",
    // or the sidecar's error); "" when the text is in the language asked for.
    std::string translation_note;
};

Lesson parse_lesson(const nlohmann::json& j, const std::string& where);

// The weight matrix a "second_moment" panel shows: its "param" option, or the first block's FFN W1.
std::string second_moment_param(const PanelSpec& p);
// The matrix whose full second moment a lesson's runs keep from their first step (the first "second_moment"
// panel's), or "" when no step shows one. The window and the headless runner both watch it.
std::string lesson_watched_matrix(const Lesson& l);
Lesson load_lesson(const std::string& path);  // throws ConfigError: "<file>:<line>:<col>: ..." or "<file>: <path>: ..."

// ---- Translations (lessons/README.md, "Translations"). A sidecar lessons/<lang>/<the English file's name> holds
// a lesson's text in another language, aligned with the English lesson by index: the title, each step's title,
// text, watch_for, knobs, known_good and runs labels. Settings, conditions and numbers stay in the English file.

// dir/<lang>/name for dir/name ("" for lang "" or "en": English is the lesson file itself)
std::string translation_path(const std::string& lesson_path, const std::string& lang);
// A sidecar's JSON holds "translates" (a lesson does not).
bool is_translation(const nlohmann::json& j);
// Puts the sidecar's text over the English lesson l; lang: the language the sidecar must declare ("" = any).
// A sidecar that does not match the lesson (step count, watch_for count ...) throws ConfigError
// "<where>: <path>: <problem>" and leaves l unchanged.
void apply_translation(Lesson& l, const nlohmann::json& sidecar, const std::string& where, const std::string& lang);
// The lesson in language lang ("" or "en": as load_lesson(path)). The English lesson's errors throw; the
// sidecar's never do: without one (or with a broken one) the text stays English and translation_note says why.
Lesson load_lesson(const std::string& path, const std::string& lang);
// A sidecar checked against its English lesson (the file of the same name one folder up), with the text applied;
// throws ConfigError on any problem of either file.
Lesson load_translation_file(const std::string& sidecar_path);
// The sidecars of a lesson file that exist: <dir>/<lang>/<name> for every sub-folder of its folder.
std::vector<std::string> translation_files(const std::string& lesson_path);

}  // namespace noam
