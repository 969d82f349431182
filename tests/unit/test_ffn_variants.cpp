// The feed-forward kinds on a hand-worked example, the GLU paper's parameter matching (hidden = 2/3 d_ff),
// and the config keys that choose them (ffn_bias defaults, ffn_match_params).
#include <gtest/gtest.h>

#include <cmath>

#include "config.h"
#include "ffn.h"
#include "json_reader.h"
#include "snapshot.h"
#include "trainer.h"
#include "transformer.h"

using namespace noam;

// One token, d = 2, hidden = 2, no biases:
//   x = [1.5, -0.5], W1 = I (so a = x W1 = [1.5, -0.5]), V = 2 I (u = x V = [3, -1]), W2 = [[1, 2], [3, 4]]
//   ungated: h = act(a)          gated: h = act(a) * u          y = h W2 = [h0 + 3 h1, 2 h0 + 4 h1]
// Worked out:
//   relu          h = [1.5, 0]                                  y = [1.5, 3]
//   squared_relu  h = [2.25, 0]                                 y = [2.25, 4.5]
//   swish         h = [1.5 s(1.5), -0.5 s(-0.5)] = [1.2263622, -0.1887703]   (s = sigmoid)
//   gelu (tanh)   h = [1.3995715, -0.1542859]; gelu_erf h = [1.3997504, -0.1542675]
//   glu           h = [3 s(1.5), -s(-0.5)] = [2.4527207, -0.3775407]
//   bilinear      h = [4.5, 0.5];   reglu h = [4.5, 0]
//   geglu         h = [3 gelu(1.5), -gelu(-0.5)];   swiglu h = [3 swish(1.5), -swish(-0.5)]
// (the y values below come from these with Python's math module, independently of ffn.cpp)
struct Expected {
    FfnKind kind;
    float y0, y1;
};
static const Expected kExpected[] = {
    {FfnKind::ReLU, 1.5f, 3.0f},
    {FfnKind::GELU, 0.9367136f, 2.181999f},
    {FfnKind::GELU_erf, 0.9369829f, 2.182503f},
    {FfnKind::Swish, 0.6600507f, 1.697642f},
    {FfnKind::SquaredReLU, 2.25f, 4.5f},
    {FfnKind::GLU, 1.320101f, 3.395284f},
    {FfnKind::Bilinear, 6.0f, 11.0f},
    {FfnKind::ReGLU, 4.5f, 9.0f},
    {FfnKind::GEGLU, 4.661573f, 9.014573f},
    {FfnKind::SwiGLU, 4.245396f, 8.113252f},
};

TEST(FfnVariants, ForwardOnAHandWorkedExampleForEveryKind) {
    for (const Expected& e : kExpected) {
        ParamStore ps;
        FFN ffn;
        ffn.declare(ps, "ffn", e.kind, 2, 2, false);
        ps.allocate();
        ffn.reserve(1);
        const float w1[] = {1, 0, 0, 1}, v[] = {2, 0, 0, 2}, w2[] = {1, 2, 3, 4};
        std::copy(w1, w1 + 4, ps.w(ffn.w1.w_index));
        if (is_gated(e.kind)) std::copy(v, v + 4, ps.w(ffn.v.w_index));
        std::copy(w2, w2 + 4, ps.w(ffn.w2.w_index));
        const float x[] = {1.5f, -0.5f};
        float y[2] = {0, 0};
        ffn.forward(x, y, 1);
        // float32 activations against float64 Python: a few ulps of 10
        EXPECT_NEAR(y[0], e.y0, 2e-6f * std::max(1.0f, std::fabs(e.y0))) << to_string(e.kind);
        EXPECT_NEAR(y[1], e.y1, 2e-6f * std::max(1.0f, std::fabs(e.y1))) << to_string(e.kind);
    }
}

