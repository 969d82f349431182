// The KV-cached incremental forward against the model's full forward, and its byte and FLOP counts against
// hand-worked formulas.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kv_cache.h"

using namespace noam;

// A small random model; the attention options' mixing matrices and convolution taps are moved off the identity
// they start at, so that the cached path has to get them right.
static std::unique_ptr<TransformerLM> random_model(ModelConfig cfg, uint64_t seed = 3) {
    cfg.vocab_size = 13;
    cfg.seq_len = 16;
    Rng rng(seed);
    auto model = std::make_unique<TransformerLM>(cfg, 1, rng);
    for (Block& b : model->blocks) {
        const Attention& at = b.attn;
        for (int index : {at.talk_pre_index, at.talk_post_index, at.dconv_index[0], at.dconv_index[1], at.dconv_index[2]})
            if (index >= 0)
                for (size_t i = 0; i < model->params.params[index].size; i++) model->params.w(index)[i] += 0.3f * rng.normal();
    }
    return model;
}

// max |a - b| / max |b| over one row of logits
static double relative_error(const float* a, const float* b, int n) {
    double err = 0, ref = 0;
    for (int i = 0; i < n; i++) {
        err = std::max(err, (double)std::fabs(a[i] - b[i]));
        ref = std::max(ref, (double)std::fabs(b[i]));
    }
    return err / std::max(ref, 1e-30);
}

// Feeds tokens through the decoder in the chunks given (a prompt, single tokens, a verify-sized chunk ...) and
// compares every position's logits with the full forward over the whole sequence.
static void expect_cached_equals_full(TransformerLM& model, KVCacheDecoder& dec, const std::vector<int>& tokens,
                                      const std::vector<int>& chunks, const std::string& what) {
    const int T = (int)tokens.size(), V = model.cfg.vocab_size;
    std::vector<float> cached((size_t)T * V);
    int at = dec.length;
    for (int m : chunks) {
        const float* z = dec.forward(tokens.data() + at, m);
        std::copy(z, z + (size_t)m * V, cached.begin() + (size_t)at * V);
        at += m;
    }
    ASSERT_EQ(at, T);
    model.forward(tokens.data(), nullptr, 1, T);
    for (int t = 0; t < T; t++)
        // float32 round-off: the cached path sums the same products in another order (dot products with partial
        // sums, one query at a time); a wrong mask, position or head shows up as errors of order 1
        EXPECT_LT(relative_error(cached.data() + (size_t)t * V, model.logits_at(0, t), V), 2e-5)
            << what << ": logits of position " << t;
}

struct DecodeCase {
    std::string name;
    ModelConfig cfg;
};

static std::vector<DecodeCase> decode_cases() {
    std::vector<DecodeCase> cases;
    ModelConfig base;
    base.d_model = 16; base.n_heads = 4; base.n_layers = 2; base.d_ff = 24;
    for (int kv : {4, 2, 1}) {
        ModelConfig c = base;
        c.n_kv_heads = kv;
        cases.push_back({kv == 4 ? "MHA" : kv == 2 ? "GQA" : "MQA", c});
    }
    ModelConfig th = base;
    th.talking_heads = true;
    cases.push_back({"talking heads", th});
    ModelConfig dc = base;
    dc.attention_dconv = 3;
    dc.n_kv_heads = 2;
    cases.push_back({"dconv GQA", dc});
    ModelConfig both = base;
    both.talking_heads = true;
    both.attention_dconv = 3;
    both.n_kv_heads = 1;
    cases.push_back({"talking heads + dconv MQA", both});
    ModelConfig post = base;
    post.placement = NormPlacement::PostNorm;
    post.tie_embeddings = false;
    post.positions = PosKind::Learned;
    post.norm = NormKind::RMSNorm;
    post.ffn = FfnKind::SwiGLU;
    post.scale_attention = false;
    post.attention_dconv = 2;
    cases.push_back({"post-norm untied learned rmsnorm swiglu unscaled dconv2", post});
    // MoE blocks, at evaluation (no noise, the evaluation capacity): a capacity factor of E leaves room for
    // every token, so no token is dropped in the full forward either and the routing is token by token
    for (RouterKind router : {RouterKind::Switch, RouterKind::Top2, RouterKind::NoisyTopK}) {
        ModelConfig moe = base;
        moe.moe.experts = 4;
        moe.moe.router = router;
        moe.moe.every = 2;
        moe.moe.eval_capacity_factor = 4.0f;
        if (router == RouterKind::Top2) moe.moe.second_policy = SecondPolicy::All;
        cases.push_back({std::string("MoE ") + to_string(router), moe});
    }
    return cases;
}

