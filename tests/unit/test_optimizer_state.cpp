// What optimizers keep: state sizes per tensor, live and worked out from shapes (Adam 2 n m, Adafactor n + m,
// plus n m with momentum); the optimizer block of a snapshot (the watched matrix's V, its rank-1 estimate and
// R, C); the step statistics in the history; the optimizer conditions lessons can test; the new panel option.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "adafactor.h"
#include "lesson.h"
#include "lesson_metrics.h"
#include "optimizer_state.h"
#include "snapshot.h"
#include "trainer.h"

using namespace noam;

namespace {

ParamStore two_tensors() {  // a 64 x 256 matrix and a 256 vector, as an FFN's W1 and bias
    ParamStore ps;
    ps.declare("w", {64, 256});
    ps.declare("b", {256});
    ps.allocate();
    return ps;
}

OptimConfig kind(const std::string& k, float beta1 = 0.0f, float momentum = 0.9f) {
    OptimConfig c;
    c.kind = k;
    c.beta1 = beta1;
    c.momentum = momentum;
    return c;
}

RunConfig small_run(const std::string& optimizer) {
    RunConfig cfg = load_run_config(std::string(NOAM_SOURCE_DIR) + "/configs/default.json");
    cfg.optim.kind = optimizer;
    if (optimizer == "adafactor") cfg.optim.beta1 = 0;
    cfg.train.steps = 20;
    cfg.train.threads = 1;
    return cfg;
}

}  // namespace

TEST(OptimizerMemory, AdafactorKeepsRowsPlusColumnsAdamTwiceTheParameters) {
    const ParamStore ps = two_tensors();
    const size_t n = 64, m = 256, nm = n * m;
    const OptimizerMemory adam = optimizer_memory(kind("adam", 0.9f), ps.params);
    EXPECT_EQ(adam.tensors[0].floats(), 2 * nm);
    EXPECT_EQ(adam.tensors[1].floats(), 2 * m);
    EXPECT_EQ(adam.floats, 2 * (nm + m));
    EXPECT_EQ(adam.bytes(), 4 * 2 * (nm + m));
    EXPECT_DOUBLE_EQ(adam.floats_per_param(), 2.0);
    const OptimizerMemory af = optimizer_memory(kind("adafactor"), ps.params);
    EXPECT_EQ(af.optimizer, "Adafactor");
    EXPECT_EQ(af.tensors[0].floats(), n + m);  // R and C
    EXPECT_EQ(af.tensors[0].arrays[0].name, "R");
    EXPECT_EQ(af.tensors[0].arrays[1].name, "C");
    EXPECT_EQ(af.tensors[1].floats(), m);      // a vector keeps its full V (Algorithm 5)
    const OptimizerMemory afm = optimizer_memory(kind("adafactor", 0.9f), ps.params);
    EXPECT_EQ(afm.tensors[0].floats(), n + m + nm);  // momentum: n m more
    EXPECT_EQ(afm.tensors[1].floats(), 2 * m);
    EXPECT_EQ(optimizer_memory(kind("sgd", 0, 0.9f), ps.params).floats, nm + m);
    EXPECT_EQ(optimizer_memory(kind("sgd", 0, 0.0f), ps.params).floats, 0u);
    EXPECT_EQ(optimizer_memory(kind("sgd", 0, 0.0f), ps.params).optimizer, "SGD");
}