TEST(FfnVariants, MatchedHiddenSizeIsTheNearestIntegerToTwoThirds) {
    EXPECT_EQ(glu_matched_hidden(3072), 2048);  // the paper's T5-base: 3072 -> 2048
    EXPECT_EQ(glu_matched_hidden(256), 171);    // 170.67
    EXPECT_EQ(glu_matched_hidden(128), 85);     // 85.33
    EXPECT_EQ(glu_matched_hidden(96), 64);
    EXPECT_EQ(glu_matched_hidden(1), 1);        // never 0
    // 3 d h against 2 d d_ff: the rounding leaves at most one row of d weights
    for (int d_ff = 1; d_ff <= 4096; d_ff++) {
        const int h = glu_matched_hidden(d_ff);
        ASSERT_LE(std::abs(3 * h - 2 * d_ff), 1) << "d_ff " << d_ff;
    }
    EXPECT_EQ(ffn_param_count(FfnKind::ReLU, 768, 3072, false), ffn_param_count(FfnKind::SwiGLU, 768, 2048, false));
    EXPECT_EQ(ffn_param_count(FfnKind::ReLU, 4, 6, true), 4u * 6 + 6 + 6 * 4 + 4);
    EXPECT_EQ(ffn_param_count(FfnKind::GEGLU, 4, 6, true), 2 * (4u * 6 + 6) + 6 * 4 + 4);
}

static ModelConfig small_model(FfnKind k, int d_ff) {
    ModelConfig m;
    m.vocab_size = 12;
    m.d_model = 16;
    m.n_heads = 2;
    m.n_layers = 2;
    m.d_ff = d_ff;
    m.seq_len = 8;
    m.ffn = k;
    m.ffn_bias = false;
    return m;
}

static size_t ffn_params_of(const ModelSummary& s) {
    for (const auto& p : s.parts)
        if (p.name == "blocks.0.ffn") return p.params;
    return 0;
}

TEST(FfnVariants, GatedModelsMatchTheReluModelsParameters) {
    for (int d_ff : {24, 32, 64, 100}) {
        Rng rng(1);
        TransformerLM relu(small_model(FfnKind::ReLU, d_ff), 1, rng);
        const ModelSummary rs = summarize(relu);
        EXPECT_EQ(rs.ffn_hidden, d_ff);
        EXPECT_EQ(rs.ffn_note, "");
        for (FfnKind k : {FfnKind::GLU, FfnKind::Bilinear, FfnKind::ReGLU, FfnKind::GEGLU, FfnKind::SwiGLU}) {
            TransformerLM gated(small_model(k, d_ff), 1, rng);
            const ModelSummary gs = summarize(gated);
            EXPECT_EQ(gs.ffn_hidden, glu_matched_hidden(d_ff));
            const long diff = (long)ffn_params_of(gs) - (long)ffn_params_of(rs);
            EXPECT_LE(std::labs(diff), 16) << to_string(k) << " d_ff " << d_ff << ": within one row of d_model";
            EXPECT_EQ(std::labs((long)gs.total_params - (long)rs.total_params), std::labs(diff) * 2) << "two layers";
            EXPECT_EQ((size_t)ffn_params_of(gs), ffn_param_count(k, 16, gs.ffn_hidden, false));
        }
    }
    // the summary says how d_ff became the hidden size: 3 * 16 * 21 - 2 * 16 * 32 = -16
    Rng rng(1);
    TransformerLM m(small_model(FfnKind::SwiGLU, 32), 1, rng);
    EXPECT_EQ(summarize(m).ffn_note, "d_ff 32 -> 21 (2/3 for swiglu's three matrices; -16 params per layer vs the relu FFN)");
    // switched off: the hidden size is d_ff, half as many parameters again
    ModelConfig off = small_model(FfnKind::SwiGLU, 32);
    off.ffn_match_params = false;
    TransformerLM wide(off, 1, rng);
    EXPECT_EQ(summarize(wide).ffn_hidden, 32);
    EXPECT_EQ(ffn_params_of(summarize(wide)), 3u * 16 * 32);
}

static RunConfig parse(const std::string& model_json) {
    return parse_run_config(nlohmann::json::parse(R"({"model": )" + model_json + R"(, "data": {"task": "copy"}})"),
                            "test.json");
}

