// Tests for core/data: the UTF-8 tokenizer, the layout of every synthetic task (each answer re-derived here
// from the batch's own inputs with std::reverse / std::sort / a lookup), determinism, the text corpus split,
// and corpus loading (cleaning and every error).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "data.h"

using namespace noam;
namespace fs = std::filesystem;

namespace {

// ---- helpers ----

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
    fs::path dir;
    TempDir() {
        static int counter = 0;
        dir = fs::temp_directory_path() /
              ("noam_test_data_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string write(const std::string& name, const std::string& bytes) const {
        const fs::path p = dir / name;
        std::ofstream out(p, std::ios::binary);
        out << bytes;
        return p.string();
    }
};

// The what() of the std::invalid_argument that f throws, or a marker when it throws nothing.
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no std::invalid_argument thrown)";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

DataConfig synthetic(const std::string& task, int seq_len, int digits = 10) {
    DataConfig c;
    c.task = task;
    c.seq_len = seq_len;
    c.digits = digits;
    return c;
}

// Row b of a batch as vectors
std::vector<int> row_tokens(const Batch& batch, int b) {
    return std::vector<int>(batch.tokens.begin() + (size_t)b * batch.T, batch.tokens.begin() + (size_t)(b + 1) * batch.T);
}
std::vector<int> row_targets(const Batch& batch, int b) {
    return std::vector<int>(batch.targets.begin() + (size_t)b * batch.T,
                            batch.targets.begin() + (size_t)(b + 1) * batch.T);
}

// Holds for every dataset: a scored target is the next input token (teacher forcing on one sequence),
// and every id is inside the vocabulary.
void expect_next_token_targets(const Batch& batch, int vocab) {
    for (int b = 0; b < batch.B; b++) {
        const std::vector<int> x = row_tokens(batch, b), y = row_targets(batch, b);
        for (int t = 0; t < batch.T; t++) {
            ASSERT_GE(x[t], 0);
            ASSERT_LT(x[t], vocab);
            ASSERT_GE(y[t], -1);
            ASSERT_LT(y[t], vocab);
            if (t + 1 < batch.T && y[t] >= 0) {
                ASSERT_EQ(y[t], x[t + 1]) << "row " << b << " position " << t;
            }
        }
    }
}

bool same_batch(const Batch& a, const Batch& b) {
    return a.B == b.B && a.T == b.T && a.tokens == b.tokens && a.targets == b.targets;
}

Batch draw(const Dataset& d, uint64_t seed, int B, int T) {
    Rng rng(seed);
    Batch batch;
    batch.resize(B, T);
    d.sample(rng, batch);
    return batch;
}

const char* kAllTasks[] = {"copy", "reverse", "sort", "recall", "induction", "random"};

}  // namespace

// ---- tokenizer ----

