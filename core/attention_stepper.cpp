// The attention forward pass opened up: read back from Attention::forward, the scores recomputed, a sub-step
// list, and the provenance of any cell.
//
// Index
//   [SECTION] Formatting (two decimals, subscripts)
//   [SECTION] Building: seeded or from a layer
//   [SECTION] run(): forward, read back, open up, check
//   [SECTION] Sub-steps
//   [SECTION] Provenance
#include "attention_stepper.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>

namespace noam {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

int term_index(Term t) { return (int)t; }

std::string dim_label(int i) { return std::to_string(i + 1); }

std::vector<std::string> dim_labels(int n) {
    std::vector<std::string> v(n);
    for (int i = 0; i < n; i++) v[i] = dim_label(i);
    return v;
}

// "a·b" with a negative factor in parentheses, as written by hand: 0.31·(−0.12)
std::string product_text(double a, double b) {
    auto f = [](double v) { return v < 0 && format_2dp(v) != "0.00" ? "(" + format_2dp(v) + ")" : format_2dp(v); };
    return f(a) + "·" + f(b);
}

// two 1-based indices as subscripts; a comma when one has two digits ("₁₂,₃" is not "₁₂₃")
std::string sub2(int i, int j) {
    return (i + 1 < 10 && j + 1 < 10) ? subscript(i + 1) + subscript(j + 1) : subscript(i + 1) + "," + subscript(j + 1);
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

// ============================================================================ [SECTION] Formatting

std::string format_2dp(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "−∞" : "∞";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2f", std::fabs(v));
    const bool shows_zero = std::string(buf) == "0.00";
    return (v < 0 && !shows_zero) ? std::string("−") + buf : std::string(buf);
}

std::string subscript(int n) {
    static const char* kDigits[10] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
    const std::string s = std::to_string(n);
    std::string out;
    for (char c : s) out += (c == '-') ? "₋" : kDigits[c - '0'];
    return out;
}

bool term_is_per_head(Term t) {
    switch (t) {
        case Term::WQ: case Term::WK: case Term::WV: case Term::Q: case Term::K: case Term::KT: case Term::V:
        case Term::Scores: case Term::Scaled: case Term::Masked: case Term::Probs: case Term::Head:
            return true;
        default:
            return false;
    }
}

// ============================================================================ [SECTION] Building

namespace {

// Attention::declare takes d_k = d_model / h, the paper's choice. The stepper's d_k knob moves d_k alone (at a
// fixed d_model), so when it differs this sets the same fields with its own head_dim: forward() reads head_dim
// and the Linears' shapes, nothing else.
void declare_attention(Attention& a, ParamStore& ps, int d, int heads, int kv_heads, int head_dim, bool causal) {
    if (heads * head_dim == d) {
        a.declare(ps, "stepper", d, heads, kv_heads, causal);
        return;
    }
    a.d_model = d;
    a.n_heads = heads;
    a.n_kv_heads = kv_heads;
    a.head_dim = head_dim;
    a.causal = causal;
    a.wq.declare(ps, "stepper.wq", d, heads * head_dim, false);
    a.wk.declare(ps, "stepper.wk", d, kv_heads * head_dim, false);
    a.wv.declare(ps, "stepper.wv", d, kv_heads * head_dim, false);
    a.wo.declare(ps, "stepper.wo", heads * head_dim, d, false);
}

void check_shapes(int T, size_t n_tokens, int d, int heads, int kv_heads, int head_dim) {
    auto fail = [](const std::string& m) { throw std::invalid_argument("attention stepper: " + m); };
    if (T < 1 || T > 64) fail("T = " + std::to_string(T) + " tokens; use 1 to 64 (every number is drawn)");
    if ((size_t)T != n_tokens) fail(std::to_string(n_tokens) + " token labels for T = " + std::to_string(T));
    if (d < 1 || d > 128) fail("d_model = " + std::to_string(d) + "; use 1 to 128");
    if (heads < 1 || kv_heads < 1 || heads % kv_heads != 0)
        fail("n_heads " + std::to_string(heads) + " must be a multiple of n_kv_heads " + std::to_string(kv_heads));
    if (head_dim < 1 || head_dim > 128) fail("d_k = " + std::to_string(head_dim) + "; use 1 to 128");
}

}  // namespace

AttentionStepper AttentionStepper::seeded(const StepperConfig& cfg) {
    const int T = (int)cfg.tokens.size(), d = cfg.d_model;
    check_shapes(T, cfg.tokens.size(), d, cfg.n_heads, cfg.n_heads, cfg.d_k);
    AttentionStepper s;
    s.store_ = std::make_unique<ParamStore>();
    declare_attention(s.attn_, *s.store_, d, cfg.n_heads, cfg.n_heads, cfg.d_k, cfg.causal);
    s.attn_.scale_scores = cfg.scale;
    s.store_->allocate();
    Rng rng(cfg.seed);
    Rng embed_rng = rng.split(), weight_rng = rng.split();
    s.attn_.init(weight_rng, 1.0f);  // W ~ N(0, 1/d): q = x W has entries of order 1 when x does

    // X: one embedding row per distinct word (the same word gets the same row, as in a real table), N(0, 1)
    s.T_ = T;
    s.tokens_ = cfg.tokens;
    s.x_.assign((size_t)T * d, 0.0f);
    std::map<std::string, std::vector<float>> table;
    for (int t = 0; t < T; t++) {
        auto it = table.find(cfg.tokens[t]);
        if (it == table.end()) {
            std::vector<float> row(d);
            for (float& v : row) v = embed_rng.normal();
            it = table.emplace(cfg.tokens[t], std::move(row)).first;
        }
        std::copy(it->second.begin(), it->second.end(), s.x_.begin() + (size_t)t * d);
    }
    s.x_origin_ = "embedding";
    s.run();
    return s;
}

AttentionStepper AttentionStepper::from_layer(const Attention& layer, const float* x, int T,
                                              std::vector<std::string> tokens) {
    const int d = layer.d_model;
    check_shapes(T, tokens.size(), d, layer.n_heads, layer.n_kv_heads, layer.head_dim);
    for (const Linear* l : {&layer.wq, &layer.wk, &layer.wv, &layer.wo}) {
        if (!l->store || l->w_index < 0) throw std::invalid_argument("attention stepper: the layer has no weights yet");
        if (l->has_bias) throw std::invalid_argument("attention stepper: projections with a bias are not shown");
    }
    AttentionStepper s;
    s.store_ = std::make_unique<ParamStore>();
    declare_attention(s.attn_, *s.store_, d, layer.n_heads, layer.n_kv_heads, layer.head_dim, layer.causal);
    s.attn_.scale_scores = layer.scale_scores;
    s.store_->allocate();
    // copy the weights: the stepper's forward must never write into the live layer's caches
    const Linear* src[4] = {&layer.wq, &layer.wk, &layer.wv, &layer.wo};
    Linear* dst[4] = {&s.attn_.wq, &s.attn_.wk, &s.attn_.wv, &s.attn_.wo};
    for (int i = 0; i < 4; i++) {
        const float* w = src[i]->store->w(src[i]->w_index);
        std::copy(w, w + (size_t)src[i]->d_in * src[i]->d_out, s.store_->w(dst[i]->w_index));
    }
    s.T_ = T;
    s.tokens_ = std::move(tokens);
    s.x_.assign(x, x + (size_t)T * d);
    s.x_origin_ = "input";
    s.run();
    return s;
}

void AttentionStepper::set_causal_and_scale(bool causal, bool scale) {
    attn_.causal = causal;
    attn_.scale_scores = scale;
    run();
}

const StepMatrix& AttentionStepper::matrix(Term t, int head) const {
    const auto& v = by_term_[term_index(t)];
    if (v.empty()) throw std::logic_error("attention stepper: matrix not built");
    return v[v.size() == 1 ? 0 : std::clamp(head, 0, (int)v.size() - 1)];
}

// ============================================================================ [SECTION] run()

void AttentionStepper::run() {
    const int T = T_, d = attn_.d_model, H = attn_.n_heads, KV = attn_.n_kv_heads, hd = attn_.head_dim;
    const int heads_per_kv = H / KV;
    const size_t qs = (size_t)H * hd, kvs = (size_t)KV * hd;  // row strides of the core's q and k/v buffers
    const ParamStore& ps = *store_;

    // ---- the core computes: y (T,d) = Concat_h(softmax(Q_h K_gᵀ / √dₖ) V_g) W_O, caching q, k, v, probs, ctx
    attn_.reserve(1, T);
    y_.assign((size_t)T * d, 0.0f);
    attn_.forward(x_.data(), y_.data(), 1, T);
    const float scale = attn_.scale_scores ? 1.0f / std::sqrt((float)hd) : 1.0f;  // as forward() computes it

    auto make = [&](Term t, int head, const std::string& name, int rows, int cols, bool rows_tok, bool cols_tok) {
        StepMatrix m;
        m.term = t;
        m.head = head;
        m.name = name;
        m.label = (head >= 0 && H > 1) ? name + subscript(head + 1) : name;
        m.rows = rows;
        m.cols = cols;
        m.values.assign((size_t)rows * cols, 0.0f);
        m.rows_are_tokens = rows_tok;
        m.cols_are_tokens = cols_tok;
        m.row_labels = rows_tok ? tokens_ : dim_labels(rows);
        m.col_labels = cols_tok ? tokens_ : dim_labels(cols);
        return m;
    };
    for (auto& v : by_term_) v.clear();

    // ---- shared by all heads: X, the mask, W_O, the concatenated heads, the output
    StepMatrix X = make(Term::X, -1, "X", T, d, true, false);
    X.values = x_;
    by_term_[term_index(Term::X)].push_back(std::move(X));
    // M (T,T): 0 where query i may read key j, −∞ where the causal mask hides it (j > i)
    StepMatrix M = make(Term::Mask, -1, "M", T, T, true, true);
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) M.values[(size_t)i * T + j] = (attn_.causal && j > i) ? kNegInf : 0.0f;
    by_term_[term_index(Term::Mask)].push_back(std::move(M));
    StepMatrix WO = make(Term::WO, -1, "W_O", H * hd, d, false, false);
    std::copy(ps.w(attn_.wo.w_index), ps.w(attn_.wo.w_index) + (size_t)H * hd * d, WO.values.begin());
    by_term_[term_index(Term::WO)].push_back(std::move(WO));
    StepMatrix C = make(Term::Concat, -1, "Concat", T, H * hd, true, false);
    std::copy(attn_.ctx.begin(), attn_.ctx.begin() + (size_t)T * qs, C.values.begin());  // heads side by side
    by_term_[term_index(Term::Concat)].push_back(std::move(C));
    StepMatrix Y = make(Term::Output, -1, "Y", T, d, true, false);
    Y.values = y_;
    by_term_[term_index(Term::Output)].push_back(std::move(Y));

    // ---- per query head h (reading key/value head g)
    const float* wq = ps.w(attn_.wq.w_index);  // (d, H*hd)
    const float* wk = ps.w(attn_.wk.w_index);  // (d, KV*hd)
    const float* wv = ps.w(attn_.wv.w_index);  // (d, KV*hd)
    for (int h = 0; h < H; h++) {
        const int g = h / heads_per_kv;
        // weight columns of this head: W_Q[:, h*hd .. (h+1)*hd), W_K and W_V of its key/value head
        StepMatrix WQ = make(Term::WQ, h, "W_Q", d, hd, false, false);
        StepMatrix WK = make(Term::WK, h, "W_K", d, hd, false, false);
        StepMatrix WV = make(Term::WV, h, "W_V", d, hd, false, false);
        for (int i = 0; i < d; i++)
            for (int c = 0; c < hd; c++) {
                WQ.values[(size_t)i * hd + c] = wq[(size_t)i * qs + (size_t)h * hd + c];
                WK.values[(size_t)i * hd + c] = wk[(size_t)i * kvs + (size_t)g * hd + c];
                WV.values[(size_t)i * hd + c] = wv[(size_t)i * kvs + (size_t)g * hd + c];
            }
        // Q_h, K_g, V_g (T,hd): the core's projections, read back from its cache
        StepMatrix Q = make(Term::Q, h, "Q", T, hd, true, false);
        StepMatrix K = make(Term::K, h, "K", T, hd, true, false);
        StepMatrix KT = make(Term::KT, h, "Kᵀ", hd, T, false, true);
        StepMatrix V = make(Term::V, h, "V", T, hd, true, false);
        StepMatrix Hd = make(Term::Head, h, "head", T, hd, true, false);
        for (int t = 0; t < T; t++)
            for (int c = 0; c < hd; c++) {
                Q.values[(size_t)t * hd + c] = attn_.q[(size_t)t * qs + (size_t)h * hd + c];
                K.values[(size_t)t * hd + c] = attn_.k[(size_t)t * kvs + (size_t)g * hd + c];
                KT.values[(size_t)c * T + t] = attn_.k[(size_t)t * kvs + (size_t)g * hd + c];
                V.values[(size_t)t * hd + c] = attn_.v[(size_t)t * kvs + (size_t)g * hd + c];
                Hd.values[(size_t)t * hd + c] = attn_.ctx[(size_t)t * qs + (size_t)h * hd + c];
            }
        // the scores forward() does not keep, by its loops:
        //   S = Q Kᵀ (T,T),  S' = S / √dₖ,  S' + M (−∞ where masked)
        StepMatrix S = make(Term::Scores, h, "QKᵀ", T, T, true, true);
        StepMatrix S2 = make(Term::Scaled, h, attn_.scale_scores ? "QKᵀ/√dₖ" : "QKᵀ/1", T, T, true, true);
        StepMatrix S3 = make(Term::Masked, h, attn_.scale_scores ? "QKᵀ/√dₖ + M" : "QKᵀ + M", T, T, true, true);
        StepMatrix P = make(Term::Probs, h, "P", T, T, true, true);
        P.probability = true;
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++) {
                float s = 0.0f;
                for (int c = 0; c < hd; c++) s += Q.values[(size_t)i * hd + c] * K.values[(size_t)j * hd + c];
                const size_t ij = (size_t)i * T + j;
                S.values[ij] = s;
                S2.values[ij] = s * scale;
                S3.values[ij] = (attn_.causal && j > i) ? kNegInf : S2.values[ij];
                P.values[ij] = attn_.prob(0, h, i, j);  // the core's softmax
            }
        for (StepMatrix* m : {&WQ, &WK, &WV, &Q, &K, &KT, &V, &S, &S2, &S3, &P, &Hd})
            by_term_[term_index(m->term)].push_back(std::move(*m));
    }