TEST(FfnVariants, ConfigDefaultsFollowThePapers) {
    const RunConfig relu = parse(R"({"ffn": "relu", "d_ff": 96})");
    EXPECT_TRUE(relu.model.ffn_bias);  // Vaswani et al.: max(0, x W1 + b1) W2 + b2
    EXPECT_EQ(relu.model.ffn_hidden(), 96);
    const RunConfig swiglu = parse(R"({"ffn": "swiglu", "d_ff": 96})");
    EXPECT_FALSE(swiglu.model.ffn_bias);  // Shazeer 2020: no biases
    EXPECT_TRUE(swiglu.model.ffn_match_params);
    EXPECT_EQ(swiglu.model.ffn_hidden(), 64);
    const RunConfig wide = parse(R"({"ffn": "swiglu", "d_ff": 96, "ffn_match_params": false, "ffn_bias": true})");
    EXPECT_EQ(wide.model.ffn_hidden(), 96);
    EXPECT_TRUE(wide.model.ffn_bias);
    EXPECT_EQ(parse(R"({"ffn": "squared_relu", "d_ff": 96})").model.ffn_hidden(), 96);  // ungated: never changed

    // a knob (or a race) changes one setting: the kind, never the bias, so the kinds compared have the same biases
    EXPECT_TRUE(with_setting(relu, "model.ffn", "swiglu", "test.json", "/knob").model.ffn_bias);
    EXPECT_FALSE(with_setting(swiglu, "model.ffn", "relu", "test.json", "/knob").model.ffn_bias);
    // the run record keeps the key, and reading it back gives the same model
    const RunConfig again = parse_run_config(run_config_to_json(wide), "again.json");
    EXPECT_FALSE(again.model.ffn_match_params);
    EXPECT_EQ(again.model.ffn_hidden(), 96);
}

TEST(FfnVariants, BadFfnSettingsNameTheirPath) {
    try {
        parse(R"({"ffn": "swiglu", "ffn_match_params": "yes"})");
        FAIL() << "a string for a boolean was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("test.json: /model/ffn_match_params: expected"), std::string::npos) << e.what();
    }
    try {
        parse(R"({"ffn": "swishglu"})");
        FAIL() << "an unknown kind was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("/model/ffn: expected one of relu"), std::string::npos) << e.what();
    }
    const RunConfig c = parse(R"({"ffn": "relu"})");
    try {
        with_setting(c, "model.ffn_match_params", 3, "lesson.json", "/steps/0/set");
        FAIL() << "a number for a boolean knob was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("lesson.json: /steps/0/set: setting model.ffn_match_params = 3"), std::string::npos)
            << e.what();
    }
}

// capture_watched's [FFN activations] block: the gate act(x W) and the product act(x W) * (x V) of every layer,
// recomputed here from the FFN's own cache of x W and x V for the watched example.
TEST(FfnVariants, SnapshotCapturesTheWatchedExamplesFfnActivations) {
    for (const char* kind : {"relu", "swiglu"}) {
        RunConfig c = parse(std::string(R"({"ffn": ")") + kind + R"(", "d_model": 16, "n_heads": 2, "n_layers": 2, "d_ff": 24, "seq_len": 12})");
        c.train.batch_size = 2;
        Trainer tr(c);
        for (int i = 0; i < 3; i++) tr.step();
        Snapshot s;
        capture_watched(tr, s);
        const int H = c.model.ffn_hidden();
        EXPECT_EQ(s.ffn_kind, kind);
        EXPECT_EQ(s.ffn_hidden, H);
        ASSERT_EQ(s.ffn_gate.size(), (size_t)2 * s.T * H);
        const bool gated = std::string(kind) == "swiglu";
        EXPECT_EQ(s.ffn_gated, gated);
        ASSERT_EQ(s.ffn_product.size(), gated ? s.ffn_gate.size() : 0u);
        size_t zeros = 0, negative_inputs = 0;
        for (int l = 0; l < 2; l++) {
            const FFN& f = tr.model->blocks[l].ffn;  // still holds the watched example's forward
            for (size_t i = 0; i < (size_t)s.T * H; i++) {
                const float a = f.a[i], g = s.ffn_gate[l * s.T * H + i];
                if (gated) {
                    EXPECT_FLOAT_EQ(g, a / (1.0f + std::exp(-a)));                        // swish(x W)
                    EXPECT_FLOAT_EQ(s.ffn_product[l * s.T * H + i], g * f.u[i]);           // * (x V)
                } else {
                    EXPECT_EQ(g, a > 0 ? a : 0.0f);                                       // max(0, x W1 + b1)
                }
                zeros += g == 0.0f;
                negative_inputs += a <= 0.0f;
            }
        }
        // ReLU: every unit with a non-positive input is an exact zero (about half at this early stage);
        // Swish is zero only at exactly 0
        if (gated) EXPECT_EQ(zeros, 0u);
        else {
            EXPECT_EQ(zeros, negative_inputs);
            EXPECT_GT(zeros, s.ffn_gate.size() / 5);
        }
    }
}