TEST(Tokenizer, BuildSortsCodePointsAndRoundTrips) {
    CharTokenizer tok;
    tok.build("hello world\n");
    const std::vector<uint32_t> expected = {'\n', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'};
    EXPECT_EQ(tok.id_to_cp, expected);
    EXPECT_EQ(tok.id('h'), 4);
    EXPECT_EQ(tok.id('z'), -1);
    EXPECT_EQ(tok.decode(tok.encode("hello world\n")), "hello world\n");
    EXPECT_EQ(tok.encode("dew"), (std::vector<int>{2, 3, 8}));
}

TEST(Tokenizer, ChineseAndFourByteRoundTrip) {
    const std::string poem = "春眠不觉晓，处处闻啼鸟。\n夜来风雨声，花落知多少。\n";
    CharTokenizer tok;
    tok.build(poem);
    EXPECT_EQ(tok.size(), 22);  // 26 characters; 处，。 and '\n' repeat
    std::set<uint32_t> distinct(tok.id_to_cp.begin(), tok.id_to_cp.end());
    EXPECT_EQ((int)distinct.size(), tok.size());
    EXPECT_TRUE(std::is_sorted(tok.id_to_cp.begin(), tok.id_to_cp.end()));
    const std::vector<int> ids = tok.encode(poem);
    EXPECT_EQ(ids.size(), 26u);  // 2 lines of 12 characters + '\n'
    EXPECT_EQ(tok.decode(ids), poem);
    EXPECT_EQ(tok.id_to_cp[ids[0]], 0x6625u);  // 春

    const std::string mixed = "naïve café 😀 ok";  // 2-, 3- (none) and 4-byte sequences
    CharTokenizer tok2;
    tok2.build(mixed);
    EXPECT_EQ(tok2.decode(tok2.encode(mixed)), mixed);
    EXPECT_GE(tok2.id(0x1F600), 0);  // 😀
}

TEST(Tokenizer, InvalidUtf8NamesTheByteOffset) {
    CharTokenizer tok;
    EXPECT_TRUE(contains(error_of([&] { tok.build("ab\xff"); }), "byte offset 2"));
    EXPECT_TRUE(contains(error_of([&] { tok.build("abc\xe6\x98"); }), "byte offset 3"));     // truncated 3-byte
    EXPECT_TRUE(contains(error_of([&] { tok.build("\xc0\xaf"); }), "byte offset 0"));        // overlong '/'
    EXPECT_TRUE(contains(error_of([&] { tok.build("x\xed\xa0\x80"); }), "byte offset 1"));   // surrogate D800
    EXPECT_TRUE(contains(error_of([&] { tok.build("xy\x80"); }), "byte offset 2"));          // stray continuation
    EXPECT_TRUE(contains(error_of([&] { tok.build("\xf4\x90\x80\x80"); }), "byte offset 0")); // above U+10FFFF
    tok.build("abc");
    EXPECT_TRUE(contains(error_of([&] { tok.encode("a\xe6"); }), "byte offset 1"));
}

TEST(Tokenizer, UnknownCharacterAndBadIds) {
    CharTokenizer tok;
    tok.build("abc");
    const std::string msg = error_of([&] { tok.encode("abx"); });
    EXPECT_TRUE(contains(msg, "U+0078 'x'")) << msg;
    EXPECT_TRUE(contains(msg, "byte offset 2")) << msg;
    EXPECT_THROW(tok.decode({0, 3}), std::out_of_range);
    EXPECT_THROW(tok.token_text(-1), std::out_of_range);
}

TEST(Tokenizer, TokenTextLabels) {
    CharTokenizer tok;
    tok.build("a \n\t春\x01");
    EXPECT_EQ(tok.token_text(tok.id('\n')), "⏎");
    EXPECT_EQ(tok.token_text(tok.id(' ')), "␣");
    EXPECT_EQ(tok.token_text(tok.id('\t')), "⇥");
    EXPECT_EQ(tok.token_text(tok.id('a')), "a");
    EXPECT_EQ(tok.token_text(tok.id(0x6625)), "春");
    EXPECT_EQ(tok.token_text(tok.id(0x01)), "␁");  // other control characters: U+2400 + c
}

TEST(Tokenizer, BuildFromSymbolsKeepsOrderAndRejectsDuplicates) {
    CharTokenizer tok;
    tok.build_from_symbols("ba>.");
    EXPECT_EQ(tok.id('b'), 0);
    EXPECT_EQ(tok.id('a'), 1);
    EXPECT_EQ(tok.id('.'), 3);
    EXPECT_TRUE(contains(error_of([&] { tok.build_from_symbols("abca"); }), "appears twice"));
}

// ---- synthetic task layouts ----

// copy / reverse / sort: s = x1..xL '>' y1..yL ['.'], L = T/2; only the L answer targets are scored.
void check_transform_task(const std::string& task, int T, int digits) {
    SCOPED_TRACE(task + " T=" + std::to_string(T) + " digits=" + std::to_string(digits));
    auto d = make_dataset(synthetic(task, T, digits), 8, 2);
    const CharTokenizer& tok = d->tokenizer();
    ASSERT_EQ(tok.size(), digits + 2);
    const int sep = tok.id('>'), pad = tok.id('.');
    const int L = T / 2;
    const Batch batch = draw(*d, 3, 8, T);
    expect_next_token_targets(batch, tok.size());
    std::set<std::vector<int>> distinct_inputs;
    for (int b = 0; b < batch.B; b++) {
        const std::vector<int> x = row_tokens(batch, b), y = row_targets(batch, b);
        std::vector<int> input(x.begin(), x.begin() + L);
        for (int v : input) ASSERT_LT(v, digits);
        distinct_inputs.insert(input);
        ASSERT_EQ(x[L], sep);
        std::vector<int> answer = input;  // the independent reference
        if (task == "reverse") std::reverse(answer.begin(), answer.end());
        if (task == "sort") std::sort(answer.begin(), answer.end());
        for (int t = 0; t < T; t++) {
            if (t >= L && t < 2 * L) {
                EXPECT_EQ(y[t], answer[t - L]) << "row " << b << " target " << t;
            } else {
                EXPECT_EQ(y[t], -1) << "row " << b << " target " << t << " should not be scored";
            }
        }
        if (T % 2 == 1) {
            EXPECT_EQ(y[T - 1], -1);  // s[T] is the padding '.', unscored
        }
        for (int t = 2 * L + 1; t < T; t++) EXPECT_EQ(x[t], pad);
    }
    EXPECT_GT(distinct_inputs.size(), 1u) << "inputs should be random";
}

TEST(Tasks, CopyReverseSortLayout) {
    for (const char* task : {"copy", "reverse", "sort"}) {
        check_transform_task(task, 64, 10);
        check_transform_task(task, 63, 10);
        check_transform_task(task, 4, 2);
        check_transform_task(task, 17, 36);
    }
}

TEST(Tasks, ReverseReadsAsExpected) {
    auto d = make_dataset(synthetic("reverse", 8), 1, 1);
    const Batch& w = d->watched();
    const std::vector<int> x = row_tokens(w, 0), y = row_targets(w, 0);
    std::vector<int> seq = x;
    seq.push_back(y[7]);  // s[8], scored
    const std::string s = d->tokenizer().decode(seq);
    ASSERT_EQ(s.size(), 9u);
    EXPECT_EQ(s[4], '>');
    EXPECT_EQ(s.substr(5), std::string(s.rbegin() + 5, s.rend()));  // "abcd>dcba"
}

TEST(Tasks, RecallLayout) {
    for (int T : {64, 6, 7, 20, 100}) {
        SCOPED_TRACE("T=" + std::to_string(T));
        auto d = make_dataset(synthetic("recall", T, 3 /* ignored by recall */), 16, 1);
        const CharTokenizer& tok = d->tokenizer();
        ASSERT_EQ(tok.size(), 38);  // 0-9, a-z, '?', '.'
        const int m = std::min(26, (T - 2) / 2);
        const Batch batch = draw(*d, 11, 16, T);
        expect_next_token_targets(batch, tok.size());
        for (int b = 0; b < batch.B; b++) {
            const std::vector<int> x = row_tokens(batch, b), y = row_targets(batch, b);
            std::vector<uint32_t> keys;
            for (int p = 0; p < m; p++) {
                const uint32_t k = tok.id_to_cp[x[2 * p]], v = tok.id_to_cp[x[2 * p + 1]];
                ASSERT_TRUE(k >= 'a' && k <= 'z');
                ASSERT_TRUE(v >= '0' && v <= '9');
                ASSERT_EQ(std::count(keys.begin(), keys.end(), k), 0) << "keys must be distinct";
                keys.push_back(k);
            }
            ASSERT_EQ(x[2 * m], tok.id('?'));
            const uint32_t kq = tok.id_to_cp[x[2 * m + 1]];
            const auto where = std::find(keys.begin(), keys.end(), kq);
            ASSERT_NE(where, keys.end()) << "the query must be one of the keys";
            const int value_id = x[2 * (int)(where - keys.begin()) + 1];
            for (int t = 0; t < T; t++) {
                if (t == 2 * m + 1) EXPECT_EQ(y[t], value_id);
                else EXPECT_EQ(y[t], -1) << "target " << t;
            }
            for (int t = 2 * m + 3; t < T; t++) EXPECT_EQ(x[t], tok.id('.'));
        }
    }
}

TEST(Tasks, InductionLayout) {
    for (int T : {64, 63, 32, 5}) {
        SCOPED_TRACE("T=" + std::to_string(T));
        auto d = make_dataset(synthetic("induction", T, 10), 8, 1);
        ASSERT_EQ(d->tokenizer().size(), 10);
        const int C = (T + 1) / 3;  // the repeated segment's length
        const Batch batch = draw(*d, 5, 8, T);
        expect_next_token_targets(batch, 10);
        std::set<int> distances;
        for (int b = 0; b < batch.B; b++) {
            const std::vector<int> x = row_tokens(batch, b), y = row_targets(batch, b);
            // the scored targets are C - 1 consecutive positions: the second copy without its first symbol
            std::vector<int> scored;
            for (int t = 0; t < T; t++)
                if (y[t] >= 0) scored.push_back(t);
            ASSERT_EQ((int)scored.size(), C - 1);
            for (size_t i = 1; i < scored.size(); i++) ASSERT_EQ(scored[i], scored[i - 1] + 1);
            const int second = scored[0];  // s[second] is the copy's first symbol (an input, not scored)
            // find the first copy: the distance D with s[second + i] = s[second - D + i] for all i < C
            int D = -1;
            for (int d = C + 1; d <= second && D < 0; d++) {
                bool same = true;
                for (int i = 0; i < C && same; i++) {
                    const int now = second + i, before = second - d + i;
                    const int sym_now = now < T ? x[now] : y[T - 1];
                    same = sym_now == x[before];
                }
                if (same) D = d;
            }
            ASSERT_GT(D, C) << "no earlier copy of the segment";
            distances.insert(D);
            for (int t : scored) EXPECT_EQ(y[t], x[t + 1 - D]) << "target " << t;
        }
        if (T >= 32) EXPECT_GT(distances.size(), 1u) << "the distance between the copies must vary";
    }
}

TEST(Tasks, RandomLayout) {
    auto d = make_dataset(synthetic("random", 32, 7), 8, 1);
    EXPECT_TRUE(d->scores_all_positions());
    const Batch batch = draw(*d, 9, 8, 32);
    expect_next_token_targets(batch, 7);
    std::vector<int> count(7, 0);
    for (int y : batch.targets) {
        ASSERT_GE(y, 0);
        count[y]++;
    }
    for (int c : count) EXPECT_GT(c, 0);  // 256 draws over 7 symbols: every one appears
}

TEST(Tasks, ScoresAllPositionsOnlyForRandomAndText) {
    for (const char* task : kAllTasks)
        EXPECT_EQ(make_dataset(synthetic(task, 16), 1, 1)->scores_all_positions(), std::string(task) == "random")
            << task;
}

TEST(Tasks, DescribeCountsTheScoredPositions) {
    EXPECT_EQ(make_dataset(synthetic("reverse", 64), 1, 1)->describe(),
              "reverse: 32 digits 0-9, reversed after '>' (scored: 32 of 64 positions)");
    EXPECT_EQ(make_dataset(synthetic("sort", 10, 16), 1, 1)->describe(),
              "sort: 5 symbols 0-9a-f, sorted after '>' (scored: 5 of 10 positions)");
    EXPECT_TRUE(contains(make_dataset(synthetic("recall", 64), 1, 1)->describe(), "26 key-value pairs"));
    EXPECT_TRUE(contains(make_dataset(synthetic("random", 64), 1, 1)->describe(), "2.303 nats"));
    // the describe() count matches the batches
    for (const char* task : kAllTasks) {
        auto d = make_dataset(synthetic(task, 64), 4, 1);
        const Batch batch = draw(*d, 1, 4, 64);
        const long scored = std::count_if(batch.targets.begin(), batch.targets.end(), [](int y) { return y >= 0; });
        EXPECT_TRUE(contains(d->describe(), "(scored: " + std::to_string(scored / 4) + " of 64 positions)"))
            << d->describe();
        EXPECT_EQ(d->name(), task);
    }
}

// ---- determinism ----

TEST(Tasks, SameSeedSameBatchDifferentSeedDifferentBatch) {
    for (const char* task : kAllTasks) {
        SCOPED_TRACE(task);
        auto d = make_dataset(synthetic(task, 32), 8, 2);
        EXPECT_TRUE(same_batch(draw(*d, 42, 8, 32), draw(*d, 42, 8, 32)));
        EXPECT_FALSE(same_batch(draw(*d, 42, 8, 32), draw(*d, 43, 8, 32)));
        // a second dataset object draws the same batch from the same seed
        auto d2 = make_dataset(synthetic(task, 32), 8, 2);
        EXPECT_TRUE(same_batch(draw(*d, 42, 8, 32), draw(*d2, 42, 8, 32)));
    }
}

TEST(Tasks, SampleReusesTheBatchStorage) {
    auto d = make_dataset(synthetic("sort", 32), 8, 1);
    Batch batch;
    batch.resize(8, 32);
    const int* tokens = batch.tokens.data();
    const int* targets = batch.targets.data();
    Rng rng(1);
    for (int i = 0; i < 3; i++) d->sample(rng, batch);
    EXPECT_EQ(batch.tokens.data(), tokens);
    EXPECT_EQ(batch.targets.data(), targets);
    // and a reused batch holds exactly what a fresh one would (nothing left over from earlier draws)
    Rng a(7), b(7);
    d->sample(a, batch);
    Batch fresh;
    fresh.resize(8, 32);
    d->sample(b, fresh);
    EXPECT_TRUE(same_batch(batch, fresh));
}

TEST(Tasks, ValidationAndWatchedAreFixed) {
    for (const char* task : kAllTasks) {
        SCOPED_TRACE(task);
        auto a = make_dataset(synthetic(task, 24), 4, 3);
        auto b = make_dataset(synthetic(task, 24), 4, 3);
        ASSERT_EQ(a->validation().size(), 3u);
        for (size_t v = 0; v < 3; v++) {
            EXPECT_EQ(a->validation()[v].B, 4);
            EXPECT_EQ(a->validation()[v].T, 24);
            EXPECT_TRUE(same_batch(a->validation()[v], b->validation()[v]));
        }
        EXPECT_FALSE(same_batch(a->validation()[0], a->validation()[1])) << "validation batches should differ";
        EXPECT_EQ(a->watched().B, 1);
        EXPECT_EQ(a->watched().T, 24);
        EXPECT_TRUE(same_batch(a->watched(), b->watched()));
        expect_next_token_targets(a->watched(), a->tokenizer().size());
    }
}

// ---- make_dataset errors ----

TEST(MakeDataset, Errors) {
    EXPECT_EQ(error_of([] { make_dataset(synthetic("xyz", 64), 4, 1); }),
              "unknown task 'xyz' (expected copy, reverse, sort, recall, induction, text, random)");
    EXPECT_TRUE(contains(error_of([] { make_dataset(synthetic("copy", 3), 4, 1); }), "seq_len 3 is too short"));
    EXPECT_TRUE(contains(error_of([] { make_dataset(synthetic("recall", 5), 4, 1); }), "too short for recall"));
    EXPECT_TRUE(contains(error_of([] { make_dataset(synthetic("copy", 64), 0, 1); }), "batch_size"));
    EXPECT_TRUE(contains(error_of([] { make_dataset(synthetic("copy", 64), 4, 0); }), "val_batches"));
    EXPECT_TRUE(contains(error_of([] { make_dataset(synthetic("copy", 64, 1), 4, 1); }), "digits must be between 2 and 36"));
    EXPECT_TRUE(contains(error_of([] { make_dataset(synthetic("random", 64, 37), 4, 1); }), "digits"));
    EXPECT_TRUE(contains(error_of([] { make_dataset(synthetic("text", 64), 4, 1); }), "no corpus given"));
}

// ---- corpus loading ----

// n numbered lines of 31 characters: every window longer than a line occurs once
std::string numbered_lines(int n) {
    std::string s;
    for (int i = 0; i < n; i++) {
        char line[64];
        std::snprintf(line, sizeof line, "line %04d: the quick brown fox\n", i);
        s += line;
    }
    return s;
}

TEST(Corpus, CleansTerminalCodesSeparatorsAndBlankLines) {
    TempDir tmp;
    const std::string filler = "Filler text long enough to pass the one-hundred-character minimum of a corpus file.";
    const std::string raw = "\n\x1b[32mTitle\x1b[m\r\n"
                            "\x1b[1;33mline one\x1b[0m\r\n"
                            "%\n"
                            "\n"
                            "  \n"
                            "%\n"
                            "line two: fl'\bechettes, _\bu_\bn_\bd_\be_\br\n"
                            "%\n" +
                            filler + "\n%\n\n";
    const std::string text = load_corpus(tmp.write("c.txt", raw));
    EXPECT_EQ(text, "Title\nline one\n\nline two: flechettes, under\n\n" + filler + "\n");
}

TEST(Corpus, Errors) {
    TempDir tmp;
    const std::string missing = (tmp.dir / "nope.txt").string();
    std::string msg = error_of([&] { load_corpus(missing); });
    EXPECT_TRUE(contains(msg, missing) && contains(msg, "does not exist")) << msg;

    const std::string empty = tmp.write("empty.txt", "");
    msg = error_of([&] { load_corpus(empty); });
    EXPECT_TRUE(contains(msg, empty) && contains(msg, "is empty")) << msg;

    const std::string nul = tmp.write("nul.bin", std::string("abc\0def", 7) + numbered_lines(10));
    msg = error_of([&] { load_corpus(nul); });
    EXPECT_TRUE(contains(msg, nul) && contains(msg, "NUL byte at offset 3")) << msg;

    const std::string latin1 = tmp.write("latin1.txt", numbered_lines(5) + "caf\xe9 au lait\n");
    msg = error_of([&] { load_corpus(latin1); });
    EXPECT_TRUE(contains(msg, latin1) && contains(msg, "not UTF-8") && contains(msg, "byte offset 158")) << msg;

    const std::string tiny = tmp.write("tiny.txt", "only a few words\n");
    msg = error_of([&] { load_corpus(tiny); });
    EXPECT_TRUE(contains(msg, tiny) && contains(msg, "only 17 characters")) << msg;

    msg = error_of([&] { load_corpus(tmp.dir.string()); });
    EXPECT_TRUE(contains(msg, "is a directory")) << msg;

    // the single-line rule: no message spans lines
    for (const std::string& path : {missing, empty, nul, latin1, tiny})
        EXPECT_FALSE(contains(error_of([&] { load_corpus(path); }), "\n"));
}

// ---- text dataset ----

// Index of the window w (T + 1 ids) in ids, searching starts [lo, hi]; -1 if absent.
long find_window(const std::vector<int>& ids, const std::vector<int>& w, long lo, long hi) {
    for (long s = lo; s <= hi; s++)
        if (std::equal(w.begin(), w.end(), ids.begin() + s)) return s;
    return -1;
}

std::vector<int> window_of(const Batch& batch, int b) {
    std::vector<int> w = row_tokens(batch, b);
    w.push_back(batch.targets[(size_t)b * batch.T + batch.T - 1]);
    return w;
}

TEST(TextDataset, SplitWindowsAndDeterminism) {
    TempDir tmp;
    const std::string path = tmp.write("corpus.txt", numbered_lines(120));
    DataConfig cfg;
    cfg.task = "text";
    cfg.corpus = path;
    cfg.seq_len = 40;
    cfg.val_fraction = 0.1f;
    const int B = 4, V = 3;
    auto d = make_dataset(cfg, B, V);
    EXPECT_TRUE(d->scores_all_positions());
    EXPECT_EQ(d->name(), "text");

    // an independent view of the corpus: the tokenizer holds exactly its distinct characters
    const std::string text = load_corpus(path);
    std::set<uint32_t> chars(text.begin(), text.end());  // ASCII: one byte per character
    EXPECT_EQ(d->tokenizer().size(), (int)chars.size());
    const std::vector<int> ids = d->tokenizer().encode(text);
    const long n = (long)ids.size(), n_val = (long)(n * 0.1), split = n - n_val;
    const long T = cfg.seq_len;

    // training windows come only from [0, split)
    Rng rng(1);
    Batch batch;
    batch.resize(B, (int)T);
    std::set<long> starts;
    for (int i = 0; i < 50; i++) {
        d->sample(rng, batch);
        expect_next_token_targets(batch, d->tokenizer().size());
        for (int b = 0; b < B; b++) {
            const long s = find_window(ids, window_of(batch, b), 0, n - T - 1);
            ASSERT_GE(s, 0);
            ASSERT_LE(s + T, split - 1) << "a training window reaches into the validation part";
            starts.insert(s);
        }
    }
    EXPECT_GT(starts.size(), 150u) << "starts should be spread over the training part";

    // validation windows: evenly spaced over [split, n), the first at split and the last ending at n
    ASSERT_EQ(d->validation().size(), (size_t)V);
    std::vector<long> val_starts;
    for (const Batch& vb : d->validation()) {
        ASSERT_EQ(vb.B, B);
        for (int b = 0; b < B; b++) {
            ASSERT_TRUE(std::all_of(vb.targets.begin(), vb.targets.end(), [](int y) { return y >= 0; }));
            val_starts.push_back(find_window(ids, window_of(vb, b), split, n - T - 1));
        }
    }
    EXPECT_EQ(val_starts.front(), split);
    EXPECT_EQ(val_starts.back(), n - T - 1);
    for (size_t k = 1; k < val_starts.size(); k++) EXPECT_GT(val_starts[k], val_starts[k - 1]);

    // the watched window is in the validation part and starts at the beginning of a line
    const long ws = find_window(ids, window_of(d->watched(), 0), split, n - T - 1);
    ASSERT_GE(ws, split);
    EXPECT_EQ(ids[ws - 1], d->tokenizer().id('\n'));

    // same seed, same batch; a second construction has the same validation set
    auto d2 = make_dataset(cfg, B, V);
    EXPECT_TRUE(same_batch(draw(*d, 5, B, (int)T), draw(*d2, 5, B, (int)T)));
    EXPECT_FALSE(same_batch(draw(*d, 5, B, (int)T), draw(*d, 6, B, (int)T)));
    for (int v = 0; v < V; v++) EXPECT_TRUE(same_batch(d->validation()[v], d2->validation()[v]));
    EXPECT_TRUE(same_batch(d->watched(), d2->watched()));
}

TEST(TextDataset, TooShortForTheContextNamesTheFile) {
    TempDir tmp;
    const std::string path = tmp.write("short.txt", numbered_lines(5));  // 155 characters: 15 for validation
    DataConfig cfg;
    cfg.task = "text";
    cfg.corpus = path;
    cfg.seq_len = 64;
    const std::string msg = error_of([&] { make_dataset(cfg, 4, 1); });
    EXPECT_TRUE(contains(msg, path) && contains(msg, "validation part has only 15 tokens")) << msg;
    cfg.val_fraction = 0.0f;
    EXPECT_TRUE(contains(error_of([&] { make_dataset(cfg, 4, 1); }), "val_fraction"));
}

// ---- the installed fortune corpora ----

TEST(Corpus, Literature) {
    if (!fs::exists("/usr/share/games/fortunes/literature")) GTEST_SKIP() << "fortunes-min is not installed";
    const std::string text = load_corpus("literature");
    EXPECT_GT(text.size(), 30000u);
    for (const char* bad : {"\x1b", "\r", "\b", "\n%\n", "\n\n\n"}) EXPECT_FALSE(contains(text, bad)) << bad;
    EXPECT_TRUE(contains(text, "A horse!  A horse!  My kingdom for a horse!\n"));
    DataConfig cfg;
    cfg.task = "text";
    cfg.corpus = "literature";
    auto d = make_dataset(cfg, 8, 2);
    for (uint32_t cp : d->tokenizer().id_to_cp) EXPECT_LT(cp, 128u);  // the file is ASCII
    EXPECT_TRUE(contains(d->describe(), "text: literature,")) << d->describe();
}

TEST(Corpus, Tang300) {
    if (!fs::exists("/usr/share/games/fortunes/tang300")) GTEST_SKIP() << "fortunes-zh is not installed";
    const std::string text = load_corpus("tang300");
    for (const char* bad : {"\x1b", "[32m", "[m", "\n%\n", "\n\n\n"}) EXPECT_FALSE(contains(text, bad)) << bad;
    EXPECT_TRUE(contains(text, "春眠不觉晓，处处闻啼鸟。\n"));
    DataConfig cfg;
    cfg.task = "text";
    cfg.corpus = "tang300";
    auto d = make_dataset(cfg, 8, 2);
    EXPECT_GT(d->tokenizer().size(), 1000);
    EXPECT_EQ(d->tokenizer().decode(d->tokenizer().encode(text)), text);
}

// ---- unigram entropy ----

TEST(UnigramEntropy, KnownValues) {
    EXPECT_NEAR(unigram_entropy_nats({0, 1, 2, 3, 3, 2, 1, 0}, 4), std::log(4.0), 1e-12);
    EXPECT_NEAR(unigram_entropy_nats({0, 0, 1, 1}, 3), std::log(2.0), 1e-12);  // unused ids add nothing
    EXPECT_EQ(unigram_entropy_nats({2, 2, 2}, 3), 0.0);
    EXPECT_EQ(unigram_entropy_nats({}, 3), 0.0);
    // p = (3/4, 1/4): -(3/4 ln 3/4 + 1/4 ln 1/4)
    EXPECT_NEAR(unigram_entropy_nats({1, 1, 1, 0}, 2), -(0.75 * std::log(0.75) + 0.25 * std::log(0.25)), 1e-12);
    EXPECT_THROW(unigram_entropy_nats({0, 3}, 3), std::invalid_argument);
}
