// Saved runs: a run saved, loaded and continued equals the run that never stopped, bit for bit, for every
// optimizer; damaged files (tests/data/broken_runs/) are refused with their one-line messages and change
// nothing; a write that fails half way leaves the previous file intact.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <unistd.h>

#include "atomic_file.h"
#include "checkpoint.h"
#include "json_reader.h"
#include "live_run.h"
#include "same_history.h"

using namespace noam;
using noam::test::expect_same_history;
namespace fs = std::filesystem;

static const std::string kData = NOAM_TEST_DATA;

// tests/data/runs/tiny.json: one layer, d_model 16, reverse 4 digits, batch 4; a step takes well under 1 ms
static RunConfig tiny_config(int steps) {
    RunConfig cfg = load_run_config(kData + "/runs/tiny.json");
    cfg.train.steps = steps;
    cfg.train.eval_every = 5;
    cfg.train.threads = 1;
    return cfg;
}

// A fresh directory per test, removed afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path = fs::temp_directory_path() /
               ("noamlab_" + std::string(info->name()) + "_" + std::to_string(getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }
};

static std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

static void run_until(Trainer& tr, int step) {
    while (tr.step_count < step && !tr.finished()) ASSERT_TRUE(tr.step()) << tr.error;
}

static void expect_same_floats(const float* a, const float* b, size_t n, const std::string& what) {
    for (size_t i = 0; i < n; i++)
        ASSERT_EQ(std::memcmp(a + i, b + i, sizeof(float)), 0) << what << "[" << i << "]: " << a[i] << " vs " << b[i];
}

// Everything that decides later steps is the same in a and b: weights, optimizer state, the random streams.
static void expect_same_state(Trainer& a, Trainer& b) {
    ASSERT_EQ(a.model->params.values.size(), b.model->params.values.size());
    expect_same_floats(a.model->params.values.data(), b.model->params.values.data(), a.model->params.values.size(),
                       "weights");
    const auto sa = a.optim->state_buffers(), sb = b.optim->state_buffers();
    const auto na = a.optim->state_sizes();
    ASSERT_EQ(na, b.optim->state_sizes());
    for (size_t k = 0; k < sa.size(); k++) expect_same_floats(sa[k], sb[k], na[k], "optimizer state " + std::to_string(k));
    EXPECT_EQ(std::memcmp(a.data_rng.s, b.data_rng.s, sizeof a.data_rng.s), 0) << "the data position differs";
    EXPECT_EQ(a.step_count, b.step_count);
}

struct OptimCase {
    const char* label;
    std::function<void(OptimConfig&)> set;
};

static const std::vector<OptimCase> kOptimizers = {
    {"Adam", [](OptimConfig& o) { o.kind = "adam"; }},
    {"AdamW", [](OptimConfig& o) { o.kind = "adamw"; o.weight_decay = 0.1f; }},
    {"Adafactor", [](OptimConfig& o) { o.kind = "adafactor"; o.beta1 = 0; }},
    {"Adafactor with beta1", [](OptimConfig& o) { o.kind = "adafactor"; o.beta1 = 0.9f; }},
    {"Adafactor on the schedule's lr", [](OptimConfig& o) { o.kind = "adafactor"; o.relative_step = false; }},
    {"SGD with momentum", [](OptimConfig& o) { o.kind = "sgd"; o.lr = 0.1f; o.momentum = 0.9f; }},
    {"SGD", [](OptimConfig& o) { o.kind = "sgd"; o.lr = 0.1f; o.momentum = 0; }},
};