TEST(Decode, CachedEqualsFullForwardForEveryAttentionKind) {
    for (const DecodeCase& dc : decode_cases()) {
        auto model = random_model(dc.cfg);
        KVCacheDecoder dec(*model);
        Rng rng(11);
        std::vector<int> tokens(16);
        for (int& t : tokens) t = rng.randint(13);
        // a prompt of 5, five single tokens, a chunk of 4 (speculative verification), two singles
        expect_cached_equals_full(*model, dec, tokens, {5, 1, 1, 1, 1, 1, 4, 1, 1}, dc.name);
        EXPECT_EQ(dec.length, 16);
    }
}

TEST(Decode, TruncateThenContinueEqualsFullForwardOfTheNewSequence) {
    for (const DecodeCase& dc : decode_cases()) {
        auto model = random_model(dc.cfg, 5);
        KVCacheDecoder dec(*model);
        Rng rng(12);
        std::vector<int> tokens(12);
        for (int& t : tokens) t = rng.randint(13);
        dec.forward(tokens.data(), 12);
        // keep 7 positions, change what follows (a rejected draft), and go on from there
        dec.truncate(7);
        for (int i = 7; i < 12; i++) tokens[i] = (tokens[i] + 1 + i) % 13;
        const int V = model->cfg.vocab_size;
        std::vector<float> cached((size_t)5 * V);
        const float* z = dec.forward(tokens.data() + 7, 2);
        std::copy(z, z + 2 * V, cached.begin());
        for (int i = 9; i < 12; i++) {
            z = dec.forward(tokens.data() + i, 1);
            std::copy(z, z + V, cached.begin() + (size_t)(i - 7) * V);
        }
        model->forward(tokens.data(), nullptr, 1, 12);
        for (int t = 7; t < 12; t++)
            EXPECT_LT(relative_error(cached.data() + (size_t)(t - 7) * V, model->logits_at(0, t), V), 2e-5)
                << dc.name << ": logits of position " << t << " after truncating to 7";
    }
}

TEST(Decode, CountsEqualTheFormulas) {
    // d 8, 2 heads (d_k 4), 1 KV head, 1 layer, d_ff 12, vocab 11, pre-norm LayerNorm, tied, sinusoidal. Parameters
    // by hand: embedding 11*8 = 88; norm1 16; wq 8*8 = 64; wk, wv 8*4 = 32 each; wo 64; norm2 16;
    // FFN w1 8*12 + 12 = 108, w2 12*8 + 8 = 104; final norm 16. Total 540.
    ModelConfig cfg;
    cfg.d_model = 8; cfg.n_heads = 2; cfg.n_kv_heads = 1; cfg.n_layers = 1; cfg.d_ff = 12;
    cfg.vocab_size = 11;
    cfg.seq_len = 10;
    Rng rng(1);
    TransformerLM model(cfg, 1, rng);
    ASSERT_EQ(model.num_params(), 540u);
    KVCacheDecoder dec(model);
    const std::vector<int> tokens = {1, 2, 3, 4, 5, 6, 7};
    dec.forward(tokens.data(), 4);  // a prompt of 4, then 3 single tokens
    for (int i = 4; i < 7; i++) dec.forward(tokens.data() + i, 1);
    EXPECT_EQ(dec.counts.tokens, 7);
    EXPECT_EQ(dec.counts.passes, 4);
    // K and V: position p reads p+1 rows of 1 KV head * 4 floats each, for K and for V, 4 bytes a float:
    //   sum_{p=0..6} (p+1) * 2 * 4 * 4 = 28 * 32 = 896
    EXPECT_DOUBLE_EQ(dec.counts.kv_bytes, 896.0);
    // weights: all 540 less the 88 of the table, plus the 8 floats of each looked-up row, plus the table again
    // as the tied head: a pass over m tokens reads 540 + 8m floats. Passes of 4, 1, 1, 1 tokens:
    EXPECT_DOUBLE_EQ(dec.counts.weight_bytes, 4.0 * ((540 + 32) + 3 * (540 + 8)));
    // FLOPs of a token attending to n keys: 2 * (64 + 32 + 32 + 64 + 96 + 96) matrix products + 2*2*(2*4)*n for
    // q.k and p.v + 2*8*11 for the head = 944 + 32 n; n = 1..7 sums to 7*944 + 32*28
    EXPECT_DOUBLE_EQ(dec.counts.flops, 7 * 944.0 + 32 * 28.0);
    EXPECT_EQ(dec.counts.conv_bytes, 0.0);
}

