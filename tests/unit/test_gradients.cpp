// Every backward pass against finite differences: each layer alone, then the whole model in several configs.
#include <gtest/gtest.h>

#include "attention.h"
#include "embedding.h"
#include "ffn.h"
#include "grad_check.h"
#include "linear.h"
#include "loss.h"
#include "norm.h"
#include "transformer.h"

using namespace noam;
using namespace noam::test;

TEST(Gradients, LinearWithBias) {
    ParamStore ps;
    Linear lin;
    lin.declare(ps, "lin", 7, 5, true);
    ps.allocate();
    Rng rng(1);
    lin.reserve(6);
    lin.init(rng, 0.5f);
    for (int j = 0; j < 5; j++) ps.w(lin.b_index)[j] = 0.1f * rng.normal();
    std::vector<float> x = random_vector(rng, 6 * 7), y(6 * 5);
    const std::vector<float> R = random_vector(rng, y.size());
    auto loss = [&] { lin.forward(x.data(), y.data(), 6); return weighted_sum(y.data(), R); };
    check_layer("linear", ps, &x, loss, [&](float* dx) { lin.backward(R.data(), dx, 6); });
}

TEST(Gradients, LayerNormAndRMSNorm) {
    for (NormKind kind : {NormKind::LayerNorm, NormKind::RMSNorm}) {
        ParamStore ps;
        Norm norm;
        norm.declare(ps, "norm", kind, 8);
        ps.allocate();
        norm.reserve(5);
        Rng rng(2);
        norm.init();
        for (size_t i = 0; i < ps.count(); i++) ps.values[i] += 0.3f * rng.normal();  // not just 1 and 0
        std::vector<float> x = random_vector(rng, 5 * 8), y(5 * 8);
        const std::vector<float> R = random_vector(rng, y.size());
        auto loss = [&] { norm.forward(x.data(), y.data(), 5); return weighted_sum(y.data(), R); };
        check_layer(to_string(kind), ps, &x, loss, [&](float* dx) { norm.backward(R.data(), dx, 5); });
    }
}

TEST(Gradients, AttentionMHAGQAMQACausalAndNot) {
    struct Case { int heads, kv; bool causal, scale; };
    for (Case c : {Case{4, 4, true, true}, Case{4, 2, true, true}, Case{4, 1, true, true}, Case{2, 2, false, true},
                   Case{2, 1, false, false}}) {
        const int B = 2, T = 5, D = 8;
        ParamStore ps;
        Attention attn;
        attn.declare(ps, "attn", D, c.heads, c.kv, c.causal);
        attn.scale_scores = c.scale;
        ps.allocate();
        attn.reserve(B, T);
        Rng rng(3);
        attn.init(rng, 1.0f);
        std::vector<float> x = random_vector(rng, (size_t)B * T * D), y(x.size());
        const std::vector<float> R = random_vector(rng, y.size());
        auto loss = [&] { attn.forward(x.data(), y.data(), B, T); return weighted_sum(y.data(), R); };
        const std::string what = "attention H=" + std::to_string(c.heads) + " KV=" + std::to_string(c.kv) +
                                 (c.causal ? " causal" : " full") + (c.scale ? "" : " unscaled");
        check_layer(what, ps, &x, loss, [&](float* dx) { attn.backward(R.data(), dx); });
    }
}

