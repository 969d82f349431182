// The whole model against PyTorch: each tests/data/reference/*.json holds a config, weights, a batch, and the
// logits, loss and every gradient that torch computed in float64 from the papers' equations
// (tests/reference/make_reference.py). We load the same weights, run the batch, and compare.
//
// Metric: NMSE = sum (ours - torch)^2 / sum torch^2 per tensor (ggml's test-backend-ops).
// Why these tolerances: we compute in float32 (unit round-off 6e-8) against a float64 reference, so a correct
// model differs by round-off alone: each value is a sum of a few hundred float32 terms with relative error
// ~1e-7, NMSE ~1e-14..1e-12. Measured on the committed files: logits 8e-15..4e-14, gradients 1e-14..5e-11 (the
// largest for tiny gradients, e.g. the second block's wk in the MQA model, where a sum of larger terms cancels).
// What mistakes cost: a sign or a missing scale NMSE 0.03..4; a wrong GQA head mapping 0.5; GELU's erf form in
// place of the tanh form (logits move by 5e-4) 3e-8 in the logits and 5e-8 in the gradients; eps outside the
// square root in a norm only 1e-11..2e-9, below what float32 can tell apart from round-off here.
//   logits: NMSE < 1e-9   (the forward alone: 4 orders of magnitude above its round-off)
//   grads:  NMSE < 1e-8   (backward adds its own round-off and small tensors carry little signal: 200x above
//                          the worst measured, and still catches the GELU swap above)
//   loss, nll: |ours - torch| < 1e-5 |torch|  (a mean of per-row losses summed in double from float32 logits:
//              ~3e-8 relative measured; any formula slip, e.g. eps/(V-1) for eps/V, is ~1e-2)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"
#include "json_reader.h"
#include "rng.h"
#include "transformer.h"

using namespace noam;

namespace {

constexpr double kLogitsNmse = 1e-9;
constexpr double kGradNmse = 1e-8;
constexpr double kLossRel = 1e-5;

const std::string kReferenceDir = std::string(NOAM_TEST_DATA) + "/reference";

std::vector<std::string> reference_names() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(kReferenceDir, ec))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

struct Diff {
    double nmse = 0, max_abs = 0;
    size_t worst = 0;
};

// NMSE of ours against the reference, and where they differ most
Diff compare(const float* ours, const std::vector<double>& ref) {
    Diff d;
    double err2 = 0, ref2 = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        const double e = (double)ours[i] - ref[i];
        err2 += e * e;
        ref2 += ref[i] * ref[i];
        if (!(std::fabs(e) <= d.max_abs)) {  // also catches NaN
            d.max_abs = std::fabs(e);
            d.worst = i;
        }
    }
    d.nmse = err2 / std::max(ref2, 1e-300);
    if (!std::isfinite(d.nmse)) d.nmse = INFINITY;
    return d;
}

std::string num(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", x);
    return buf;
}

std::string describe(const Diff& d, const float* ours, const std::vector<double>& ref) {
    return "NMSE " + num(d.nmse) + ", max |ours - torch| " + num(d.max_abs) + " at index " + std::to_string(d.worst) +
           " (ours " + num(ours[d.worst]) + ", torch " + num(ref[d.worst]) + ")";
}

// The reference file, loaded: the model (weights copied in by name) and the batch.
struct Reference {
    std::string path;
    nlohmann::json j;
    RunConfig cfg;
    int B = 0, T = 0;
    std::vector<int> tokens, targets;
    std::unique_ptr<TransformerLM> model;

    explicit Reference(const std::string& name) : path(kReferenceDir + "/" + name + ".json") {
        j = read_json_file(path);
        cfg = parse_run_config(j.at("config"), path + " (config)");
        cfg.model.vocab_size = j.at("vocab_size").get<int>();
        const auto& batch = j.at("batch");
        B = batch.at("B").get<int>();
        T = batch.at("T").get<int>();
        tokens = batch.at("tokens").get<std::vector<int>>();
        targets = batch.at("targets").get<std::vector<int>>();
        if (tokens.size() != (size_t)B * T || targets.size() != (size_t)B * T)
            throw std::runtime_error(path + ": batch tokens/targets are not B*T = " + std::to_string(B * T) + " long");
        Rng rng(1);  // the weights it draws are all overwritten below
        model = std::make_unique<TransformerLM>(cfg.model, B, rng);
        model->loss_fn.label_smoothing = j.at("label_smoothing").get<float>();
        load_weights();
    }