    // ---- check: the opened-up chain, recomputed, against forward()'s buffers
    //   P' = softmax(S' + M) row by row, head' = P' V, Y' = Concat(head') W_O
    check_ = {};
    std::vector<float> concat((size_t)T * H * hd, 0.0f), p(T);
    for (int h = 0; h < H; h++) {
        const StepMatrix& S3 = matrix(Term::Masked, h);
        const StepMatrix& V = matrix(Term::V, h);
        const StepMatrix& P = matrix(Term::Probs, h);
        const StepMatrix& Hd = matrix(Term::Head, h);
        for (int i = 0; i < T; i++) {
            float maxv = kNegInf;
            for (int j = 0; j < T; j++) maxv = std::max(maxv, S3.at(i, j));
            float sum = 0.0f;
            for (int j = 0; j < T; j++) {
                p[j] = std::exp(S3.at(i, j) - maxv);  // exp(−∞) = 0: a hidden key gets nothing
                sum += p[j];
            }
            for (int j = 0; j < T; j++) {
                p[j] /= sum;
                check_.probs = std::max(check_.probs, std::fabs(p[j] - P.at(i, j)));
            }
            for (int c = 0; c < hd; c++) {
                float o = 0.0f;
                for (int j = 0; j < T; j++) o += p[j] * V.at(j, c);
                concat[(size_t)i * H * hd + (size_t)h * hd + c] = o;
                check_.heads = std::max(check_.heads, std::fabs(o - Hd.at(i, c)));
            }
        }
    }
    const StepMatrix& W_O = matrix(Term::WO);
    for (int i = 0; i < T; i++)
        for (int c = 0; c < d; c++) {
            float o = 0.0f;
            for (int k = 0; k < H * hd; k++) o += concat[(size_t)i * H * hd + k] * W_O.at(k, c);
            check_.output = std::max(check_.output, std::fabs(o - y_[(size_t)i * d + c]));
        }

