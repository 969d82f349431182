// The attention stepper against Attention::forward (the layer it opens up), its provenance sums against the
// cells they explain, the mask and the scale.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "attention.h"
#include "attention_stepper.h"
#include "grad_check.h"

using namespace noam;

namespace {

// A layer of the core, built and run by the test itself: the independent reference.
struct Layer {
    ParamStore ps;
    Attention attn;
    std::vector<float> x, y;
    int T = 0;
    Layer(int d, int heads, int kv_heads, int T_, bool causal, bool scale, uint64_t seed) : T(T_) {
        attn.declare(ps, "blocks.0.attn", d, heads, kv_heads, causal);
        attn.scale_scores = scale;
        ps.allocate();
        attn.reserve(1, T);
        Rng rng(seed);
        attn.init(rng, 1.0f);
        x = test::random_vector(rng, (size_t)T * d);
        y.assign(x.size(), 0.0f);
        attn.forward(x.data(), y.data(), 1, T);
    }
};

std::vector<std::string> words(int T) {
    std::vector<std::string> w;
    for (int t = 0; t < T; t++) {
        std::string label = "w";  // not "w" + to_string(t): g++ 12 warns falsely (-Wrestrict) on that form
        label += std::to_string(t);
        w.push_back(label);
    }
    return w;
}

// "(−0.40)" -> -0.40
double parse_number(std::string s) {
    std::string out;
    for (size_t i = 0; i < s.size(); i++) {
        if (s.compare(i, 3, "−") == 0) {
            out += '-';
            i += 2;
        } else if (s[i] != '(' && s[i] != ')' && s[i] != ' ') {
            out += s[i];
        }
    }
    return std::stod(out);
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
    std::vector<std::string> parts;
    size_t start = 0, at;
    while ((at = s.find(sep, start)) != std::string::npos) {
        parts.push_back(s.substr(start, at - start));
        start = at + sep.size();
    }
    parts.push_back(s.substr(start));
    return parts;
}

// The printed sum of a Dot provenance, "lhs = rhs = a·b + c·d + … = v", read back from its text. Each printed
// factor is off by at most 0.005 (two decimals), so the printed products may miss v by
// Σ 0.005 (|a| + |b|) + 0.000025 per term, and v itself by 0.005.
void expect_dot_text_adds_up(const Provenance& p, float cell, const std::string& where) {
    const std::vector<std::string> parts = split(p.text, " = ");
    ASSERT_EQ(parts.size(), 4u) << where << ": " << p.text;
    double printed_sum = 0, bound = 0.005;
    const std::vector<std::string> terms = split(parts[2], " + ");
    ASSERT_EQ(terms.size(), p.a.size()) << where << ": one printed product per stored term";
    for (const std::string& t : terms) {
        const std::vector<std::string> ab = split(t, "·");
        ASSERT_EQ(ab.size(), 2u) << where << ": term '" << t << "'";
        const double a = parse_number(ab[0]), b = parse_number(ab[1]);
        printed_sum += a * b;
        bound += 0.005 * (std::fabs(a) + std::fabs(b)) + 0.000025;
    }
    const double printed_value = parse_number(parts[3]);
    EXPECT_NEAR(printed_value, cell, 0.0051) << where << ": the printed result is the cell, rounded";
    EXPECT_NEAR(printed_sum, printed_value, bound) << where << ": " << p.text;
}

// Every cell of every sub-step (every head): the terms recompute the cell, and the text says so.
void expect_all_provenance_adds_up(const AttentionStepper& s) {
    for (int step = 0; step < s.step_count(); step++) {
        const int heads = s.step(step).per_head ? s.n_heads() : 1;
        for (int h = 0; h < heads; h++) {
            const StepMatrix& out = s.step_output(step, h);
            for (int r = 0; r < out.rows; r++)
                for (int c = 0; c < out.cols; c++) {
                    const std::string where = s.step(step).equation + " head " + std::to_string(h) + " cell (" +
                                              std::to_string(r) + ", " + std::to_string(c) + ")";
                    const Provenance p = s.provenance(step, h, r, c);
                    const float cell = out.at(r, c);
                    EXPECT_FALSE(p.text.empty()) << where;
                    if (std::isinf(cell)) {
                        EXPECT_EQ(p.value, (double)cell) << where << ": a masked score stays −∞";
                        continue;
                    }
                    // Dot products are summed in float by the core, in double here: 1e-5 relative covers it
                    EXPECT_NEAR(p.value, cell, 1e-5 * (1.0 + std::fabs(cell))) << where << ": " << p.text;
                    if (p.kind != Provenance::Kind::Given) {
                        EXPECT_FALSE(p.sources.empty()) << where;
                    }
                    if (p.kind == Provenance::Kind::Dot) {
                        double sum = 0;
                        for (size_t k = 0; k < p.a.size(); k++) sum += p.a[k] * p.b[k];
                        EXPECT_EQ(sum, p.value) << where << ": value is the sum of the stored products";
                        expect_dot_text_adds_up(p, cell, where);
                    }
                    if (p.kind == Provenance::Kind::Softmax && p.b[0] >= 0) {
                        // last line: "… = N / D = v"
                        const std::vector<std::string> parts = split(p.text, " = ");
                        const std::vector<std::string> nd = split(parts[parts.size() - 2], " / ");
                        ASSERT_EQ(nd.size(), 2u) << where << ": " << p.text;
                        // D >= 1 (the max term is exp(0)), so rounding N and D moves N/D by at most 0.01
                        EXPECT_NEAR(parse_number(nd[0]) / parse_number(nd[1]), cell, 0.0151) << where << ": " << p.text;
                    }
                }
        }
    }
}

}  // namespace