// The core promise: save at step 5 of 12, load, continue: the same history, weights, optimizer state and data
// position as the run that never stopped. The learning-rate knob is turned at step 5 in both runs, so the saved
// lr_scale matters; evaluation every 5 steps and at the last (12) puts validation rows on both sides of the save.
TEST(SavedRun, ContinuesBitForBitForEveryOptimizer) {
    TempDir dir;
    for (const OptimCase& c : kOptimizers) {
        SCOPED_TRACE(c.label);
        RunConfig cfg = tiny_config(12);
        c.set(cfg.optim);
        Trainer full(cfg);
        run_until(full, 5);
        full.lr_scale = 0.5;
        run_until(full, 12);

        Trainer part(cfg);
        run_until(part, 5);
        part.lr_scale = 0.5;
        const std::string path = dir.file("run.noamrun");
        save_run(part, path);
        std::unique_ptr<Trainer> resumed = load_run(path);
        // nothing lost on the way: the loaded trainer encodes to the very same bytes (tokens/s included)
        ASSERT_EQ(encode_run(*resumed), encode_run(part));
        EXPECT_EQ(resumed->optim->name(), part.optim->name());
        run_until(*resumed, 12);
        ASSERT_TRUE(resumed->finished());
        expect_same_history(full.history, resumed->history);
        expect_same_state(full, *resumed);
    }
}

// MoE runs draw random numbers in every training forward (noisy top-k's noise, top-2's random second expert):
// that stream is saved too, and the routing statistics of the steps before the save come back with the history.
TEST(SavedRun, ContinuesMoeRunsWithTheirRandomRouting) {
    TempDir dir;
    for (RouterKind router : {RouterKind::NoisyTopK, RouterKind::Top2}) {
        SCOPED_TRACE(to_string(router));
        RunConfig cfg = tiny_config(12);
        cfg.model.moe.experts = 3;
        cfg.model.moe.router = router;
        Trainer full(cfg);
        run_until(full, 12);
        Trainer part(cfg);
        run_until(part, 5);
        const std::string path = dir.file("moe.noamrun");
        save_run(part, path);
        std::unique_ptr<Trainer> resumed = load_run(path);
        ASSERT_EQ(encode_run(*resumed), encode_run(part));
        run_until(*resumed, 12);
        expect_same_history(full.history, resumed->history);
        expect_same_state(full, *resumed);
        EXPECT_GT(resumed->history[2].moe_router_entropy, 0.0f) << "the routing statistics before the save are kept";
    }
}

// A character LM on real text (the data position is a start offset into the corpus), resumed on two threads.
TEST(SavedRun, ContinuesATextRunOnAnotherThreadCount) {
    TempDir dir;
    RunConfig cfg = tiny_config(10);
    cfg.data.task = "text";
    cfg.data.corpus = "literature";
    cfg.model.vocab_size = 0;
    Trainer full(cfg);
    run_until(full, 10);
    Trainer part(cfg);
    run_until(part, 4);
    save_run(part, dir.file("text.noamrun"));
    std::unique_ptr<Trainer> resumed = load_run(dir.file("text.noamrun"));
    resumed->cfg.train.threads = 2;
    run_until(*resumed, 10);
    expect_same_history(full.history, resumed->history);
    expect_same_state(full, *resumed);
}

// restore_run into a trainer built from the same config continues the same way; threads may differ.
TEST(SavedRun, RestoresIntoATrainerOfTheSameConfig) {
    TempDir dir;
    RunConfig cfg = tiny_config(9);
    Trainer full(cfg);
    run_until(full, 9);
    Trainer part(cfg);
    run_until(part, 3);
    save_run(part, dir.file("r.noamrun"));
    cfg.train.threads = 2;
    Trainer target(cfg);
    restore_run(target, dir.file("r.noamrun"));
    run_until(target, 9);
    expect_same_history(full.history, target.history);
    expect_same_state(full, target);
}