    // ============================================================================ [SECTION] Sub-steps
    steps_.clear();
    char buf[160];
    const std::string dk = std::to_string(hd);
    steps_.push_back({Term::X, {}, false, "X",
                      "The input: one row of d_model = " + std::to_string(d) + " numbers per token."});
    steps_.push_back({Term::Q, {Term::X, Term::WQ}, true, "Q = X W_Q", "Queries: what each token is looking for."});
    steps_.push_back({Term::K, {Term::X, Term::WK}, true, "K = X W_K", "Keys: what each token offers to the queries."});
    steps_.push_back({Term::V, {Term::X, Term::WV}, true, "V = X W_V",
                      "Values: what each token passes on when another token reads it."});
    steps_.push_back({Term::Scores, {Term::Q, Term::KT}, true, "QKᵀ",
                      "Score of query i against key j: the dot product qᵢ·kⱼ, for every pair."});
    if (attn_.scale_scores) {
        std::snprintf(buf, sizeof buf, "Divide by √dₖ = √%d = %.2f: the scores keep a spread of about 1 whatever dₖ.",
                      hd, std::sqrt((double)hd));
        steps_.push_back({Term::Scaled, {Term::Scores}, true, "QKᵀ / √dₖ", buf});
    } else {
        steps_.push_back({Term::Scaled, {Term::Scores}, true, "QKᵀ / 1",
                          "Scale off: the scores are not divided, and their spread grows like √dₖ = √" + dk + "."});
    }
    steps_.push_back({Term::Masked, {Term::Scaled, Term::Mask}, true, attn_.scale_scores ? "QKᵀ / √dₖ + M" : "QKᵀ + M",
                      attn_.causal ? "Causal mask: −∞ where key j comes after query i, so no token reads the future."
                                   : "No mask (M = 0): every token may read every other token, the future too."});
    steps_.push_back({Term::Probs, {Term::Masked}, true,
                      attn_.scale_scores ? "P = softmax(QKᵀ / √dₖ + M)" : "P = softmax(QKᵀ + M)",
                      "Softmax of each row: positive weights that sum to 1; a masked key gets exp(−∞) = 0."});
    steps_.push_back({Term::Head, {Term::Probs, Term::V}, true, "head = P V",
                      "Each token's output: the values it reads, weighted by its row of P."});
    if (H > 1) {
        std::string eq = "Concat(";
        for (int h = 0; h < H; h++) eq += (h ? ", head" : "head") + subscript(h + 1);
        steps_.push_back({Term::Concat, {Term::Head}, false, eq + ")",
                          "The " + std::to_string(H) + " heads side by side: each read the tokens in its own way."});
        steps_.push_back({Term::Output, {Term::Concat, Term::WO}, false, "Y = Concat(…) W_O",
                          "The output projection mixes the heads back into d_model = " + std::to_string(d) + " numbers."});
    } else {
        steps_.push_back({Term::Output, {Term::Head, Term::WO}, false, "Y = head W_O",
                          "The output projection maps the head back to d_model = " + std::to_string(d) + " numbers."});
    }
}

