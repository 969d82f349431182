// Exports: the StepRecord field table, the history CSV / JSON, file naming, the crop of a frame, attention JSON.
#include <gtest/gtest.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

#include "export.h"

using namespace noam;
using namespace noam::viz;

// The table names every float field of StepRecord once: its size is the struct's float count, the names are
// unique, and writing through each pointer reaches a different field.
TEST(StepRecordFields, EveryFieldOnceInTheSavedRunOrder) {
    const auto fields = step_record_fields();
    EXPECT_EQ(fields.size() * sizeof(float) + sizeof(int), sizeof(StepRecord)) << "a StepRecord field is missing from step_record_fields()";
    std::set<std::string> names;
    StepRecord r;
    for (size_t i = 0; i < fields.size(); i++) {
        EXPECT_TRUE(names.insert(fields[i].name).second) << fields[i].name << " twice";
        r.*fields[i].field = 1000.0f + i;
    }
    for (size_t i = 0; i < fields.size(); i++) EXPECT_EQ(r.*fields[i].field, 1000.0f + i) << fields[i].name;
    // the saved-run format's first columns, in their order (docs/run_format.md)
    EXPECT_STREQ(fields[0].name, "loss");
    EXPECT_STREQ(fields[3].name, "val_loss");
    EXPECT_STREQ(fields[7].name, "tokens_per_sec");
    for (const auto& f : fields)
        EXPECT_EQ(f.kind == StepFieldKind::moe, std::string(f.name).rfind("moe_", 0) == 0) << f.name;
}

static std::vector<StepRecord> two_steps(float base) {
    std::vector<StepRecord> h(2);
    for (int i = 0; i < 2; i++) {
        h[i].step = i + 1;
        h[i].loss = base + 0.1f * i;
        h[i].lr = 3e-4f;
        h[i].val_loss = i == 1 ? base : -1;
        h[i].moe_load_cv = 0.3f;
    }
    return h;
}

static std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, sep)) out.push_back(cell);
    return out;
}

TEST(ExportHistory, CsvHasEveryColumnAndReadsBackTheSameFloats) {
    const auto a = two_steps(2.5f), b = two_steps(1.25f / 3);
    const std::string csv = history_csv({{"adam", &a}, {"adafactor, factored", &b}});
    std::stringstream ss(csv);
    std::string line;
    std::getline(ss, line);
    const auto header = split(line, ',');
    ASSERT_EQ(header.size(), 2 + step_record_fields().size());
    EXPECT_EQ(header[0], "run");
    EXPECT_EQ(header[1], "step");
    EXPECT_EQ(header[2], "loss");
    std::vector<std::string> rows;
    while (std::getline(ss, line)) rows.push_back(line);
    ASSERT_EQ(rows.size(), 4u);
    // a label with a comma is quoted
    EXPECT_EQ(rows[2].rfind("\"adafactor, factored\",1,", 0), 0u) << rows[2];
    const auto cells = split(rows[3].substr(rows[3].find("\",") + 2), ',');  // after the quoted label
    ASSERT_EQ(cells.size(), 1 + step_record_fields().size());
    EXPECT_EQ(cells[0], "2");
    const auto loss_col = 1;  // "loss" follows "step"
    float v = 0;
    std::from_chars(cells[loss_col].data(), cells[loss_col].data() + cells[loss_col].size(), v);
    EXPECT_EQ(v, b[1].loss) << "the CSV text must read back to the same float bits";
    EXPECT_EQ(rows[0].substr(0, 7), "adam,1,");
}

TEST(ExportHistory, JsonIsColumnsPerRun) {
    const auto a = two_steps(2.5f);
    const nlohmann::json j = history_json({{"", &a}});
    ASSERT_EQ(j["runs"].size(), 1u);
    EXPECT_EQ(j["columns"].size(), 1 + step_record_fields().size());
    EXPECT_EQ(j["runs"][0]["step"], nlohmann::json({1, 2}));
    EXPECT_EQ(j["runs"][0]["loss"][1].get<float>(), a[1].loss);
    EXPECT_EQ(j["runs"][0]["val_loss"][0].get<float>(), -1.0f);
    EXPECT_EQ(j["runs"][0]["moe_load_cv"].size(), 2u);
}

