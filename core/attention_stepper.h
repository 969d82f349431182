// The forward pass of one attention layer opened up for teaching: every intermediate matrix of
//   head_h = softmax(Q_h K_hᵀ / √dₖ + M) V_h,   Y = Concat(head_1 .. head_H) W_O
// kept by name, a list of sub-steps (one equation term each) and, for any cell of any sub-step's output, the
// input cells that produced it and the sum written out with its numbers ("provenance").
//
// The numbers are Attention::forward's: the stepper runs the core's own layer (a private copy, so a live
// model is never touched) and reads back Q, K, V, the probabilities, the heads and the output. The scores
// before the softmax, which forward() does not keep, are computed here by the same loops; check() says how
// far a recomputation from the opened-up matrices lands from forward()'s results (tested to 1e-6).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attention.h"
#include "params.h"

namespace noam {

// The matrices of the walk-through. Q .. Head exist once per query head; the others once.
enum class Term { X, WQ, WK, WV, Q, K, KT, V, Scores, Scaled, Mask, Masked, Probs, Head, Concat, WO, Output };
constexpr int kTermCount = 17;
bool term_is_per_head(Term t);

struct StepMatrix {
    Term term = Term::X;
    int head = -1;                  // query head (0-based), -1 for the matrices all heads share
    std::string name;               // as in the equation: "Q", "Kᵀ", "QKᵀ/√dₖ", "P", "head"
    std::string label;              // name with the head as a subscript when there are several: "Q₂"
    int rows = 0, cols = 0;
    std::vector<float> values;      // (rows, cols) row-major; −∞ where the mask hides a key
    std::vector<std::string> row_labels, col_labels;  // token words, or dimension numbers "1" .. "n"
    bool rows_are_tokens = false, cols_are_tokens = false;
    bool probability = false;       // values in [0, 1] (the softmax): a sequential colour map, not a diverging one
    float at(int r, int c) const { return values[(size_t)r * cols + c]; }
};

// One key press of the walk-through: the term being computed, what it reads, what it writes.
struct SubStep {
    Term output = Term::X;
    std::vector<Term> inputs;       // in the order they appear in the equation (Concat reads Head of every head)
    bool per_head = false;          // its matrices exist per head (the panel shows one head at a time)
    std::string equation;           // "Q = X W_Q"
    std::string explanation;        // one sentence on what it means
};

struct CellRef {
    Term term = Term::X;
    int head = -1;
    int row = 0, col = 0;
};

// Where one output cell comes from.
struct Provenance {
    enum class Kind { Given, Dot, Scale, Mask, Softmax, Copy };
    Kind kind = Kind::Given;
    std::string caption;            // in words: "query of 'cat', dimension 3"
    std::string text;               // the sum with its numbers: "q₂₃ = x₂·W_Q[:,3] = 0.31·0.12 + (−0.40)·0.08 + … = 0.87"
    std::vector<CellRef> sources;   // the input cells that produced it (the panel outlines them)
    // The terms, at full precision. Dot: value = Σ a[k]·b[k]. Softmax: a = exp(s_j − max) over the row's
    // visible keys, b[0] = index of this key in a (−1 when masked), value = a[b0] / Σ a. Scale: value = a0·a1.
    // Mask: value = a0 + a1. Copy and Given: value = a0.
    std::vector<double> a, b;
    double value = 0;               // recomputed from the terms in double: the cell, up to round-off
};

// The seeded example: a short sentence, its embeddings from the seed, the layer's weights from the seed.
struct StepperConfig {
    std::vector<std::string> tokens = {"the", "cat", "sat", "on", "a", "mat"};
    int d_model = 8;
    int n_heads = 2;
    int d_k = 4;                    // per head; d_model / n_heads in the paper, free here so a lesson can vary it
    bool causal = true;
    bool scale = true;              // divide the scores by √dₖ
    uint64_t seed = 1;
};

// How far the stepper's own recomputation from the opened-up matrices is from Attention::forward's buffers
// (max absolute difference): softmax(masked scores) vs probs, P·V vs the heads, Concat·W_O vs the output.
struct StepperCheck {
    float probs = 0, heads = 0, output = 0;
};

class AttentionStepper {
public:
    // A fresh layer: tokens embedded by a seeded table (one N(0, 1) row per distinct word), weights by
    // Attention::init with init_scale 1 (entries N(0, 1/d_model)), so Q, K and V have entries of order 1.
    static AttentionStepper seeded(const StepperConfig& cfg);
    // An existing layer (e.g. a trained model's): its weights are copied, the layer itself is not touched.
    // x: (T, d_model), the layer's input for one sequence; tokens: T labels. Read it while nobody writes the
    // weights (a paused run or a snapshot).
    static AttentionStepper from_layer(const Attention& layer, const float* x, int T, std::vector<std::string> tokens);

    // Re-runs the same weights and input with the mask and the scale switched.
    void set_causal_and_scale(bool causal, bool scale);

    int n_tokens() const { return T_; }
    int d_model() const { return attn_.d_model; }
    int n_heads() const { return attn_.n_heads; }
    int n_kv_heads() const { return attn_.n_kv_heads; }
    int d_k() const { return attn_.head_dim; }
    bool causal() const { return attn_.causal; }
    bool scaled() const { return attn_.scale_scores; }
    const std::vector<std::string>& tokens() const { return tokens_; }

    const StepMatrix& matrix(Term t, int head = 0) const;
    int step_count() const { return (int)steps_.size(); }
    const SubStep& step(int i) const { return steps_[i]; }
    // the matrices a sub-step reads, for one head (Concat reads the Head of every head)
    std::vector<const StepMatrix*> step_inputs(int i, int head) const;
    const StepMatrix& step_output(int i, int head) const { return matrix(steps_[i].output, head); }
    // where output cell (row, col) of sub-step `step` (for `head`) comes from
    Provenance provenance(int step, int head, int row, int col) const;
    const StepperCheck& check() const { return check_; }
    // Attention::forward's probabilities, row t of head h (for the tests)
    float core_prob(int head, int t, int j) const { return attn_.prob(0, head, t, j); }

private:
    void run();  // forward, read back, open up, check, sub-steps
    // out[row][col] = Σₖ A[row][k] B[k][col], written out
    Provenance dot(Term out, int head, int row, int col, const StepMatrix& A, const StepMatrix& B,
                   const std::string& lhs, const std::string& rhs) const;

    std::unique_ptr<ParamStore> store_;  // a heap object: the Linears keep a pointer to it across moves
    Attention attn_;
    int T_ = 0;
    std::vector<float> x_;               // (T, d)
    std::vector<float> y_;               // (T, d) forward's output
    std::vector<std::string> tokens_;
    std::string x_origin_;               // how X was made, for the provenance of its cells
    std::vector<StepMatrix> by_term_[kTermCount];  // one per head for per-head terms, else one
    std::vector<SubStep> steps_;
    StepperCheck check_;
};

// The stepper's number format, shared with the panel: two decimals, a real minus sign, "−∞" for −inf,
// and no "−0.00".
std::string format_2dp(double v);
// 1-based index written as Unicode subscripts: 12 -> "₁₂"
std::string subscript(int n);

}  // namespace noam