// The stepper's output and probabilities are the core layer's, and its opened-up chain reproduces them.
TEST(AttentionStepper, OutputAndProbsEqualAttentionForward) {
    for (int heads : {1, 2}) {
        Layer L(8, heads, heads, 6, true, true, 7 + heads);
        const AttentionStepper s = AttentionStepper::from_layer(L.attn, L.x.data(), L.T, words(L.T));
        const StepMatrix& Y = s.matrix(Term::Output);
        ASSERT_EQ(Y.rows, 6);
        ASSERT_EQ(Y.cols, 8);
        for (int i = 0; i < 6 * 8; i++) EXPECT_NEAR(Y.values[i], L.y[i], 1e-6) << "heads " << heads << " y[" << i << "]";
        for (int h = 0; h < heads; h++)
            for (int t = 0; t < 6; t++)
                for (int j = 0; j < 6; j++)
                    EXPECT_NEAR(s.matrix(Term::Probs, h).at(t, j), L.attn.prob(0, h, t, j), 1e-6)
                        << "heads " << heads << " p[" << h << "][" << t << "][" << j << "]";
        // softmax(QKᵀ/√dₖ + M), P V and Concat W_O, recomputed from the stepper's matrices: float round-off only
        EXPECT_LT(s.check().probs, 1e-6f) << "softmax of the opened-up scores differs from Attention::forward's probs";
        EXPECT_LT(s.check().heads, 1e-6f);
        EXPECT_LT(s.check().output, 1e-6f);
    }
}

// The source layer is only read: a stepper on a live model must not disturb its caches.
TEST(AttentionStepper, FromLayerLeavesTheLayerAlone) {
    Layer L(8, 2, 2, 6, true, true, 3);
    const std::vector<float> probs = L.attn.probs, q = L.attn.q;
    std::vector<float> x2 = L.x;
    for (float& v : x2) v *= -1.5f;  // a different input: the source's caches would change if it ran
    const AttentionStepper s = AttentionStepper::from_layer(L.attn, x2.data(), L.T, words(L.T));
    EXPECT_EQ(L.attn.probs, probs);
    EXPECT_EQ(L.attn.q, q);
    EXPECT_NE(s.matrix(Term::Q, 0).values[0], q[0]);
}

// Grouped-query layers: query heads 0 and 1 read the same key/value head.
TEST(AttentionStepper, SharedKeyValueHeads) {
    Layer L(8, 4, 2, 5, true, true, 5);
    const AttentionStepper s = AttentionStepper::from_layer(L.attn, L.x.data(), L.T, words(L.T));
    EXPECT_EQ(s.matrix(Term::K, 0).values, s.matrix(Term::K, 1).values);
    EXPECT_NE(s.matrix(Term::K, 1).values, s.matrix(Term::K, 2).values);
    for (int i = 0; i < 5 * 8; i++) EXPECT_NEAR(s.matrix(Term::Output).values[i], L.y[i], 1e-6);
    EXPECT_LT(s.check().probs, 1e-6f);
    expect_all_provenance_adds_up(s);
}

