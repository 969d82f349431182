// Lesson files: every shipped lesson validates; each kind of mistake gives its own message naming the file,
// the JSON path and what was expected; settings; pattern scores; hot-reload detection.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "file_watch.h"
#include "json_reader.h"
#include "lesson.h"
#include "lesson_metrics.h"
#include "lesson_runner.h"
#include "trainer.h"

using namespace noam;
namespace fs = std::filesystem;

TEST(Lessons, EveryShippedLessonValidates) {
    int count = 0;
    for (const auto& e : fs::directory_iterator(std::string(NOAM_SOURCE_DIR) + "/lessons")) {
        if (e.path().extension() != ".json") continue;
        EXPECT_NO_THROW({
            Lesson l = load_lesson(e.path().string());
            EXPECT_FALSE(l.steps.empty());
        }) << e.path();
        for (const std::string& t : translation_files(e.path().string()))  // lessons/zh/... match their lessons
            EXPECT_NO_THROW(load_translation_file(t)) << t;
        count++;
    }
    EXPECT_GE(count, 5);
}

TEST(Lessons, EachBrokenFileGivesItsMessage) {
    const std::string dir = std::string(NOAM_TEST_DATA) + "/broken_lessons/";
    const nlohmann::json expected = read_json_file(std::string(NOAM_TEST_DATA) + "/broken_lessons_expected.json");
    ASSERT_GE(expected.size(), 15u);
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        const std::string file = dir + it.key() + ".json";
        try {
            load_lesson(file);
            ADD_FAILURE() << file << " was accepted";
        } catch (const ConfigError& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(file), std::string::npos) << "the message must name the file: " << msg;
            EXPECT_NE(msg.find(it.value().get<std::string>()), std::string::npos)
                << it.key() << ": expected \"" << it.value().get<std::string>() << "\" in: " << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
        } catch (const std::exception& e) {
            ADD_FAILURE() << file << ": not a ConfigError: " << e.what();
        }
    }
}

TEST(Settings, WithSettingChangesOneValueAndValidates) {
    RunConfig c = load_run_config(std::string(NOAM_SOURCE_DIR) + "/configs/default.json");
    RunConfig d = with_setting(c, "model.n_kv_heads", 1, "test", "/x");
    EXPECT_EQ(d.model.kv_heads(), 1);
    EXPECT_EQ(d.model.d_model, c.model.d_model);
    EXPECT_EQ(with_setting(c, "optim.lr", 0.5, "test", "/x").optim.lr, 0.5f);
    EXPECT_EQ(with_setting(c, "model.positions", "learned", "test", "/x").model.positions, PosKind::Learned);
    EXPECT_THROW(with_setting(c, "model.n_heads", 3, "test", "/x"), ConfigError);  // 64 % 3 != 0
    EXPECT_THROW(with_setting(c, "model.positions", "absolute", "test", "/x"), ConfigError);
    EXPECT_THROW(with_setting(c, "nonsense", 1, "test", "/x"), ConfigError);
    // another optimizer takes its own first-moment default: Adafactor has none unless asked, Adam has 0.9
    const RunConfig af = with_setting(c, "optim.kind", "adafactor", "test", "/x");
    EXPECT_EQ(af.optim.beta1, 0.0f);
    EXPECT_EQ(with_setting(af, "optim.kind", "adam", "test", "/x").optim.beta1, 0.9f);
    EXPECT_EQ(with_setting(with_setting(af, "optim.beta1", 0.5, "t", "/x"), "optim.kind", "adafactor", "t", "/x").optim.beta1, 0.5f)
        << "setting the kind it already has changes nothing";
}

// A step that sets a router and that router's capacity: the router first, whatever the order in the file
TEST(Settings, AStepAppliesTheSettingsThatResetOthersFirst) {
    nlohmann::json l = nlohmann::json::parse(R"({"id": "x", "title": "x", "minutes": 1,
        "paper": {"title": "P", "authors": "A", "year": 2021},
        "run": {"model": {"d_model": 16, "n_heads": 2, "n_layers": 1, "d_ff": 16, "seq_len": 16,
                          "moe": {"experts": 2, "router": "switch"}},
                "data": {"task": "copy"}},
        "steps": [{"title": "t", "text": "x", "set": {"model.moe.capacity_factor": 2.0, "model.moe.router": "top2"}}]})");
    const Lesson lesson = parse_lesson(l, "x.json");
    const RunConfig c = step_config(lesson.run, lesson.steps[0], "x.json");
    EXPECT_EQ(c.model.moe.router, RouterKind::Top2);
    EXPECT_EQ(c.model.moe.capacity_factor, 2.0f) << "the capacity set beside the router survives the router change";
}