// the analytic form and the live optimizer agree, array by array, for every kind
TEST(OptimizerMemory, LiveOptimizersKeepWhatTheShapesPredict) {
    const ParamStore ps = two_tensors();
    for (const OptimConfig& c : {kind("adam", 0.9f), kind("adamw", 0.9f), kind("adafactor"), kind("adafactor", 0.9f),
                                 kind("sgd", 0, 0.9f), kind("sgd", 0, 0.0f)}) {
        const auto opt = make_optimizer(c, ps);
        const OptimizerMemory live = optimizer_memory(*opt, ps), shapes = optimizer_memory(c, ps.params);
        SCOPED_TRACE(c.kind + " beta1 " + std::to_string(c.beta1) + " momentum " + std::to_string(c.momentum));
        EXPECT_EQ(live.optimizer, shapes.optimizer);
        EXPECT_EQ(live.floats, shapes.floats);
        EXPECT_EQ(live.floats, opt->state_floats());
        ASSERT_EQ(live.tensors.size(), shapes.tensors.size());
        for (size_t i = 0; i < live.tensors.size(); i++) {
            ASSERT_EQ(live.tensors[i].arrays.size(), shapes.tensors[i].arrays.size());
            for (size_t k = 0; k < live.tensors[i].arrays.size(); k++) {
                EXPECT_EQ(live.tensors[i].arrays[k].name, shapes.tensors[i].arrays[k].name);
                EXPECT_EQ(live.tensors[i].arrays[k].shape, shapes.tensors[i].arrays[k].shape);
                EXPECT_NE(live.tensors[i].arrays[k].data, nullptr);
                EXPECT_EQ(shapes.tensors[i].arrays[k].data, nullptr);
            }
        }
    }
}

TEST(OptimizerMemory, ModelShapesWithoutTraining) {
    RunConfig cfg = small_run("adam");
    Trainer tr(cfg);
    const std::vector<Param> shapes = model_param_shapes(tr.cfg.model);
    ASSERT_EQ(shapes.size(), tr.model->params.params.size());
    for (size_t i = 0; i < shapes.size(); i++) {
        EXPECT_EQ(shapes[i].name, tr.model->params.params[i].name);
        EXPECT_EQ(shapes[i].shape, tr.model->params.params[i].shape);
    }
    // the S model's FFN W1 (64 x 256): Adam 32768 floats, Adafactor 320
    const OptimizerMemory af = optimizer_memory(kind("adafactor"), shapes);
    const int w1 = tr.model->params.find("blocks.0.ffn.w1.w");
    ASSERT_GE(w1, 0);
    EXPECT_EQ(af.tensors[w1].floats(), 64u + 256u);
    EXPECT_EQ(adam_memory(shapes).tensors[w1].floats(), 2u * 64 * 256);
}

TEST(OptimizerSnapshot, AdafactorWatchedMatrixCarriesExactVAndItsRankOneEstimate) {
    Trainer tr(small_run("adafactor"));
    const int w1 = tr.model->params.find("blocks.0.ffn.w1.w");
    tr.watch_param(w1);  // before the first step: V is exact from the start
    Snapshot s0;
    capture_watched(tr, s0);
    EXPECT_EQ(s0.watched_param, "blocks.0.ffn.w1.w");
    EXPECT_TRUE(s0.watched_v.empty());  // no step yet
    for (int i = 0; i < 5; i++) ASSERT_TRUE(tr.step());
    Snapshot s;
    capture_watched(tr, s);
    const size_t nm = 64 * 256;
    EXPECT_EQ(s.watched_rows, 64);
    EXPECT_EQ(s.watched_cols, 256);
    EXPECT_EQ(s.watched_v_kind, "exact V");
    EXPECT_EQ(s.watched_since, 0);
    ASSERT_EQ(s.watched_v.size(), nm);
    ASSERT_EQ(s.watched_v_hat.size(), nm);
    ASSERT_EQ(s.watched_grad_sq.size(), nm);
    ASSERT_EQ(s.watched_R.size(), 64u);
    ASSERT_EQ(s.watched_C.size(), 256u);
    // the estimate keeps the row sums of the decayed G^2 sums: sum_j Vhat_ij = R_i, and so does the exact V
    // (R_t is the row sum of V_t: both follow the same recurrence)
    for (int i = 0; i < 64; i += 9) {
        double vh = 0, v = 0;
        for (int j = 0; j < 256; j++) {
            vh += s.watched_v_hat[i * 256 + j];
            v += s.watched_v[i * 256 + j];
        }
        EXPECT_NEAR(vh, s.watched_R[i], 1e-4 * s.watched_R[i]);
        EXPECT_NEAR(v, s.watched_R[i], 1e-4 * s.watched_R[i]);
    }
    EXPECT_GT(s.watched_rel_error, 0.0f);
    EXPECT_LT(s.watched_rel_error, 10.0f);
    EXPECT_NEAR(s.watched_rel_error, tr.history.back().second_moment_error, 1e-5);
    // memory: the run's optimizer against Adam for the same model
    EXPECT_EQ(s.optimizer_memory.optimizer, "Adafactor");
    EXPECT_NEAR(s.optimizer_memory_ratio, (double)s.optimizer_memory.floats / (2.0 * tr.model->num_params()), 1e-12);
    EXPECT_LT(s.optimizer_memory_ratio, 0.1);
    // unwatched: the pictures' fields stay empty and the exact V is gone
    tr.watch_param(-1);
    Snapshot off;
    capture_watched(tr, off);
    EXPECT_TRUE(off.watched_param.empty());
    EXPECT_TRUE(off.watched_v.empty());
    EXPECT_TRUE(static_cast<const Adafactor&>(*tr.optim).V_exact.empty());
}

