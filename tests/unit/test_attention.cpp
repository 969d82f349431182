// Attention on a hand-worked example, and MQA/GQA checked against separate computations.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "attention.h"
#include "grad_check.h"

using namespace noam;

static void set_identity(ParamStore& ps, int index, int n) {
    float* w = ps.w(index);
    for (int i = 0; i < n * n; i++) w[i] = (i % (n + 1) == 0) ? 1.0f : 0.0f;
}

// One head, d_k = 2, all projections the identity, so Q = K = V = X:
//   X = [[1,0], [0,1], [1,1]], causal, scale 1/sqrt(2)
//   row 0: sees only key 0                   p = [1]                  out = [1, 0]
//   row 1: scores [0, 1]/sqrt2 = [0, .7071]   p = [e^0, e^.7071]/sum = [.330238, .669762]
//          out = .330238*[1,0] + .669762*[0,1] = [.330238, .669762]
//   row 2: scores [1, 1, 2]/sqrt2 = [.7071, .7071, 1.4142]
//          p = [2.0281, 2.0281, 4.1133]/8.1695 = [.248255, .248255, .503490]
//          out = .248255*[1,0] + .248255*[0,1] + .503490*[1,1] = [.751745, .751745]
// The example's layer: one causal head, d_k = 2, every projection the identity, run on X.
struct IdentityAttention {
    ParamStore ps;
    Attention attn;
    std::vector<float> y = std::vector<float>(6);
    explicit IdentityAttention(bool scale) {
        attn.declare(ps, "attn", 2, 1, 1, true);
        attn.scale_scores = scale;
        ps.allocate();
        attn.reserve(1, 3);
        for (Linear* l : {&attn.wq, &attn.wk, &attn.wv, &attn.wo}) set_identity(ps, l->w_index, 2);
        const std::vector<float> x = {1, 0, 0, 1, 1, 1};
        attn.forward(x.data(), y.data(), 1, 3);
    }
};

TEST(Attention, HandWorkedExample) {
    IdentityAttention ex(true);
    const Attention& attn = ex.attn;
    const std::vector<float>& y = ex.y;
    const float want_p[3][3] = {{1, 0, 0}, {0.330238f, 0.669762f, 0}, {0.248255f, 0.248255f, 0.503490f}};
    for (int t = 0; t < 3; t++)
        for (int j = 0; j < 3; j++) EXPECT_NEAR(attn.prob(0, 0, t, j), want_p[t][j], 1e-6) << "p[" << t << "][" << j << "]";
    const float want_y[6] = {1, 0, 0.330238f, 0.669762f, 0.751745f, 0.751745f};
    for (int i = 0; i < 6; i++) EXPECT_NEAR(y[i], want_y[i], 1e-6) << "y[" << i << "]";
}

TEST(Attention, WithoutScalingTheSoftmaxIsSharper) {
    IdentityAttention ex(false);
    // row 2 unscaled: scores [1, 1, 2] -> p = [e, e, e^2] / (2e + e^2) = [.211942, .211942, .576117]
    EXPECT_NEAR(ex.attn.prob(0, 0, 2, 2), 0.576117f, 1e-6);
}