// A hand-made snapshot: 4 tokens, one layer, two heads: head 0 looks at the previous token, head 1 at itself.
static Snapshot tiny_snapshot() {
    Snapshot s;
    s.T = 4;
    s.n_layers = 1;
    s.n_heads = 2;
    s.tokens = {1, 2, 1, 2};
    s.targets = {-1, -1, 2, 1};  // scored: positions 2 and 3
    s.attention.assign(2 * 16, 0.0f);
    for (int t = 0; t < 4; t++) {
        s.attention[(0 * 4 + t) * 4 + (t > 0 ? t - 1 : 0)] = 1.0f;  // head 0: previous token
        s.attention[(1 * 4 + t) * 4 + t] = 1.0f;                    // head 1: self
    }
    return s;
}

TEST(LessonMetrics, PatternScoresOnAHandMadeExample) {
    Snapshot s = tiny_snapshot();
    EXPECT_DOUBLE_EQ(attention_pattern_score("previous_token", s, 0, 0), 1.0);
    EXPECT_DOUBLE_EQ(attention_pattern_score("previous_token", s, 0, 1), 0.0);
    EXPECT_DOUBLE_EQ(attention_pattern_score("self", s, 0, 1), 1.0);
    // induction: query 2 (token 1) saw token 1 at 0, so key 1; query 3 (token 2) saw token 2 at 1, so key 2.
    // head 0 (previous token) attends exactly there: 1.0
    EXPECT_DOUBLE_EQ(attention_pattern_score("induction", s, 0, 0), 1.0);
    // answer_source: question part = positions 0..1 (first scored is 2); target of 2 is token 2 at key 1,
    // head 0 at query 2 looks at key 1: 1; target of 3 is token 1 at key 0, head 0 at query 3 looks at 2: 0
    EXPECT_DOUBLE_EQ(attention_pattern_score("answer_source", s, 0, 0), 0.5);
    const HeadScore b = best_head("self", s, -1, -1);
    EXPECT_EQ(b.head, 1);
    Condition c;
    c.metric = "attention";
    c.pattern = "previous_token";
    c.op = ">";
    c.value = 0.9;
    EXPECT_TRUE(condition_holds(c, s, {}));
    c.head = 1;
    EXPECT_FALSE(condition_holds(c, s, {}));
}

TEST(LessonMetrics, ValidationMetricIsTheLatestEvaluation) {
    Snapshot s = tiny_snapshot();
    std::vector<StepRecord> h(3);
    h[0].val_loss = 2.0f;
    h[0].val_accuracy = 0.5f;
    h[2].val_loss = -1;  // no evaluation at this step
    h[1].val_loss = 1.0f;
    h[1].val_accuracy = 0.9f;
    Condition c;
    c.metric = "val_accuracy";
    c.op = ">";
    c.value = 0.8;
    EXPECT_TRUE(condition_holds(c, s, h));
    EXPECT_TRUE(std::isnan(metric_value(c, s, {})));  // nothing evaluated yet: never true
}

TEST(FileWatch, NoticesAnEdit) {
    const fs::path p = fs::temp_directory_path() / ("noam_watch_" + std::to_string(::getpid()) + ".json");
    { std::ofstream(p) << "{}"; }
    FileWatch w(p.string());
    EXPECT_FALSE(w.changed());
    { std::ofstream(p) << "{\"edited\": true}"; }  // a different size: seen even within one mtime tick
    EXPECT_TRUE(w.changed());
    EXPECT_FALSE(w.changed());
    fs::remove(p);
    EXPECT_TRUE(w.changed());
}

TEST(Lessons, TheReadmeExampleIsAValidLesson) {
    std::ifstream f(std::string(NOAM_SOURCE_DIR) + "/lessons/README.md");
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string doc = ss.str();
    const size_t section = doc.find("## An example");
    ASSERT_NE(section, std::string::npos);
    const size_t start = doc.find("```json", section) + 7;
    const size_t end = doc.find("```", start);
    const Lesson l = parse_lesson(parse_json_text(doc.substr(start, end - start), "README example"), "README example");
    EXPECT_EQ(l.id, "my-first-lesson");
}