// A run file of another config is refused, the differences named, and the trainer keeps its own state.
TEST(SavedRun, RestoreRefusesAnotherConfigNamingTheDifference) {
    TempDir dir;
    Trainer part(tiny_config(9));
    run_until(part, 3);
    save_run(part, dir.file("r.noamrun"));
    RunConfig other_cfg = tiny_config(9);
    other_cfg.model.d_ff = 48;
    other_cfg.optim.lr = 0.02f;
    Trainer other(other_cfg);
    run_until(other, 2);
    const std::string before = encode_run(other);
    try {
        restore_run(other, dir.file("r.noamrun"));
        FAIL() << "a run file of another config was accepted";
    } catch (const RunFileError& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.find(dir.file("r.noamrun") + ": "), 0u) << msg;
        EXPECT_NE(msg.find("model.d_ff is 32 in the file, 48 here"), std::string::npos) << msg;
        EXPECT_NE(msg.find("optim.lr is"), std::string::npos) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
    EXPECT_EQ(encode_run(other), before) << "a refused restore must change nothing";
}

// Every file of tests/data/broken_runs/ is refused by load_run, restore_run and read_run_info with one line that
// names the file and its problem; a trainer it was to be restored into is untouched.
TEST(SavedRun, BrokenFilesAreRefusedWithTheirMessage) {
    const std::string dir = kData + "/broken_runs/";
    const nlohmann::json expected = read_json_file(kData + "/broken_runs_expected.json");
    ASSERT_GE(expected.size(), 20u);
    for (const auto& e : fs::directory_iterator(dir))  // no file without an expected message
        EXPECT_TRUE(expected.contains(e.path().stem().string())) << e.path() << " has no entry in broken_runs_expected.json";
    Trainer target(tiny_config(8));
    run_until(target, 2);
    const std::string before = encode_run(target);
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        const std::string file = dir + it.key() + ".noamrun";
        const std::string want = it.value().get<std::string>();
        const std::vector<std::pair<const char*, std::function<void()>>> readers = {
            {"load_run", [&] { load_run(file); }},
            {"restore_run", [&] { restore_run(target, file); }},
            {"read_run_info", [&] { read_run_info(file); }},
        };
        for (const auto& [reader, read] : readers) {
            try {
                read();
                ADD_FAILURE() << reader << " accepted " << file;
            } catch (const ConfigError& e) {
                const std::string msg = e.what();
                EXPECT_EQ(msg.find(file + ": "), 0u) << reader << ": the message must start with the file: " << msg;
                // restore_run compares configs first: a header whose config was changed is named as a difference
                const bool config_changed = it.key() == "wrong_model" || it.key() == "wrong_optimizer" || it.key() == "wrong_data";
                if (std::string(reader) == "restore_run" && config_changed)
                    EXPECT_NE(msg.find("config differs from this run's"), std::string::npos) << msg;
                else
                    EXPECT_NE(msg.find(want), std::string::npos) << reader << " on " << it.key() << ": expected \"" << want
                                                                 << "\" in: " << msg;
                EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
            } catch (const std::exception& e) {
                ADD_FAILURE() << reader << " on " << file << ": not a ConfigError: " << e.what();
            }
        }
    }
    EXPECT_EQ(encode_run(target), before) << "a refused restore must change nothing";
}

// The good file the broken ones were made from: written by an earlier build, it still loads and trains on, and
// its data position is the one a fresh run of its config reaches after the same steps (the data order is the
// seed's; only the sampling code decides it, not the model's numerics).
TEST(SavedRun, TheCommittedRunFileLoads) {
    std::unique_ptr<Trainer> tr = load_run(kData + "/runs/tiny.noamrun");
    ASSERT_EQ(tr->step_count, 4) << "regenerate with tests/reference/make_broken_runs.py build/noamlab";
    EXPECT_EQ(tr->history.size(), 4u);
    Trainer fresh(tr->cfg);
    run_until(fresh, 4);
    EXPECT_EQ(std::memcmp(fresh.data_rng.s, tr->data_rng.s, sizeof fresh.data_rng.s), 0);
    run_until(*tr, tr->cfg.train.steps);
    EXPECT_TRUE(tr->finished());
}

