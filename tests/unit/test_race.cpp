// The race machinery: variant specs and their errors, the statistics worked by hand, determinism whatever the
// number of workers, and the paper's table file.
#include <gtest/gtest.h>

#include <cmath>

#include "json_reader.h"
#include "race.h"

using namespace noam;

static RunConfig tiny_run() {
    return parse_run_config(nlohmann::json::parse(R"({
        "model": {"d_model": 16, "n_heads": 2, "n_layers": 1, "d_ff": 24, "seq_len": 12, "ffn_bias": false},
        "data": {"task": "reverse", "digits": 6},
        "optim": {"lr": 0.01, "label_smoothing": 0.0},
        "train": {"batch_size": 4, "steps": 12, "eval_every": 6, "val_batches": 2, "seed": 5}})"),
                            "tiny.json");
}

static std::string error_of(const std::string& spec) {
    try {
        parse_race_variants(spec, tiny_run(), "--variants");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(Race, VariantSpecs) {
    const auto v = parse_race_variants("ffn=relu,geglu,swiglu", tiny_run(), "--variants");
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[1].label, "geglu");
    ASSERT_EQ(v[1].settings.size(), 1u);
    EXPECT_EQ(v[1].settings[0].first, "model.ffn");  // "ffn" is the only setting ending in .ffn
    EXPECT_EQ(v[1].settings[0].second, "geglu");
    const auto lr = parse_race_variants("optim.lr=0.001,0.003", tiny_run(), "--variants");
    EXPECT_TRUE(lr[0].settings[0].second.is_number());  // numbers stay numbers

    EXPECT_NE(error_of("ffn").find("expected KEY=V1,V2"), std::string::npos) << error_of("ffn");
    EXPECT_NE(error_of("ffn=relu").find("at least two values"), std::string::npos);
    EXPECT_NE(error_of("ffn=relu,,swiglu").find("an empty value"), std::string::npos);
    EXPECT_NE(error_of("ffn=relu,relu").find("listed twice"), std::string::npos);
    EXPECT_NE(error_of("ffn=relu,swishglu").find("--variants: ffn=relu,swishglu: setting model.ffn = \"swishglu\": expected one of"),
              std::string::npos)
        << error_of("ffn=relu,swishglu");
    EXPECT_NE(error_of("fnn=relu,swiglu").find("unknown setting \"fnn\""), std::string::npos) << error_of("fnn=relu,swiglu");
}

TEST(Race, StatisticsWorkedByHand) {
    RaceResult r;
    r.entries.resize(3);
    const float nan = NAN;
    const float losses[3][3] = {{1.0f, 2.0f, 3.0f}, {0.5f, nan, 1.5f}, {nan, nan, nan}};
    for (int e = 0; e < 3; e++) {
        r.entries[e].variant.label = "v" + std::to_string(e);
        for (int s = 0; s < 3; s++) {
            RaceRun run;
            run.final_val_loss = losses[e][s];
            r.entries[e].runs.push_back(run);
        }
    }
    summarize_race(r);
    // {1, 2, 3}: mean 2, sample std sqrt((1 + 0 + 1) / 2) = 1
    EXPECT_DOUBLE_EQ(r.entries[0].mean, 2.0);
    EXPECT_DOUBLE_EQ(r.entries[0].std, 1.0);
    EXPECT_DOUBLE_EQ(r.entries[0].min, 1.0);
    EXPECT_DOUBLE_EQ(r.entries[0].max, 3.0);
    // {0.5, -, 1.5}: the diverged run is left out: mean 1, std sqrt(0.5)
    EXPECT_EQ(r.entries[1].finished, 2);
    EXPECT_DOUBLE_EQ(r.entries[1].mean, 1.0);
    EXPECT_NEAR(r.entries[1].std, std::sqrt(0.5), 1e-12);
    EXPECT_TRUE(std::isnan(r.entries[2].mean));
    EXPECT_EQ(r.entries[1].rank, 1);
    EXPECT_EQ(r.entries[0].rank, 2);
    EXPECT_EQ(r.entries[2].rank, 3);  // nothing finished: last
    EXPECT_EQ(r.best(), &r.entries[1]);
    EXPECT_EQ(r.find("v2"), &r.entries[2]);
}

TEST(Race, SameResultsWithOneOrTwoWorkers) {
    const RunConfig base = tiny_run();
    const auto variants = parse_race_variants("ffn=relu,swiglu", base, "--variants");
    RaceOptions one, two;
    one.seeds = two.seeds = 2;
    one.workers = 1;
    two.workers = 2;
    int reported = 0;
    const RaceResult a = run_race(base, variants, one);
    const RaceResult b = run_race(base, variants, two, [&](const RaceEntry&, const RaceRun&) { reported++; });
    EXPECT_EQ(reported, 4);
    ASSERT_EQ(a.entries.size(), 2u);
    for (size_t e = 0; e < 2; e++) {
        EXPECT_EQ(a.entries[e].params, b.entries[e].params);
        for (size_t s = 0; s < 2; s++) {
            const RaceRun &ra = a.entries[e].runs[s], &rb = b.entries[e].runs[s];
            EXPECT_EQ(ra.seed, base.train.seed + s);
            ASSERT_EQ(ra.history.size(), 12u);
            EXPECT_TRUE(std::isfinite(ra.final_val_loss));
            EXPECT_EQ(ra.final_val_loss, rb.final_val_loss) << "bit for bit, whatever the workers";
            EXPECT_EQ(ra.history[5].val_loss, rb.history[5].val_loss);
        }
    }
    // different seeds are different runs
    EXPECT_NE(a.entries[0].runs[0].final_val_loss, a.entries[0].runs[1].final_val_loss);
    // the variants differ in the kind only: the gated one has the matched hidden size
    EXPECT_EQ(a.entries[0].ffn_hidden, 24);
    EXPECT_EQ(a.entries[1].ffn_hidden, 16);
    EXPECT_EQ(a.entries[0].ffn_params, a.entries[1].ffn_params);  // 2 * 16 * 24 == 3 * 16 * 16
    const nlohmann::json j = race_to_json(a);
    EXPECT_EQ(j["variants"][1]["label"], "swiglu");
    EXPECT_EQ(j["variants"][1]["runs"][0]["val_loss"].size(), 2u);  // evaluated at steps 6 and 12
}

TEST(Race, PaperTableHasTheNumbersPapersMdQuotes) {
    const PaperTable t = load_glu_paper_table(default_glu_paper_table_path());
    // PAPERS.md section 9, the 65,536-step column
    const std::pair<const char*, double> quoted[] = {{"relu", 1.997},  {"gelu", 1.983},     {"swish", 1.994},
                                                     {"glu", 1.982},   {"bilinear", 1.960}, {"geglu", 1.942},
                                                     {"swiglu", 1.944}, {"reglu", 1.953}};
    for (const auto& [kind, value] : quoted) {
        const PaperRow* row = t.find(kind);
        ASSERT_NE(row, nullptr) << kind;
        EXPECT_DOUBLE_EQ(row->at_65k, value) << kind;
        EXPECT_LT(row->at_524k, row->at_65k) << kind << ": longer training, lower loss";
    }
    EXPECT_EQ(t.find("squared_relu"), nullptr);  // Primer's activation is not in the GLU paper
    EXPECT_NE(t.source.find("2002.05202"), std::string::npos);
}

TEST(Race, BrokenPaperTableIsAConfigError) {
    const std::string dir = std::string(NOAM_TEST_DATA);
    try {
        load_glu_paper_table(dir + "/no_such_table.json");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("no_such_table.json"), std::string::npos) << e.what();
    }
}