// Side-by-side runs: every run trains the same steps, a companion is exactly the run its config would give
// alone (training on threads of their own changes nothing), and conditions compare runs at the same step.
TEST(LessonRunner, SideBySideRunsTrainLikeSeparateRuns) {
    const Lesson l = load_lesson(std::string(NOAM_TEST_DATA) + "/lessons/compare_runs.json");
    ASSERT_EQ(l.steps[0].runs.size(), 2u);
    EXPECT_EQ(l.steps[1].runs.size(), 2u) << "a step without \"runs\" keeps the runs before it";
    EXPECT_TRUE(l.steps[2].runs.empty()) << "\"runs\": [] goes back to one run";
    EXPECT_EQ(l.steps[0].watch_for[0].when.describe(), "val_loss[Adam] - val_loss[SGD] < -0.1");

    std::vector<std::string> lines;
    const LessonRunResult r = run_lesson_headless(l, [&](const std::string& s) { lines.push_back(s); });
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_EQ(r.steps.size(), 3u);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.steps[0].end_step, 200);
    EXPECT_EQ(r.steps[1].end_step, 220);

    // the ratio observation, recomputed from two separate runs
    const RunConfig adam = step_config(l.run, l.steps[0], l.file);
    const RunConfig sgd = variant_config(adam, l.steps[0].runs[1], l.file);
    Trainer a(adam), b(sgd);
    for (int i = 0; i < 200; i++) {
        ASSERT_TRUE(a.step());
        ASSERT_TRUE(b.step());
    }
    const double ratio = b.history.back().val_loss / a.history.back().val_loss;
    EXPECT_GT(ratio, 1.05);
    EXPECT_NEAR(r.steps[0].observations[1].last_value, ratio, 1e-6 * ratio)
        << "the companion trained on its own thread must match the same config trained alone";
}

// The MoE panels are lesson panel kinds; "layer" picks the MoE block they show, and an unknown kind still fails.
TEST(Lessons, MoePanelsParseWithTheirLayer) {
    auto lesson_with = [](const std::string& panels) {
        return nlohmann::json::parse(R"({
          "id": "moe", "title": "t", "minutes": 1, "paper": {"title": "Switch", "authors": "Fedus et al.", "year": 2021},
          "run": {"model": {"d_model": 16, "n_heads": 2, "n_layers": 2, "d_ff": 16, "seq_len": 8,
                            "moe": {"experts": 4, "every": 2}},
                  "data": {"task": "copy", "digits": 4}},
          "steps": [{"title": "s", "text": "x", "panels": )" + panels + "}]}");
    };
    const Lesson l = parse_lesson(lesson_with(R"(["expert_load", {"kind": "expert_history", "layer": 1},
                                                  "expert_tokens", "router"])"), "moe.json");
    ASSERT_EQ(l.steps[0].panels.size(), 4u);
    EXPECT_EQ(l.steps[0].panels[0].kind, "expert_load");
    EXPECT_EQ(l.steps[0].panels[0].layer, -1) << "no layer: the panel shows the first MoE block";
    EXPECT_EQ(l.steps[0].panels[1].layer, 1);
    EXPECT_EQ(l.steps[0].panels[3].kind, "router");
    try {
        parse_lesson(lesson_with(R"(["expert_loads"])"), "moe.json");
        FAIL() << "an unknown panel kind should be refused";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("expert_load"), std::string::npos) << "the message lists the kinds: " << e.what();
    }
}

// ---- Translations: a sidecar lessons/<lang>/<file> puts its text over the English lesson, aligned by index.

TEST(LessonTranslation, AnAlignedSidecarReplacesTheTextAndNothingElse) {
    const std::string file = std::string(NOAM_TEST_DATA) + "/lessons/language_test.json";
    const Lesson en = load_lesson(file);
    const Lesson zh = load_lesson(file, "zh");
    EXPECT_EQ(zh.translation_note, "");
    EXPECT_EQ(zh.language, "zh");
    EXPECT_EQ(zh.title, "复制一个序列");
    ASSERT_EQ(zh.steps.size(), en.steps.size());
    EXPECT_EQ(zh.steps[0].title, "注意力负责复制");
    ASSERT_EQ(zh.steps[0].paragraphs.size(), 2u);  // "\n\n" splits paragraphs as in English files
    EXPECT_EQ(zh.steps[0].paragraphs[0], "一个小模型学习复制它的输入。");
    EXPECT_EQ(zh.steps[1].paragraphs.size(), 2u);  // or a list of paragraphs
    EXPECT_EQ(zh.steps[0].watch_for[0].text, "损失降到 3 以下");
    EXPECT_EQ(zh.steps[0].knobs[0].label, "学习率");
    EXPECT_EQ(zh.steps[0].known_good[0].text, "一个可行的学习率");
    // the numbers, settings and conditions are the English file's
    EXPECT_EQ(run_config_to_json(zh.run), run_config_to_json(en.run));
    EXPECT_EQ(zh.steps[0].watch_for[0].when.describe(), en.steps[0].watch_for[0].when.describe());
    EXPECT_EQ(zh.steps[0].knobs[0].setting, "optim.lr");
    EXPECT_EQ(zh.steps[0].known_good[0].settings, en.steps[0].known_good[0].settings);
    EXPECT_EQ(zh.steps[0].train.steps, en.steps[0].train.steps);
    EXPECT_EQ(zh.paper.title, en.paper.title) << "the paper's title stays as published";
    // English asked for, or no language: the file as it is
    EXPECT_EQ(load_lesson(file, "en").title, en.title);
    EXPECT_EQ(load_lesson(file, "").title, en.title);
}