// The file as a recording: retraining from its config and seed gives its history and state; a run whose
// learning-rate knob was turned does not replay, and the step where it shows is named.
TEST(SavedRun, ReplaysFromTheSeedAndNamesTheFirstDifference) {
    TempDir dir;
    Trainer tr(tiny_config(8));
    run_until(tr, 6);
    save_run(tr, dir.file("plain.noamrun"));
    const ReplayResult same = replay_run(dir.file("plain.noamrun"));
    EXPECT_TRUE(same.same) << same.difference;
    EXPECT_EQ(same.steps, 6);

    Trainer knob(tiny_config(8));
    run_until(knob, 3);
    knob.lr_scale = 0.25;
    run_until(knob, 6);
    save_run(knob, dir.file("knob.noamrun"));
    const ReplayResult differs = replay_run(dir.file("knob.noamrun"));
    EXPECT_FALSE(differs.same);
    EXPECT_EQ(differs.steps, 4);
    EXPECT_NE(differs.difference.find("step 4: lr is"), std::string::npos) << differs.difference;
}

// A save that fails half way (the disk fills) leaves the previous save whole and no temporary file behind.
TEST(SavedRun, ASaveThatFailsHalfWayKeepsThePreviousFile) {
    TempDir dir;
    const std::string path = dir.file("r.noamrun");
    Trainer tr(tiny_config(8));
    run_until(tr, 3);
    save_run(tr, path);
    const std::string old_bytes = read_file(path);
    run_until(tr, 6);
    const size_t size = encode_run(tr).size();
    for (size_t limit : {size_t(0), size_t(10), size / 2, size - 1}) {
        EXPECT_THROW(save_run(tr, path, WriteLimits{limit}), std::runtime_error) << "limit " << limit;
        EXPECT_EQ(read_file(path), old_bytes) << "limit " << limit << ": the previous save was damaged";
        EXPECT_EQ(dir.entries(), std::vector<std::string>{"r.noamrun"}) << "limit " << limit << ": a temporary file was left";
    }
    EXPECT_EQ(load_run(path)->step_count, 3);
    save_run(tr, path, WriteLimits{size});  // exactly enough room
    EXPECT_EQ(load_run(path)->step_count, 6);
}

TEST(AtomicWrite, FailuresLeaveTheTargetAsItWas) {
    TempDir dir;
    const std::string path = dir.file("out.txt");
    write_file_atomic(path, "old");
    const std::string big(3 << 20, 'x');  // several write chunks
    try {
        write_file_atomic(path, big, WriteLimits{(3 << 20) / 2});
        FAIL() << "the simulated full disk did not fail the write";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot write " + path + ": No space left on device"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(read_file(path), "old");
    write_file_atomic(path, big);
    EXPECT_EQ(read_file(path), big);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.txt"});
    // a directory that does not exist, and a directory in the way: an error naming the path, nothing created
    EXPECT_THROW(write_file_atomic(dir.file("no/such/dir/f.txt"), "x"), std::runtime_error);
    fs::create_directory(dir.file("adir"));
    EXPECT_THROW(write_file_atomic(dir.file("adir"), "x"), std::runtime_error);
    EXPECT_TRUE(fs::is_directory(dir.file("adir")));
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"adir", "out.txt"}));
}

// The standard check value of CRC-32 (IEEE), the one zlib.crc32 gives; make_broken_runs.py also checks our
// stored checksums against zlib.
TEST(Crc32, MatchesTheStandardCheckValue) {
    EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);
    EXPECT_EQ(crc32("", 0), 0u);
    EXPECT_EQ(crc32("The quick brown fox jumps over the lazy dog", 43), 0x414FA339u);
}

// ==== [replay] the replay section (format version 2) and the window's save command ====