TEST(OptimizerSnapshot, AdamShowsItsBiasCorrectedVAndWhatAdafactorWouldKeep) {
    Trainer tr(small_run("adam"));
    const int wq = tr.model->params.find("blocks.1.attn.wq.w");
    tr.watch_param(wq);
    for (int i = 0; i < 3; i++) ASSERT_TRUE(tr.step());
    Snapshot s;
    capture_watched(tr, s);
    EXPECT_EQ(s.watched_v_kind, "Adam's v");
    const Adam& adam = static_cast<const Adam&>(*tr.optim);
    const Param& p = tr.model->params.params[wq];
    const double bc = 1.0 - std::pow((double)adam.beta2, 3.0);
    for (size_t k = 0; k < p.size; k += 101) EXPECT_NEAR(s.watched_v[k], adam.v[p.offset + k] / bc, 1e-6 * s.watched_v[k] + 1e-30);
    double total_r = 0, total_c = 0, total_v = 0;
    for (float r : s.watched_R) total_r += r;
    for (float c : s.watched_C) total_c += c;
    for (float v : s.watched_v) total_v += v;
    EXPECT_NEAR(total_r, total_v, 1e-4 * total_v);
    EXPECT_NEAR(total_c, total_v, 1e-4 * total_v);
    EXPECT_GT(s.watched_rel_error, 0.0f);
    EXPECT_DOUBLE_EQ(s.optimizer_memory_ratio, 1.0);
    EXPECT_EQ(tr.history.back().update_rms, 0.0f);  // Adafactor's statistics: zero for Adam
}

TEST(OptimizerSnapshot, OnlyMatricesCanBeWatched) {
    Trainer tr(small_run("adafactor"));
    tr.watch_param(tr.model->params.find("blocks.0.ffn.w1.b"));  // a bias
    EXPECT_EQ(tr.watched_param, -1);
    tr.watch_param(100000);
    EXPECT_EQ(tr.watched_param, -1);
}

TEST(OptimizerSnapshot, StepRecordCarriesAdafactorStatistics) {
    Trainer tr(small_run("adafactor"));
    for (int i = 0; i < 4; i++) ASSERT_TRUE(tr.step());
    const StepRecord& r = tr.history.back();
    const Adafactor& af = static_cast<const Adafactor&>(*tr.optim);
    EXPECT_FLOAT_EQ(r.beta2hat, 1.0f - std::pow(4.0f, -0.8f));
    EXPECT_FLOAT_EQ(r.rho, 1e-2f);
    EXPECT_EQ(r.update_rms, af.last.update_rms_all);
    EXPECT_EQ(r.clipped_fraction, af.last.clipped_fraction);
    EXPECT_EQ(r.alpha, af.last.alpha_mean);
    EXPECT_GT(r.update_rms, 0.0f);
    EXPECT_EQ(r.second_moment_error, 0.0f);  // nothing watched
}