std::vector<const StepMatrix*> AttentionStepper::step_inputs(int i, int head) const {
    std::vector<const StepMatrix*> out;
    const SubStep& s = steps_[i];
    if (s.output == Term::Concat) {
        for (int h = 0; h < attn_.n_heads; h++) out.push_back(&matrix(Term::Head, h));
        return out;
    }
    for (Term t : s.inputs) out.push_back(&matrix(t, term_is_per_head(t) ? head : 0));
    return out;
}

// ============================================================================ [SECTION] Provenance

// out[row][col] = Σₖ A[row][k] · B[k][col] over k < n (n = A.cols, or the visible keys for P·V under the mask)
Provenance AttentionStepper::dot(Term out, int head, int row, int col, const StepMatrix& A, const StepMatrix& B,
                                 const std::string& lhs, const std::string& rhs) const {
    Provenance p;
    p.kind = Provenance::Kind::Dot;
    const int n = (out == Term::Head && attn_.causal) ? row + 1 : A.cols;  // keys after the query have p = 0
    std::string sum;
    for (int k = 0; k < n; k++) {
        const double a = A.at(row, k), b = B.at(k, col);
        p.a.push_back(a);
        p.b.push_back(b);
        p.value += a * b;
        p.sources.push_back({A.term, A.head, row, k});
        p.sources.push_back({B.term, B.head, k, col});
        sum += (k ? " + " : "") + product_text(a, b);
    }
    p.text = lhs + " = " + rhs + " = " + sum + " = " + format_2dp(matrix(out, head).at(row, col));
    return p;
}