TEST(Decode, MultiQueryReadsOneHeadthOfTheCache) {
    for (int kv : {4, 2, 1}) {
        ModelConfig cfg;
        cfg.d_model = 16; cfg.n_heads = 4; cfg.n_kv_heads = kv; cfg.n_layers = 2; cfg.d_ff = 24;
        auto model = random_model(cfg);
        KVCacheDecoder dec(*model);
        const std::vector<int> tokens(16, 3);
        for (int i = 0; i < 16; i++) dec.forward(tokens.data() + i, 1);
        // 2 layers * sum_{n=1..16} n * 2 * (kv * 4 floats) * 4 bytes
        EXPECT_DOUBLE_EQ(dec.counts.kv_bytes, 2.0 * 136 * 2 * kv * 4 * 4) << "n_kv_heads " << kv;
    }
}

TEST(Decode, DConvReadsTheEarlierProjectedRows) {
    ModelConfig cfg;
    cfg.d_model = 16; cfg.n_heads = 4; cfg.n_kv_heads = 2; cfg.n_layers = 1; cfg.d_ff = 24;
    cfg.attention_dconv = 3;
    auto model = random_model(cfg);
    KVCacheDecoder dec(*model);
    const std::vector<int> tokens(5, 2);
    for (int i = 0; i < 5; i++) dec.forward(tokens.data() + i, 1);
    // positions 0..4 read min(2, p) earlier rows of q (16 floats), k and v (8 each): 0+1+2+2+2 = 7 rows of 32 floats
    EXPECT_DOUBLE_EQ(dec.counts.conv_bytes, 7 * 32 * 4.0);
}

TEST(Decode, RefusesWhatItCannotDo) {
    ModelConfig cfg;
    cfg.d_model = 8; cfg.n_heads = 2; cfg.n_layers = 1; cfg.d_ff = 8;
    cfg.causal = false;
    auto bidirectional = random_model(cfg);
    EXPECT_THROW(KVCacheDecoder{*bidirectional}, std::invalid_argument);
    cfg.causal = true;
    auto model = random_model(cfg);
    KVCacheDecoder dec(*model);
    const std::vector<int> tokens(17, 1);
    EXPECT_THROW(dec.forward(tokens.data(), 17), std::invalid_argument);  // more than a pass takes
    dec.forward(tokens.data(), 16);
    EXPECT_THROW(dec.forward(tokens.data(), 1), std::length_error);  // the cache is full at seq_len
    const int bad = 13;
    dec.reset();
    EXPECT_THROW(dec.forward(&bad, 1), std::invalid_argument);
    EXPECT_THROW(dec.truncate(1), std::invalid_argument);  // beyond what it holds
    cfg.moe.experts = 2;
    cfg.moe.router = RouterKind::ExpertChoice;
    cfg.moe.capacity_factor = cfg.moe.eval_capacity_factor = 2.0f;
    auto expert_choice = random_model(cfg);
    EXPECT_THROW(KVCacheDecoder{*expert_choice}, std::invalid_argument);  // an expert picks among all the tokens
}

// [decoding panel] keep_attention: the newest position's attention weights, per layer and head, equal the full
// forward's attention probabilities in that position's row (talking heads: the weights after the second mix,
// the ones that weigh the values), after a prompt and after every single token.
TEST(Decode, KeptAttentionRowsEqualTheFullForwardsLastRow) {
    const std::vector<DecodeCase> cases = decode_cases();
    for (size_t c = 0; c < 6; c++) {  // the attention kinds (the MoE cases change only the FFN)
        const DecodeCase& dc = cases[c];
        auto model = random_model(dc.cfg);
        KVCacheDecoder dec(*model);
        dec.keep_attention = true;
        Rng rng(17);
        std::vector<int> tokens(10);
        for (int& t : tokens) t = rng.randint(13);
        const int H = model->cfg.n_heads, L = model->cfg.n_layers;
        dec.forward(tokens.data(), 5);
        for (int n = 5; n <= 10; n++) {
            if (n > 5) dec.forward(&tokens[n - 1], 1);
            std::vector<float> kept = dec.last_attention;  // the full forward below does not touch it
            model->forward(tokens.data(), nullptr, 1, n);
            for (int l = 0; l < L; l++)
                for (int h = 0; h < H; h++) {
                    double err = 0, sum = 0;
                    for (int j = 0; j < n; j++) {
                        const float w = kept[((size_t)l * H + h) * dec.max_T + j];
                        const Attention& at = model->blocks[l].attn;
                        const float want = dc.cfg.talking_heads ? at.mixed[((size_t)h * n + n - 1) * n + j]  // W, B = 1
                                                                : at.prob(0, h, n - 1, j);
                        err = std::max(err, (double)std::fabs(w - want));
                        sum += w;
                    }
                    // weights in [0, 1] summed in another order: float32 round-off; a wrong row or head is off by O(0.1)
                    EXPECT_LT(err, 1e-5) << dc.name << ": layer " << l << " head " << h << " at length " << n;
                    if (!dc.cfg.talking_heads) {
                        EXPECT_NEAR(sum, 1.0, 1e-5) << dc.name;  // a softmax row
                    }
                }
        }
    }
}