// Every provenance recomputes its cell, and its printed numbers add up, for the default example and
// for the knob settings a lesson offers.
TEST(AttentionStepper, ProvenanceRecomputesEveryCell) {
    StepperConfig cfg;  // 6 tokens, d_model 8, 2 heads of d_k 4, causal, scaled
    expect_all_provenance_adds_up(AttentionStepper::seeded(cfg));
    cfg.n_heads = 1;
    cfg.d_k = 16;  // d_k free of d_model / h
    cfg.causal = false;
    cfg.scale = false;
    expect_all_provenance_adds_up(AttentionStepper::seeded(cfg));
    cfg.d_k = 2;
    cfg.causal = true;
    cfg.seed = 99;
    expect_all_provenance_adds_up(AttentionStepper::seeded(cfg));
}

TEST(AttentionStepper, ProvenanceNamesTheCellsThatProducedIt) {
    const AttentionStepper s = AttentionStepper::seeded(StepperConfig{});
    int scores = -1, probs = -1, head = -1;
    for (int i = 0; i < s.step_count(); i++) {
        if (s.step(i).output == Term::Scores) scores = i;
        if (s.step(i).output == Term::Probs) probs = i;
        if (s.step(i).output == Term::Head) head = i;
    }
    ASSERT_GE(scores, 0);
    // s₂₅ = q₂·k₅ reads row 2 of Q and column 5 of Kᵀ (0-based: row 1, column 4)
    const Provenance p = s.provenance(scores, 1, 1, 4);
    ASSERT_EQ(p.sources.size(), 2u * s.d_k());
    for (const CellRef& c : p.sources) {
        EXPECT_EQ(c.head, 1);
        if (c.term == Term::Q) EXPECT_EQ(c.row, 1);
        else if (c.term == Term::KT) EXPECT_EQ(c.col, 4);
        else ADD_FAILURE() << "a score reads only Q and Kᵀ";
    }
    EXPECT_EQ(p.text.rfind("s₂₅ = q₂·k₅ = ", 0), 0u) << p.text;
    // a softmax weight reads the visible part of its row: query 3 sees keys 1..3 under the causal mask
    EXPECT_EQ(s.provenance(probs, 0, 2, 1).sources.size(), 3u);
    // P·V under the mask sums over the keys the query can see
    EXPECT_EQ(s.provenance(head, 0, 2, 0).a.size(), 3u);
}

// The causal mask: −∞ above the diagonal before the softmax, exactly 0 after it; rows still sum to 1.
TEST(AttentionStepper, MaskingHidesTheFuture) {
    StepperConfig cfg;
    cfg.causal = true;
    AttentionStepper s = AttentionStepper::seeded(cfg);
    const int T = s.n_tokens();
    for (int h = 0; h < s.n_heads(); h++) {
        const StepMatrix& masked = s.matrix(Term::Masked, h);
        const StepMatrix& P = s.matrix(Term::Probs, h);
        for (int i = 0; i < T; i++) {
            double row = 0;
            for (int j = 0; j < T; j++) {
                if (j > i) {
                    EXPECT_TRUE(std::isinf(masked.at(i, j)) && masked.at(i, j) < 0) << "(" << i << ", " << j << ")";
                    EXPECT_EQ(P.at(i, j), 0.0f) << "(" << i << ", " << j << ")";
                } else {
                    EXPECT_TRUE(std::isfinite(masked.at(i, j)));
                    EXPECT_EQ(masked.at(i, j), s.matrix(Term::Scaled, h).at(i, j));
                    EXPECT_GT(P.at(i, j), 0.0f);
                }
                row += P.at(i, j);
            }
            EXPECT_NEAR(row, 1.0, 1e-6);
        }
        // the first token can read only itself
        EXPECT_EQ(P.at(0, 0), 1.0f);
    }
    // the same weights without the mask: nothing is −∞ and every key gets some weight
    s.set_causal_and_scale(false, true);
    EXPECT_FALSE(s.causal());
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
            EXPECT_TRUE(std::isfinite(s.matrix(Term::Masked, 0).at(i, j)));
            EXPECT_EQ(s.matrix(Term::Mask).at(i, j), 0.0f);
            EXPECT_GT(s.matrix(Term::Probs, 0).at(i, j), 0.0f);
        }
    EXPECT_LT(s.check().probs, 1e-6f);
}