    // Every model parameter must be in the file with the same shape, and every file tensor in the model:
    // a rename on either side must fail here, not silently compare fewer tensors.
    void load_weights() {
        std::map<std::string, const nlohmann::json*> file_params;
        for (const auto& p : j.at("params")) file_params[p.at("name").get<std::string>()] = &p;
        ParamStore& ps = model->params;
        for (size_t i = 0; i < ps.params.size(); i++) {
            const Param& p = ps.params[i];
            auto it = file_params.find(p.name);
            if (it == file_params.end())
                throw std::runtime_error(path + ": the model has parameter '" + p.name +
                                         "' but the reference file does not (renamed? regenerate with "
                                         "tests/reference/regenerate.sh)");
            const auto shape = it->second->at("shape").get<std::vector<int>>();
            const auto values = it->second->at("values").get<std::vector<float>>();
            if (shape != p.shape || values.size() != p.size)
                throw std::runtime_error(path + ": parameter '" + p.name + "' has shape " + nlohmann::json(p.shape).dump() +
                                         " (" + std::to_string(p.size) + " values) in the model but " +
                                         nlohmann::json(shape).dump() + " (" + std::to_string(values.size()) +
                                         " values) in the file");
            std::copy(values.begin(), values.end(), ps.w((int)i));
            file_params.erase(it);
        }
        if (!file_params.empty())
            throw std::runtime_error(path + ": the file has parameter '" + file_params.begin()->first +
                                     "' that the model built from its config does not declare");
    }

    const nlohmann::json& torch() const { return j.at("torch"); }
};

}  // namespace

TEST(Reference, FilesPresent) {
    // three configs: pre-norm LayerNorm/tied/MHA/ReLU, post-norm RMSNorm/untied/GQA/GELU, MQA/SwiGLU/no bias
    EXPECT_GE(reference_names().size(), 3u) << "expected the PyTorch reference files in " << kReferenceDir
                                            << " (tests/reference/regenerate.sh writes them)";
}

class ReferenceTorch : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceTorch, LogitsLossAndGradientsMatchPyTorch) {
    std::unique_ptr<Reference> ref;
    try {
        ref = std::make_unique<Reference>(GetParam());
    } catch (const std::exception& e) {
        FAIL() << "cannot load the reference: " << e.what();
    }
    TransformerLM& m = *ref->model;
    const int V = m.cfg.vocab_size;
    const auto& torch = ref->torch();

    m.params.zero_grad();
    const LossStats s = m.forward(ref->tokens.data(), ref->targets.data(), ref->B, ref->T);
    m.backward();

    // forward
    const auto ref_logits = torch.at("logits").get<std::vector<double>>();
    ASSERT_EQ(ref_logits.size(), (size_t)ref->B * ref->T * V) << ref->path << ": torch logits have the wrong size";
    const Diff dl = compare(m.logits.data(), ref_logits);
    EXPECT_LT(dl.nmse, kLogitsNmse) << "logits: " << describe(dl, m.logits.data(), ref_logits)
                                    << " - the forward pass differs from PyTorch (if the gradients are off too, "
                                       "look at the forward first: they follow from it)";
    const double ref_loss = torch.at("loss").get<double>(), ref_nll = torch.at("nll").get<double>();
    EXPECT_NEAR(s.loss, ref_loss, kLossRel * std::fabs(ref_loss))
        << "label-smoothed loss differs from torch's F.cross_entropy(label_smoothing=" << m.loss_fn.label_smoothing
        << ", ignore_index=-1)";
    EXPECT_NEAR(s.nll, ref_nll, kLossRel * std::fabs(ref_nll)) << "plain cross-entropy differs from torch's";

    // backward: every parameter's gradient, by name
    Diff worst_grad;
    std::string worst_grad_name = "(none)";
    std::map<std::string, std::vector<double>> ref_grads;
    for (const auto& g : torch.at("grads")) ref_grads[g.at("name").get<std::string>()] = g.at("values").get<std::vector<double>>();
    EXPECT_EQ(ref_grads.size(), m.params.params.size()) << "torch has gradients for a different set of parameters";
    for (size_t i = 0; i < m.params.params.size(); i++) {
        const Param& p = m.params.params[i];
        auto it = ref_grads.find(p.name);
        if (it == ref_grads.end()) {
            ADD_FAILURE() << "no torch gradient for '" << p.name << "' in " << ref->path;
            continue;
        }
        if (it->second.size() != p.size) {
            ADD_FAILURE() << "torch gradient for '" << p.name << "' has " << it->second.size() << " values, the model "
                          << p.size;
            continue;
        }
        const float* ours = m.params.g((int)i);
        const Diff dg = compare(ours, it->second);
        if (dg.nmse > worst_grad.nmse) {
            worst_grad = dg;
            worst_grad_name = p.name;
        }
        EXPECT_LT(dg.nmse, kGradNmse) << "d(" << p.name << "): " << describe(dg, ours, it->second)
                                      << " - if the logits match, the backward of this layer (or of a later one "
                                         "whose gradient flows into it) is wrong";
    }
    std::printf("  vs torch: logits NMSE %.3g, loss %.9f (torch %.9f), worst gradient NMSE %.3g (%s)\n", dl.nmse,
                s.loss, ref_loss, worst_grad.nmse, worst_grad_name.c_str());
}

INSTANTIATE_TEST_SUITE_P(Reference, ReferenceTorch, ::testing::ValuesIn(reference_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ReferenceTorch);  // no files: FilesPresent fails with the reason