Provenance AttentionStepper::provenance(int step, int head, int row, int col) const {
    const SubStep& s = steps_.at(step);
    const int H = attn_.n_heads, hd = attn_.head_dim;
    if (term_is_per_head(s.output)) head = std::clamp(head, 0, H - 1);
    else head = 0;
    const StepMatrix& out = matrix(s.output, head);
    if (row < 0 || row >= out.rows || col < 0 || col >= out.cols)
        throw std::out_of_range("attention stepper: cell (" + std::to_string(row) + ", " + std::to_string(col) +
                                ") outside " + out.label);
    const std::string tok_r = row < T_ ? quoted(tokens_[row]) : "";
    const std::string tok_c = col < T_ ? quoted(tokens_[col]) : "";
    const std::string ij = sub2(row, col);
    const std::string head_note = H > 1 ? " (head " + std::to_string(head + 1) + ")" : "";
    Provenance p;
    switch (s.output) {
        case Term::X: {
            p.kind = Provenance::Kind::Given;
            p.value = out.at(row, col);
            p.a = {p.value};
            if (x_origin_ == "embedding") {
                p.caption = "token " + tok_r + ", dimension " + dim_label(col) + ": its row of the embedding table";
                p.text = "x" + ij + " = E[" + tok_r + "]" + subscript(col + 1) + " = " + format_2dp(p.value);
            } else {
                p.caption = "the layer's input for token " + tok_r + ", dimension " + dim_label(col);
                p.text = "x" + ij + " = " + format_2dp(p.value);
            }
            return p;
        }
        case Term::Q: case Term::K: case Term::V: {
            const Term w = s.output == Term::Q ? Term::WQ : s.output == Term::K ? Term::WK : Term::WV;
            const char* what = s.output == Term::Q ? "query" : s.output == Term::K ? "key" : "value";
            const std::string letter = s.output == Term::Q ? "q" : s.output == Term::K ? "k" : "v";
            const StepMatrix& W = matrix(w, head);
            p = dot(s.output, head, row, col, matrix(Term::X), W, letter + ij,
                    "x" + subscript(row + 1) + "·" + W.label + "[:," + dim_label(col) + "]");
            p.caption = std::string(what) + " of " + tok_r + ", dimension " + dim_label(col) + head_note +
                        ": row " + tok_r + " of X times column " + dim_label(col) + " of " + W.label;
            return p;
        }
        case Term::Scores: {
            p = dot(s.output, head, row, col, matrix(Term::Q, head), matrix(Term::KT, head), "s" + ij,
                    "q" + subscript(row + 1) + "·k" + subscript(col + 1));
            p.caption = "how much query " + tok_r + " matches key " + tok_c + head_note;
            return p;
        }
        case Term::Scaled: {
            p.kind = Provenance::Kind::Scale;
            const float sc = matrix(Term::Scores, head).at(row, col);
            const double scale = attn_.scale_scores ? 1.0 / std::sqrt((float)hd) : 1.0;
            p.a = {sc, (double)(float)scale};
            p.value = (double)sc * (double)(float)scale;
            p.sources.push_back({Term::Scores, head, row, col});
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.2f", std::sqrt((double)hd));
            if (attn_.scale_scores)
                p.text = "s" + ij + " / √dₖ = " + format_2dp(sc) + " / √" + std::to_string(hd) + " = " +
                         format_2dp(sc) + " / " + buf + " = " + format_2dp(out.at(row, col));
            else
                p.text = "s" + ij + " / 1 = " + format_2dp(sc) + " / 1 = " + format_2dp(out.at(row, col)) +
                         "   (scale off)";
            p.caption = "the score of " + tok_r + " against " + tok_c + ", scaled" + head_note;
            return p;
        }
        case Term::Masked: {
            p.kind = Provenance::Kind::Mask;
            const float sc = matrix(Term::Scaled, head).at(row, col);
            const float m = matrix(Term::Mask).at(row, col);
            p.a = {sc, m};
            p.value = (double)sc + (double)m;
            p.sources.push_back({Term::Scaled, head, row, col});
            p.sources.push_back({Term::Mask, -1, row, col});
            const std::string lhs = "s" + ij + " + M" + ij + " = " + format_2dp(sc) + " + ";
            if (std::isinf(m)) {
                p.text = lhs + "(−∞) = −∞   (j > i: key " + std::to_string(col + 1) + " comes after query " +
                         std::to_string(row + 1) + ")";
                p.caption = "hidden: " + tok_c + " comes after " + tok_r;
            } else {
                p.text = lhs + "0 = " + format_2dp(out.at(row, col)) +
                         (attn_.causal ? "   (j ≤ i: kept)" : "   (no mask)");
                p.caption = tok_r + " may read " + tok_c + head_note;
            }
            return p;
        }
        case Term::Probs: {
            p.kind = Provenance::Kind::Softmax;
            const StepMatrix& S = matrix(Term::Masked, head);
            double maxv = -std::numeric_limits<double>::infinity();
            for (int j = 0; j < T_; j++) maxv = std::max(maxv, (double)S.at(row, j));
            double sum = 0;
            int self = -1;
            std::string exps;
            for (int j = 0; j < T_; j++) {
                if (std::isinf(S.at(row, j))) continue;  // exp(−∞) = 0 adds nothing
                if (j == col) self = (int)p.a.size();
                const double e = std::exp((double)S.at(row, j) - maxv);
                p.a.push_back(e);
                sum += e;
                p.sources.push_back({Term::Masked, head, row, j});
                exps += (exps.empty() ? "" : " + ") + format_2dp(e);
            }
            p.b = {(double)self};
            p.value = self >= 0 ? p.a[self] / sum : 0.0;
            const std::string lhs = "p" + ij + " = exp(s" + ij + " − max) / Σⱼ exp(s" + subscript(row + 1) + "ⱼ − max)";
            if (self < 0) {
                p.text = lhs + "\n= exp(−∞) / " + format_2dp(sum) + " = 0   (key " + std::to_string(col + 1) +
                         " is masked)";
                p.caption = tok_r + " gives no weight to " + tok_c + ": it is in the future";
            } else {
                p.text = lhs + "\nmax = " + format_2dp(maxv) + "\n= exp(" + format_2dp(S.at(row, col)) + " − " +
                         format_2dp(maxv) + ") / (" + exps + ") = " + format_2dp(p.a[self]) + " / " +
                         format_2dp(sum) + " = " + format_2dp(out.at(row, col));
                p.caption = "the weight query " + tok_r + " gives to key " + tok_c + head_note;
            }
            return p;
        }
        case Term::Head: {
            const int n = attn_.causal ? row + 1 : T_;
            p = dot(s.output, head, row, col, matrix(Term::Probs, head), matrix(Term::V, head), "h" + ij,
                    "Σⱼ p" + subscript(row + 1) + "ⱼ vⱼ" + subscript(col + 1));
            p.caption = "output of " + tok_r + ", dimension " + dim_label(col) + head_note + ": values of " +
                        std::to_string(n) + " tokens weighted by row " + tok_r + " of P";
            if (attn_.causal && row + 1 < T_) p.caption += " (later keys have p = 0)";
            return p;
        }
        case Term::Concat: {
            p.kind = Provenance::Kind::Copy;
            const int h = col / hd, c = col % hd;
            p.value = matrix(Term::Head, h).at(row, c);
            p.a = {p.value};
            p.sources.push_back({Term::Head, h, row, c});
            p.text = "c" + ij + " = (head" + subscript(h + 1) + ")" + sub2(row, c) + " = " + format_2dp(p.value);
            p.caption = "column " + dim_label(c) + " of head " + std::to_string(h + 1) + ", token " + tok_r;
            return p;
        }
        case Term::Output: {
            const StepMatrix& in = H > 1 ? matrix(Term::Concat) : matrix(Term::Head, 0);
            p = dot(s.output, -1, row, col, in, matrix(Term::WO), "y" + ij,
                    std::string(H > 1 ? "c" : "h") + subscript(row + 1) + "·W_O[:," + dim_label(col) + "]");
            p.caption = "layer output for " + tok_r + ", dimension " + dim_label(col);
            return p;
        }
        default:
            break;
    }
    throw std::logic_error("attention stepper: no provenance for this sub-step");
}

}  // namespace noam