// A replay log of tr kept the way the window's worker keeps it: a picture whenever one is due (from step 0) and
// every step's batch fingerprint.
static ReplayLog replay_of_run(Trainer& tr, int steps, int max_kept) {
    ReplayLog log;
    log.max_kept = max_kept;
    auto keep = [&] {
        Snapshot s;
        capture_watched(tr, s);
        log.keep(std::make_shared<const ReplayFrame>(replay_frame_from(s)));
    };
    keep();
    while (tr.step_count < steps) {
        EXPECT_TRUE(tr.step()) << tr.error;
        log.record_batch(tr.step_count, batch_fingerprint(tr.batch));
        if (log.due(tr.step_count)) keep();
    }
    return log;
}

static void expect_same_frame(const ReplayFrame& a, const ReplayFrame& b) {
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(std::tie(a.n_layers, a.n_heads, a.T), std::tie(b.n_layers, b.n_heads, b.T));
    ASSERT_EQ(a.attention.size(), b.attention.size());
    expect_same_floats(a.attention.data(), b.attention.data(), a.attention.size(), "attention");
    expect_same_floats(a.target_prob.data(), b.target_prob.data(), a.target_prob.size(), "target_prob");
    EXPECT_EQ(a.predicted, b.predicted);
    ASSERT_EQ(a.moe_watched.size(), b.moe_watched.size());
    for (size_t m = 0; m < a.moe_watched.size(); m++) {
        const MoeRouting &x = a.moe_watched[m], &y = b.moe_watched[m];
        EXPECT_EQ(std::tie(x.layer, x.T, x.E, x.K), std::tie(y.layer, y.T, y.E, y.K));
        expect_same_floats(x.probs.data(), y.probs.data(), x.probs.size(), "router probs");
        expect_same_floats(x.gate.data(), y.gate.data(), x.gate.size(), "gates");
        EXPECT_EQ(x.expert, y.expert);
        EXPECT_EQ(x.processed, y.processed);
        EXPECT_EQ(x.dropped, y.dropped);
    }
    ASSERT_EQ(a.moe_step.size(), b.moe_step.size());
    for (size_t m = 0; m < a.moe_step.size(); m++) {
        const MoeStats &x = a.moe_step[m], &y = b.moe_step[m];
        EXPECT_EQ(std::tie(x.experts, x.tokens, x.tokens_dropped, x.tokens_without_expert),
                  std::tie(y.experts, y.tokens, y.tokens_dropped, y.tokens_without_expert));
        EXPECT_EQ(x.routed_first, y.routed_first);
        EXPECT_EQ(x.routed_second, y.routed_second);
        EXPECT_EQ(x.kept, y.kept);
        EXPECT_EQ(x.dropped, y.dropped);
        EXPECT_EQ(x.capacity, y.capacity);
        EXPECT_EQ(x.mean_prob, y.mean_prob);
        EXPECT_EQ(x.load_cv, y.load_cv);
        EXPECT_EQ((float)x.aux, (float)y.aux) << "the doubles of MoeStats are stored as float32";
    }
}