// Scaled: the scores divided by √dₖ before the softmax. Unscaled: the same scores, and a sharper softmax
// (at d_k 16 the raw scores spread about 4 times wider).
TEST(AttentionStepper, ScaledVersusUnscaled) {
    StepperConfig cfg;
    cfg.n_heads = 1;
    cfg.d_k = 16;
    cfg.causal = false;
    double peak_scaled = 0, peak_unscaled = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        cfg.seed = seed;
        AttentionStepper s = AttentionStepper::seeded(cfg);
        const int T = s.n_tokens();
        const std::vector<float> scores = s.matrix(Term::Scores).values;
        for (int i = 0; i < T * T; i++)
            EXPECT_FLOAT_EQ(s.matrix(Term::Scaled).values[i], scores[i] / 4.0f) << "√16 = 4";
        for (int i = 0; i < T; i++) {
            float m = 0;
            for (int j = 0; j < T; j++) m = std::max(m, s.matrix(Term::Probs).at(i, j));
            peak_scaled += m;
        }
        s.set_causal_and_scale(false, false);
        EXPECT_FALSE(s.scaled());
        EXPECT_EQ(s.matrix(Term::Scores).values, scores) << "the scale does not change QKᵀ itself";
        EXPECT_EQ(s.matrix(Term::Scaled).values, scores) << "scale off: divided by 1";
        EXPECT_LT(s.check().probs, 1e-6f);
        for (int i = 0; i < T; i++) {
            float m = 0;
            for (int j = 0; j < T; j++) m = std::max(m, s.matrix(Term::Probs).at(i, j));
            peak_unscaled += m;
        }
    }
    EXPECT_GT(peak_unscaled, peak_scaled + 0.5) << "without 1/√dₖ the softmax should saturate towards one key";
}

TEST(AttentionStepper, SubStepsFollowTheEquation) {
    StepperConfig cfg;
    cfg.n_heads = 2;
    const AttentionStepper two = AttentionStepper::seeded(cfg);
    const Term want[] = {Term::X,      Term::Q,     Term::K,    Term::V,      Term::Scores, Term::Scaled,
                         Term::Masked, Term::Probs, Term::Head, Term::Concat, Term::Output};
    ASSERT_EQ(two.step_count(), 11);
    for (int i = 0; i < 11; i++) {
        EXPECT_EQ(two.step(i).output, want[i]) << "sub-step " << i;
        EXPECT_FALSE(two.step(i).equation.empty());
        for (const StepMatrix* m : two.step_inputs(i, 1)) {
            ASSERT_NE(m, nullptr);
            EXPECT_TRUE(!term_is_per_head(m->term) || m->head == 1 || two.step(i).output == Term::Concat);
        }
    }
    EXPECT_EQ(two.step(1).equation, "Q = X W_Q");
    EXPECT_EQ(two.step_inputs(9, 0).size(), 2u) << "Concat reads every head";
    cfg.n_heads = 1;
    const AttentionStepper one = AttentionStepper::seeded(cfg);
    EXPECT_EQ(one.step_count(), 10) << "one head: no Concat sub-step";
    EXPECT_EQ(one.step(9).output, Term::Output);
    // the same seed gives the same numbers
    EXPECT_EQ(AttentionStepper::seeded(cfg).matrix(Term::Output).values, one.matrix(Term::Output).values);
    // the token labels label the rows
    EXPECT_EQ(one.matrix(Term::Q).row_labels[1], "cat");
    EXPECT_EQ(one.matrix(Term::KT).col_labels[5], "mat");
}

TEST(AttentionStepper, FailsFastOnBadShapes) {
    StepperConfig cfg;
    cfg.d_k = 0;
    EXPECT_THROW(AttentionStepper::seeded(cfg), std::invalid_argument);
    Layer L(8, 2, 2, 6, true, true, 1);
    EXPECT_THROW(AttentionStepper::from_layer(L.attn, L.x.data(), 6, words(5)), std::invalid_argument);
}

TEST(AttentionStepper, NumberFormat) {
    EXPECT_EQ(format_2dp(0.314), "0.31");
    EXPECT_EQ(format_2dp(-0.404), "−0.40");
    EXPECT_EQ(format_2dp(-0.001), "0.00") << "no −0.00";
    EXPECT_EQ(format_2dp(-INFINITY), "−∞");
    EXPECT_EQ(subscript(12), "₁₂");
}