TEST(LessonMetrics, OptimizerConditions) {
    Snapshot s;
    std::vector<StepRecord> h(12);
    for (size_t i = 0; i < h.size(); i++) {
        h[i].update_rms = i < 2 ? 100.0f : 0.5f;                  // the first two fall out of the last-10 window
        h[i].clipped_fraction = i == 11 ? 0.3f : 0.0f;
    }
    Condition c;
    c.metric = "update_rms";
    EXPECT_NEAR(metric_value(c, s, h), 0.5, 1e-7);
    c.metric = "update_clipped_fraction";
    EXPECT_NEAR(metric_value(c, s, h), 0.03, 1e-7);
    EXPECT_TRUE(std::isnan(metric_value(c, s, {})));
    c.metric = "optimizer_memory_ratio";
    EXPECT_TRUE(std::isnan(metric_value(c, s, h)));  // no optimizer captured yet
    Trainer tr(small_run("adafactor"));
    capture_watched(tr, s);
    c.op = "<";
    c.value = 0.1;
    EXPECT_TRUE(condition_holds(c, s, h));
}

TEST(Lesson, OptimizerPanelsAndConditionsParse) {
    const nlohmann::json j = nlohmann::json::parse(R"({
      "id": "opt", "title": "t", "minutes": 1, "paper": {"title": "Adafactor", "authors": "Shazeer, Stern", "year": 2018},
      "run": {"model": {"d_model": 16, "n_heads": 2, "n_layers": 1, "d_ff": 32, "seq_len": 8},
              "data": {"task": "copy", "digits": 4}, "optim": {"kind": "adafactor"}},
      "steps": [{"title": "s", "text": "x",
                 "panels": ["optimizer_memory", {"kind": "second_moment", "options": {"param": "blocks.0.attn.wq.w"}},
                            "optimizer_stats"],
                 "train": {"for_steps": 10},
                 "watch_for": [{"text": "less memory", "when": {"metric": "optimizer_memory_ratio", "op": "<", "value": 0.2}},
                               {"text": "clipping", "when": {"metric": "update_clipped_fraction", "op": ">", "value": 0}}]}]})");
    const Lesson l = parse_lesson(j, "opt.json");
    ASSERT_EQ(l.steps[0].panels.size(), 3u);
    EXPECT_EQ(l.steps[0].panels[1].options["param"], "blocks.0.attn.wq.w");
}

TEST(Lesson, SecondMomentPanelNamesAWeightMatrix) {
    auto lesson_with = [](const std::string& options) {
        return nlohmann::json::parse(R"({
          "id": "opt", "title": "t", "minutes": 1, "paper": {"title": "Adafactor", "authors": "Shazeer, Stern", "year": 2018},
          "run": {"model": {"d_model": 16, "n_heads": 2, "n_layers": 1, "d_ff": 32, "seq_len": 8},
                  "data": {"task": "copy", "digits": 4}},
          "steps": [{"title": "s", "text": "x", "panels": [{"kind": "second_moment", "options": )" + options + "}]}]}");
    };
    auto error_of = [&](const std::string& options) {
        try {
            parse_lesson(lesson_with(options), "opt.json");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(error_of(R"({"param": "blocks.0.ffn.w2.w"})"), "no error");
    const std::string bias = error_of(R"({"param": "blocks.0.ffn.w1.b"})");
    EXPECT_NE(bias.find("opt.json: /steps/0/panels/0/options/param"), std::string::npos) << bias;
    EXPECT_NE(bias.find("not a weight matrix"), std::string::npos) << bias;
    EXPECT_NE(bias.find("blocks.0.ffn.w1.w"), std::string::npos) << bias;  // the list to choose from
    EXPECT_NE(error_of(R"({"param": "blocks.3.ffn.w1.w"})").find("not a weight matrix"), std::string::npos);
    EXPECT_NE(error_of(R"({"param": 3})").find("/options/param"), std::string::npos);
    EXPECT_NE(error_of(R"({"parm": "x"})").find("/options/parm: unknown key"), std::string::npos) << error_of(R"({"parm": "x"})");
}