TEST(ExportNames, LessonStepPanelTrainingStep) {
    EXPECT_EQ(export_base_name("aiayn-attention", 3, "loss", 120), "aiayn-attention-step3-loss-t120");
    EXPECT_EQ(export_base_name("default", 0, "", 7), "default-window-t7");
    EXPECT_EQ(export_base_name("a b/c", 1, "x.y", 0), "a_b_c-step1-x_y-t0");
}

TEST(ExportNames, NeverOverwrites) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("noamlab-export-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string first = unused_export_path(dir.string(), "x", "png");
    EXPECT_EQ(fs::path(first).filename(), "x.png");
    std::ofstream(first) << "1";
    const std::string second = unused_export_path(dir.string(), "x", "png");
    EXPECT_EQ(fs::path(second).filename(), "x-2.png");
    std::ofstream(second) << "2";
    EXPECT_EQ(fs::path(unused_export_path(dir.string(), "x", "png")).filename(), "x-3.png");
    EXPECT_EQ(fs::path(unused_export_path(dir.string(), "x", "csv")).filename(), "x.csv");
    fs::remove_all(dir);
}

TEST(ExportPicture, CropIsTheRectangleOfThePicture) {
    // a 4 x 3 picture whose pixel (x, y) is (x, y, 7)
    std::vector<uint8_t> rgb;
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 4; x++) rgb.insert(rgb.end(), {(uint8_t)x, (uint8_t)y, 7});
    int w = 0, h = 0;
    const auto c = crop_rgb(rgb, 4, 3, Rect{1, 1, 2, 2}, w, h);
    ASSERT_EQ(w, 2);
    ASSERT_EQ(h, 2);
    EXPECT_EQ(c, (std::vector<uint8_t>{1, 1, 7, 2, 1, 7, 1, 2, 7, 2, 2, 7}));
    crop_rgb(rgb, 4, 3, Rect{3, 2, 10, 10}, w, h);  // clamped to the picture
    EXPECT_EQ(w, 1);
    EXPECT_EQ(h, 1);
    EXPECT_TRUE(crop_rgb(rgb, 4, 3, Rect{9, 9, 2, 2}, w, h).empty());
    const std::string png = encode_png(c, 2, 2);
    ASSERT_GT(png.size(), 8u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
}

TEST(ExportAttention, MapsPerLayerAndHead) {
    Snapshot s;
    s.n_layers = 1;
    s.n_heads = 2;
    s.T = 2;
    s.step = 5;
    s.token_labels = {"a", "b"};
    s.attention = {1, 0, 0.25f, 0.75f, 1, 0, 0.5f, 0.5f};  // (L,H,T,T)
    const nlohmann::json j = attention_json(s);
    ASSERT_EQ(j["maps"].size(), 2u);
    EXPECT_EQ(j["maps"][1]["head"], 1);
    EXPECT_EQ(j["maps"][0]["probs"][1], nlohmann::json({0.25f, 0.75f}));
    EXPECT_EQ(j["tokens"], nlohmann::json({"a", "b"}));
    EXPECT_EQ(j["step"], 5);
    EXPECT_TRUE(expert_assignments_json(s)["layers"].empty());  // dense
}

TEST(ExportExperts, RoutesOfEveryTokenAndLayer) {
    Snapshot s;
    s.step = 9;
    s.token_labels = {"x", "y"};
    MoeRouting r;
    r.layer = 1;
    r.T = 2;
    r.E = 4;
    r.K = 2;
    r.expert = {3, 0, 2, -1};  // token y's second route unused
    r.gate = {0.75f, 0.25f, 1.0f, 0.0f};
    r.processed = {1, 0, 1, 0};
    r.dropped = {0, 1, 0, 0};
    s.moe_watched.push_back(r);
    const nlohmann::json j = expert_assignments_json(s);
    ASSERT_EQ(j["layers"].size(), 1u);
    const auto& l = j["layers"][0];
    EXPECT_EQ(l["layer"], 1);
    EXPECT_EQ(l["experts"], 4);
    ASSERT_EQ(l["tokens"].size(), 2u);
    EXPECT_EQ(l["tokens"][0]["token"], "x");
    ASSERT_EQ(l["tokens"][0]["routes"].size(), 2u);
    EXPECT_EQ(l["tokens"][0]["routes"][0]["expert"], 3);
    EXPECT_EQ(l["tokens"][0]["routes"][0]["gate"].get<float>(), 0.75f);
    EXPECT_EQ(l["tokens"][0]["routes"][1]["dropped"], true);
    EXPECT_EQ(l["tokens"][1]["routes"].size(), 1u);  // the unused route is left out
}