// MQA computed separately: h query heads, one shared key head and value head, naive loops.
TEST(Attention, MultiQueryEqualsSeparateComputation) {
    const int B = 2, T = 5, D = 8, H = 4, hd = D / H;
    ParamStore ps;
    Attention attn;
    attn.declare(ps, "attn", D, H, 1, true);
    ps.allocate();
    attn.reserve(B, T);
    Rng rng(11);
    attn.init(rng, 1.0f);
    std::vector<float> x = test::random_vector(rng, (size_t)B * T * D), y(x.size());
    attn.forward(x.data(), y.data(), B, T);

    const float* wq = ps.w(attn.wq.w_index);  // (D, H*hd)
    const float* wk = ps.w(attn.wk.w_index);  // (D, hd): one head
    const float* wv = ps.w(attn.wv.w_index);
    const float* wo = ps.w(attn.wo.w_index);  // (H*hd, D)
    for (int b = 0; b < B; b++) {
        std::vector<double> k(T * hd, 0), v(T * hd, 0), ctx(T * H * hd, 0);
        const float* xb = x.data() + (size_t)b * T * D;
        for (int t = 0; t < T; t++)
            for (int c = 0; c < hd; c++)
                for (int i = 0; i < D; i++) {
                    k[t * hd + c] += xb[t * D + i] * wk[i * hd + c];
                    v[t * hd + c] += xb[t * D + i] * wv[i * hd + c];
                }
        for (int h = 0; h < H; h++)
            for (int t = 0; t < T; t++) {
                std::vector<double> q(hd, 0), p(t + 1);
                for (int c = 0; c < hd; c++)
                    for (int i = 0; i < D; i++) q[c] += xb[t * D + i] * wq[i * H * hd + h * hd + c];
                double sum = 0;
                for (int j = 0; j <= t; j++) {
                    double s = 0;
                    for (int c = 0; c < hd; c++) s += q[c] * k[j * hd + c];
                    p[j] = std::exp(s / std::sqrt((double)hd));
                    sum += p[j];
                }
                for (int j = 0; j <= t; j++)
                    for (int c = 0; c < hd; c++) ctx[t * H * hd + h * hd + c] += p[j] / sum * v[j * hd + c];
            }
        for (int t = 0; t < T; t++)
            for (int o = 0; o < D; o++) {
                double want = 0;
                for (int i = 0; i < H * hd; i++) want += ctx[t * H * hd + i] * wo[i * D + o];
                EXPECT_NEAR(y[((size_t)b * T + t) * D + o], want, 1e-5) << "b=" << b << " t=" << t << " o=" << o;
            }
    }
}

// GQA with KV groups equals MHA whose key/value weights repeat each group's weights for its query heads.
TEST(Attention, GroupedQueryEqualsMultiHeadWithRepeatedKV) {
    const int B = 1, T = 6, D = 8, H = 4, KV = 2, hd = D / H;
    ParamStore ps_g, ps_m;
    Attention gqa, mha;
    gqa.declare(ps_g, "a", D, H, KV, true);
    mha.declare(ps_m, "a", D, H, H, true);
    ps_g.allocate();
    ps_m.allocate();
    gqa.reserve(B, T);
    mha.reserve(B, T);
    Rng rng(12);
    gqa.init(rng, 1.0f);
    auto copy = [](const float* src, float* dst, size_t n) { std::copy(src, src + n, dst); };
    copy(ps_g.w(gqa.wq.w_index), ps_m.w(mha.wq.w_index), (size_t)D * H * hd);
    copy(ps_g.w(gqa.wo.w_index), ps_m.w(mha.wo.w_index), (size_t)H * hd * D);
    for (int i = 0; i < D; i++)
        for (int h = 0; h < H; h++)
            for (int c = 0; c < hd; c++) {
                const int g = h / (H / KV);
                ps_m.w(mha.wk.w_index)[i * H * hd + h * hd + c] = ps_g.w(gqa.wk.w_index)[i * KV * hd + g * hd + c];
                ps_m.w(mha.wv.w_index)[i * H * hd + h * hd + c] = ps_g.w(gqa.wv.w_index)[i * KV * hd + g * hd + c];
            }
    std::vector<float> x = test::random_vector(rng, (size_t)B * T * D), yg(x.size()), ym(x.size());
    gqa.forward(x.data(), yg.data(), B, T);
    mha.forward(x.data(), ym.data(), B, T);
    for (size_t i = 0; i < yg.size(); i++) EXPECT_NEAR(yg[i], ym[i], 1e-5);
}

TEST(Attention, CausalMaskGivesZeroToTheFuture) {
    ParamStore ps;
    Attention attn;
    attn.declare(ps, "a", 8, 2, 2, true);
    ps.allocate();
    attn.reserve(1, 7);
    Rng rng(13);
    attn.init(rng, 1.0f);
    std::vector<float> x = test::random_vector(rng, 7 * 8), y(x.size());
    attn.forward(x.data(), y.data(), 1, 7);
    for (int h = 0; h < 2; h++)
        for (int t = 0; t < 7; t++) {
            double sum = 0;
            for (int j = 0; j < 7; j++) {
                if (j > t) {
                    EXPECT_EQ(attn.prob(0, h, t, j), 0.0f);
                }
                sum += attn.prob(0, h, t, j);
            }
            EXPECT_NEAR(sum, 1.0, 1e-6);
        }
}