// Saved with its replay log and loaded: the same pictures bit for bit (a dense run and an MoE run, whose routing
// and expert load come back too), the same spacing and batch fingerprints, and the loaded pair encodes to the very
// same bytes. read_run_info reports version 2 and the pictures.
TEST(SavedRun, TheReplaySectionRoundTrips) {
    TempDir dir;
    for (int experts : {0, 3}) {
        SCOPED_TRACE(experts ? "MoE" : "dense");
        RunConfig cfg = tiny_config(12);
        cfg.model.moe.experts = experts;
        Trainer tr(cfg);
        const ReplayLog log = replay_of_run(tr, 11, 4);  // 12 pictures kept at most 4 at a time: thinned to K = 4
        ASSERT_EQ(log.every, 4);
        ASSERT_EQ(log.frames.size(), 3u);  // steps 0, 4, 8
        if (experts) ASSERT_FALSE(log.frames.back()->moe_watched.empty());
        const std::string path = dir.file("replay.noamrun");
        save_run(tr, path, {}, &log);
        ReplayLog back;
        std::unique_ptr<Trainer> loaded = load_run(path, &back);
        EXPECT_EQ(back.every, log.every);
        EXPECT_EQ(back.max_kept, log.max_kept);
        EXPECT_EQ(back.first_hashed_step, 1);
        EXPECT_EQ(back.batch_hash, log.batch_hash);
        ASSERT_EQ(back.frames.size(), log.frames.size());
        for (size_t i = 0; i < log.frames.size(); i++) expect_same_frame(*log.frames[i], *back.frames[i]);
        EXPECT_EQ(encode_run(*loaded, &back), encode_run(tr, &log));
        const RunFileInfo info = read_run_info(path);
        EXPECT_EQ(info.version, 2u);
        EXPECT_EQ(info.replay_frames, 3u);
        EXPECT_EQ(info.replay_every, 4);
        // a run file is still one: the replay section changes nothing of the run itself
        EXPECT_EQ(replay_run(path).same, true);
    }
}

// tests/data/runs/tiny.noamrun is a version 1 file (no replay section): it loads with an empty replay log.
TEST(SavedRun, VersionOneFilesLoadWithoutPictures) {
    ReplayLog log;
    log.frames.push_back(std::make_shared<const ReplayFrame>());
    std::unique_ptr<Trainer> tr = load_run(kData + "/runs/tiny.noamrun", &log);
    EXPECT_TRUE(log.frames.empty());
    EXPECT_TRUE(log.batch_hash.empty());
    EXPECT_EQ(read_run_info(kData + "/runs/tiny.noamrun").version, 1u);
}

// The run file's bytes with its header changed (the checksum redone): for damage past the checksum.
static std::string with_header(const std::string& bytes, const std::function<void(nlohmann::json&)>& change) {
    uint64_t header_len = 0;
    std::memcpy(&header_len, bytes.data() + 12, 8);
    nlohmann::json h = nlohmann::json::parse(bytes.substr(20, header_len));
    change(h);
    const std::string text = h.dump();
    const uint64_t n = text.size();
    std::string out = bytes.substr(0, 12) + std::string((const char*)&n, 8) + text +
                      bytes.substr(20 + header_len, bytes.size() - 20 - header_len - 4);
    const uint32_t crc = crc32(out.data(), out.size());
    return out + std::string((const char*)&crc, 4);
}

// A replay section that does not fit its arrays, its spacing or the model is refused with one line naming it.
TEST(SavedRun, ABadReplaySectionIsRefused) {
    TempDir dir;
    Trainer tr(tiny_config(8));
    const ReplayLog log = replay_of_run(tr, 6, 200);
    const std::string good = encode_run(tr, &log);
    const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases = {
        {[](nlohmann::json& h) { h["replay"]["frames"] = 8; }, "replay.step has 7 elements, the replay header says 8"},
        {[](nlohmann::json& h) { h["replay"]["every"] = 2; }, "frame 1 is at step 1 (expected ascending multiples of every = 2)"},
        {[](nlohmann::json& h) { h["replay"]["hashed_steps"] = 7; }, "replay.batch_hash has 6 elements"},
        {[](nlohmann::json& h) { h["step"] = 5; h["history"]["rows"] = 6; }, "header/replay: a picture of step 6 in a run at step 5"},
        {[](nlohmann::json& h) { h["replay"].erase("every"); }, "header/replay/every: missing"},
    };
    for (const auto& [change, want] : cases) {
        const std::string path = dir.file("bad.noamrun");
        write_file_atomic(path, with_header(good, change));
        try {
            load_run(path);
            ADD_FAILURE() << "accepted a file whose replay section should fail with: " << want;
        } catch (const ConfigError& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(want), std::string::npos) << msg;
            EXPECT_EQ(msg.find(path + ": "), 0u) << msg;
        }
    }
    // the pictures of another model: its weights have the same shapes (heads split d_model), its pictures not
    RunConfig other = tiny_config(8);
    other.model.n_heads = 4;
    const std::string path = dir.file("other.noamrun");
    write_file_atomic(path, with_header(good, [&](nlohmann::json& h) { h["config"] = run_config_to_json(other); }));
    try {
        load_run(path);
        ADD_FAILURE() << "accepted pictures of another model";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("the replay pictures do not fit the model: they have 1 layers, 2 heads"),
                  std::string::npos) << e.what();
    }
}