// Talking heads and Primer's dconv, alone, together, with GQA/MQA, causal and not. The mixing matrices and the
// convolution taps start as the identity; they are randomized here so that every term of their backward counts.
TEST(Gradients, TalkingHeadsAndDConv) {
    struct Case { int heads, kv; bool causal, talking; int dconv; };
    for (Case c : {Case{4, 4, true, true, 0}, Case{4, 2, true, true, 0}, Case{2, 2, false, true, 0},
                   Case{4, 4, true, false, 3}, Case{4, 1, true, false, 2}, Case{4, 2, true, true, 3},
                   Case{2, 1, false, true, 3}}) {
        const int B = 2, T = 5, D = 8;
        ParamStore ps;
        Attention attn;
        attn.declare(ps, "attn", D, c.heads, c.kv, c.causal, c.talking, c.dconv);
        ps.allocate();
        attn.reserve(B, T);
        Rng rng(31);
        attn.init(rng, 1.0f);
        for (int index : {attn.talk_pre_index, attn.talk_post_index, attn.dconv_index[0], attn.dconv_index[1],
                          attn.dconv_index[2]})
            if (index >= 0)
                for (size_t i = 0; i < ps.params[index].size; i++) ps.w(index)[i] += 0.5f * rng.normal();
        std::vector<float> x = random_vector(rng, (size_t)B * T * D), y(x.size());
        const std::vector<float> R = random_vector(rng, y.size());
        auto loss = [&] { attn.forward(x.data(), y.data(), B, T); return weighted_sum(y.data(), R); };
        const std::string what = "attention H=" + std::to_string(c.heads) + " KV=" + std::to_string(c.kv) +
                                 (c.causal ? " causal" : " full") + (c.talking ? " talking-heads" : "") +
                                 (c.dconv ? " dconv " + std::to_string(c.dconv) : "");
        // h = 3e-3: with the mixes randomized the loss curves more than plain attention's, and at 1e-2 the central
        // difference's truncation error alone reaches NMSE ~4e-4 (at 3e-3 and 1e-3 the check passes alike)
        check_layer(what, ps, &x, loss, [&](float* dx) { attn.backward(R.data(), dx); }, 99, 3e-3f);
    }
}

TEST(Gradients, EveryFfnKind) {
    for (int k = (int)FfnKind::ReLU; k <= (int)FfnKind::SwiGLU; k++) {
        const FfnKind kind = (FfnKind)k;
        ParamStore ps;
        FFN ffn;
        ffn.declare(ps, "ffn", kind, 6, 10, /*bias=*/true);
        ps.allocate();
        ffn.reserve(4);
        Rng rng(4 + k);
        ffn.init(rng, 1.0f);
        std::vector<float> x = random_vector(rng, 4 * 6), y(4 * 6);
        const std::vector<float> R = random_vector(rng, y.size());
        auto loss = [&] { ffn.forward(x.data(), y.data(), 4); return weighted_sum(y.data(), R); };
        check_layer(std::string("ffn ") + to_string(kind), ps, &x, loss, [&](float* dx) { ffn.backward(R.data(), dx); });
    }
}

TEST(Gradients, ActivationDerivativesMatchFiniteDifferences) {
    // the derivative formulas alone, in double-checked steps, away from the ReLU kink at 0
    for (int k = (int)FfnKind::ReLU; k <= (int)FfnKind::SwiGLU; k++) {
        const FfnKind kind = (FfnKind)k;
        for (float z : {-2.5f, -0.7f, 0.3f, 1.1f, 3.0f}) {
            const float h = 1e-3f;
            const double numeric = ((double)ffn_activation(kind, z + h) - ffn_activation(kind, z - h)) / (2.0 * h);
            EXPECT_NEAR(ffn_activation_grad(kind, z), numeric, 2e-3) << to_string(kind) << " at z = " << z;
        }
    }
}

TEST(Gradients, EmbeddingLearnedAndSinusoidal) {
    for (PosKind pos : {PosKind::Learned, PosKind::Sinusoidal, PosKind::None}) {
        ParamStore ps;
        Embedding emb;
        emb.declare(ps, 7, 4, 6, pos, true);
        ps.allocate();
        Rng rng(5);
        emb.init(rng);
        const std::vector<int> tokens = {1, 3, 3, 0, 6, 1, 2, 2, 5, 4};  // repeats: gradients must add up
        std::vector<float> y(10 * 4);
        const std::vector<float> R = random_vector(rng, y.size());
        auto loss = [&] { emb.forward(tokens.data(), y.data(), 2, 5); return weighted_sum(y.data(), R); };
        check_layer(std::string("embedding ") + to_string(pos), ps, nullptr, loss, [&](float*) { emb.backward(R.data()); });
    }
}