TEST(LessonTranslation, RunLabelsAreRenamedEverywhereTheyAreNamed) {
    const std::string file = std::string(NOAM_TEST_DATA) + "/lessons/compare_runs.json";
    const Lesson en = load_lesson(file);
    const Lesson zh = load_lesson(file, "zh");
    ASSERT_EQ(zh.translation_note, "");
    ASSERT_EQ(zh.steps[0].runs.size(), 2u);
    EXPECT_EQ(zh.steps[0].runs[0].label, "Adam 优化器");
    EXPECT_EQ(zh.steps[0].runs[1].label, "SGD 优化器");
    EXPECT_EQ(zh.steps[0].runs[1].set, en.steps[0].runs[1].set);
    EXPECT_EQ(zh.steps[1].runs[1].label, "SGD 优化器") << "a step that inherits the runs inherits their names";
    EXPECT_TRUE(zh.steps[2].runs.empty());
    // the conditions name the runs by their new labels (the renaming is consistent, so they still find them)
    EXPECT_EQ(zh.steps[0].watch_for[0].when.versus, "SGD 优化器");
    EXPECT_EQ(zh.steps[0].watch_for[0].when.run, "Adam 优化器");
    EXPECT_EQ(zh.steps[0].watch_for[1].when.run, "SGD 优化器");
    EXPECT_EQ(zh.steps[0].watch_for[1].when.versus, "Adam 优化器");
}

TEST(LessonTranslation, AMissingSidecarFallsBackToEnglishAndSaysSo) {
    const fs::path dir = fs::temp_directory_path() / ("noam_tr_" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string file = (dir / "language_test.json").string();
    fs::copy_file(std::string(NOAM_TEST_DATA) + "/lessons/language_test.json", file, fs::copy_options::overwrite_existing);
    const Lesson l = load_lesson(file, "zh");
    EXPECT_EQ(l.title, "Copying a sequence");
    EXPECT_EQ(l.language, "en");
    EXPECT_NE(l.translation_note.find("not yet translated"), std::string::npos) << l.translation_note;
    EXPECT_TRUE(translation_files(file).empty());
    fs::remove_all(dir);
}

TEST(LessonTranslation, TheSidecarsOfALessonAreFound) {
    const std::string file = std::string(NOAM_TEST_DATA) + "/lessons/language_test.json";
    const std::vector<std::string> t = translation_files(file);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(fs::path(t[0]).filename(), "language_test.json");
    EXPECT_EQ(fs::path(t[0]).parent_path().filename(), "zh");
    EXPECT_EQ(load_translation_file(t[0]).title, "复制一个序列");
    EXPECT_TRUE(is_translation(read_json_file(t[0])));
    EXPECT_FALSE(is_translation(read_json_file(file)));
}

// Each broken sidecar: `noamlab check` (load_translation_file) names the file, the JSON path and the problem in one
// line; the window's loader (load_lesson(path, "zh")) falls back to English with that line as its note.
TEST(LessonTranslation, EachBrokenSidecarGivesItsMessage) {
    const std::string dir = std::string(NOAM_TEST_DATA) + "/broken_translations/";
    const nlohmann::json expected = read_json_file(std::string(NOAM_TEST_DATA) + "/broken_translations_expected.json");
    ASSERT_GE(expected.size(), 10u);
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        const std::string english = dir + it.key() + ".json", side = dir + "zh/" + it.key() + ".json";
        const std::string want = it.value().get<std::string>();
        try {
            load_translation_file(side);
            ADD_FAILURE() << side << " was accepted";
        } catch (const ConfigError& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(side), std::string::npos) << "the message must name the file: " << msg;
            EXPECT_NE(msg.find(want), std::string::npos) << it.key() << ": expected \"" << want << "\" in: " << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
        } catch (const std::exception& e) {
            ADD_FAILURE() << side << ": not a ConfigError: " << e.what();
        }
        Lesson l;
        ASSERT_NO_THROW(l = load_lesson(english, "zh")) << it.key();
        EXPECT_EQ(l.title, "Copying a sequence") << it.key() << ": the English text stays";
        EXPECT_EQ(l.steps[0].title, "Attention copies") << it.key() << ": all or nothing";
        EXPECT_NE(l.translation_note.find(want), std::string::npos) << it.key() << ": " << l.translation_note;
    }
}