// The window's save: a SaveRun command the worker carries out between steps, after the steps asked for before it,
// reporting the file (never over an existing one) or the error back. The file holds the run at that step, its
// pictures from step 0 and the fingerprint of every step's batch, which a fresh run of the config reproduces.
static SaveResult wait_for_save(LiveRun& live, int request) {
    for (int i = 0; i < 3000 && live.last_save().request != request; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return live.last_save();
}

TEST(LiveRunSave, SavesBetweenStepsAndReportsBack) {
    TempDir dir;
    RunConfig cfg = tiny_config(20);
    LiveRun live(cfg, false);
    auto wait_for = [&live](int request) { return wait_for_save(live, request); };
    live.post({CommandKind::StepN, 5});
    const SaveResult first = wait_for(live.save(dir.path.string(), "tiny"));
    ASSERT_TRUE(first.ok) << first.error;
    EXPECT_EQ(first.step, 5);
    EXPECT_EQ(first.path, dir.file("tiny-step5.noamrun"));
    const SaveResult second = wait_for(live.save(dir.path.string(), "tiny"));
    ASSERT_TRUE(second.ok) << second.error;
    EXPECT_EQ(second.path, dir.file("tiny-step5-2.noamrun")) << "a second save at the same step must not overwrite the first";

    ReplayLog log;
    std::unique_ptr<Trainer> tr = load_run(first.path, &log);
    EXPECT_EQ(tr->step_count, 5);
    ASSERT_EQ(log.frames.size(), 6u);  // steps 0..5, K = 1
    for (int i = 0; i <= 5; i++) EXPECT_EQ(log.frames[i]->step, i);
    ASSERT_EQ(log.batch_hash.size(), 5u);
    Trainer fresh(cfg);
    for (int i = 0; i < 5; i++) {
        ASSERT_TRUE(fresh.step());
        EXPECT_EQ(log.batch_hash[i], batch_fingerprint(fresh.batch)) << "step " << i + 1;
    }
    int every = 0;
    EXPECT_EQ(live.replay_frames(&every).size(), 6u);
    EXPECT_EQ(every, 1);

    // a folder that cannot be made (a file is in the way): the error comes back, no file
    std::ofstream(dir.file("blocker")) << "x";
    const SaveResult failed = wait_for(live.save(dir.file("blocker") + "/runs", "tiny"));
    EXPECT_FALSE(failed.ok);
    EXPECT_NE(failed.error.find("cannot make the runs folder"), std::string::npos) << failed.error;

    // a LiveRun of the loaded trainer continues it: the same next steps as the run that never stopped
    LiveRun resumed(std::move(tr), std::move(log), false);
    EXPECT_EQ(resumed.snapshot()->step, 5);
    EXPECT_EQ(resumed.history_size(), 5u);
    resumed.post({CommandKind::StepN, 3});
    const SaveResult third = wait_for_save(resumed, resumed.save(dir.path.string(), "resumed"));
    ASSERT_TRUE(third.ok) << third.error;
    EXPECT_EQ(third.step, 8);
    std::unique_ptr<Trainer> after = load_run(third.path);
    Trainer never_stopped(cfg);
    run_until(never_stopped, 8);
    expect_same_history(never_stopped.history, after->history);
    expect_same_state(never_stopped, *after);
}