TEST(Gradients, CrossEntropyWithLabelSmoothing) {
    for (float eps : {0.0f, 0.1f}) {
        const int n = 6, V = 5;
        CrossEntropy ce;
        ce.label_smoothing = eps;
        ce.reserve(n, V);
        Rng rng(6);
        std::vector<float> logits = random_vector(rng, n * V, 2.0f), dlogits(n * V);
        const std::vector<int> targets = {0, 4, -1, 2, 2, -1};  // -1: not scored
        int count = 0;
        auto loss = [&] { auto s = ce.forward(logits.data(), targets.data(), n, V); count = s.count; return s.loss; };
        loss();
        ce.backward(targets.data(), dlogits.data(), n, V, count);
        Rng pick(7);
        auto r = check_gradient(loss, logits.data(), dlogits.data(), logits.size(), pick, 1e-2f, 30);
        EXPECT_GRAD_OK(r, "cross-entropy eps=" + std::to_string(eps));
    }
}

// The whole model: every parameter's gradient, in configs that cover each switch at least once.
static void check_model(ModelConfig cfg, float label_smoothing, const std::string& what) {
    cfg.vocab_size = 11;
    cfg.seq_len = 6;
    Rng init(8);
    TransformerLM model(cfg, 2, init);
    model.loss_fn.label_smoothing = label_smoothing;
    Rng rng(9);
    std::vector<int> tokens(12), targets(12);
    for (int i = 0; i < 12; i++) {
        tokens[i] = rng.randint(11);
        targets[i] = i % 5 == 2 ? -1 : rng.randint(11);
    }
    auto loss = [&] { return model.forward(tokens.data(), targets.data(), 2, 6).loss; };
    // A step of 1e-2 on a weight moves some ReLU pre-activations across the kink at 0, where the finite
    // difference is not the derivative; 2e-3 keeps that rare while round-off (~1e-7 |L| / h) stays ~1e-4.
    check_layer(what, model.params, nullptr, loss, [&](float*) { model.backward(); }, 10, 2e-3f);
}

TEST(Gradients, WholeModelPreNormTiedSinusoidal) {
    ModelConfig c;
    c.d_model = 8; c.n_heads = 2; c.n_layers = 2; c.d_ff = 12;
    check_model(c, 0.1f, "model pre-norm/layernorm/tied/sinusoidal");
}

TEST(Gradients, WholeModelPostNormUntiedLearnedGQA) {
    ModelConfig c;
    c.d_model = 8; c.n_heads = 4; c.n_kv_heads = 2; c.n_layers = 2; c.d_ff = 12;
    c.placement = NormPlacement::PostNorm;
    c.tie_embeddings = false;
    c.positions = PosKind::Learned;
    check_model(c, 0.0f, "model post-norm/untied/learned/GQA");
}

TEST(Gradients, WholeModelTalkingHeadsDConvGQA) {
    ModelConfig c;
    c.d_model = 8; c.n_heads = 4; c.n_kv_heads = 2; c.n_layers = 2; c.d_ff = 12;
    c.talking_heads = true;
    c.attention_dconv = 3;
    c.ffn = FfnKind::GELU;  // smooth: no ReLU kink for a finite difference to step across
    check_model(c, 0.1f, "model talking-heads/dconv/GQA");
}

TEST(Gradients, WholeModelRMSNormMQASwiGLUNonCausal) {
    ModelConfig c;
    c.d_model = 8; c.n_heads = 2; c.n_kv_heads = 1; c.n_layers = 1; c.d_ff = 8;
    c.norm = NormKind::RMSNorm;
    c.ffn = FfnKind::SwiGLU;
    c.ffn_bias = false;
    c.causal = false;
    c.scale_embeddings = false;
    check_model(c, 0.1f, "model rmsnorm/MQA/swiglu/non-causal");
}
