// noamlab bench: how fast the core is on this machine, end to end: the matmul kernel on a lesson shape,
// training tokens per second for the S and M models with 1 and 2 threads, and decoding microseconds per token
// with and without the KV cache for MHA, GQA and MQA. Medians of repeated runs.
// With --torch, the same training steps in PyTorch (bench/torch_reference.py), measured in turn with ours.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "kv_cache.h"
#include "matmul.h"
#include "trainer.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab bench [--quick] [--json F] [--threads LIST] [--only matmul|train|moe|decode] [--torch [--rounds N]]\n"
    "\n"
    "Measures on this machine, medians of repeated runs:\n"
    "  matmul   (1024x64)x(64x256) GFLOP/s, naive triple loop and the core's tiled kernel\n"
    "  train    tokens/s and GFLOP/s of a full training step (forward, backward, Adam) for\n"
    "           S = {vocab 65, d 64, 4 heads, 2 layers, d_ff 256, seq 64, batch 16} and M = {d 128, 4 layers, d_ff 512}\n"
    "  moe      tokens/s of S with every FFN an MoE of 4 experts (switch, top2, noisy_topk, expert_choice) and the\n"
    "           share of the step spent routing (router, aux losses, dispatch and combine; forward and backward)\n"
    "  decode   microseconds per generated token, one thread, with the KV cache and without (the full forward\n"
    "           over the context), at contexts 64, 256 and 1024, for MHA (8 K/V heads), GQA (2) and MQA (1) on\n"
    "           D = {vocab 65, d 256, 8 heads, 2 layers, d_ff 512, seq 1024, random weights}: a model whose K/V cache\n"
    "           read per token (2 n d floats a layer for MHA) equals its weights (4 d^2 + 2 d d_ff) at n = 1024\n"
    "  --threads LIST   thread counts to try, comma separated (default 1,2)\n"
    "  --quick          fewer repetitions (for tests)\n"
    "  --only PART      run one part: matmul, train, moe or decode\n"
    "  --json F         also write the figures as JSON\n"
    "  --torch          compare training with PyTorch (Debian's /usr/bin/python3 with python3-torch) on the\n"
    "                   same models: ours and PyTorch's best thread setting within the same thread budget,\n"
    "                   measured in turn, round after round (the machine is shared); medians and ours/PyTorch\n"
    "  --rounds N       --torch: rounds of alternating measurements (default 5)\n"
    "PyTorch alone, every thread setting: /usr/bin/python3 bench/torch_reference.py --help\n";

using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU time of the calling thread: unlike the wall clock, it does not count the time other processes held the core
static double thread_cpu_seconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

static void set_threads(int n) {
#ifdef _OPENMP
    omp_set_num_threads(n);
#endif
}

// The bench models: the S and M configs on random tokens (vocab 65), Adam.
RunConfig bench_config(const std::string& size) {
    RunConfig c;
    c.model.vocab_size = 65;
    c.model.d_model = size == "M" ? 128 : 64;
    c.model.n_heads = 4;
    c.model.n_layers = size == "M" ? 4 : 2;
    c.model.d_ff = size == "M" ? 512 : 256;
    c.model.seq_len = 64;
    c.data.task = "random";
    c.data.digits = 36;
    c.train.batch_size = 16;
    c.train.steps = 1000000;
    c.train.eval_every = 1 << 30;
    c.train.val_batches = 1;
    c.optim.lr = 1e-3f;
    return c;
}

// Training steps of S and M at each thread count, alone: medians of repeated steps after a warm-up.
static nlohmann::json measure_training(const std::vector<int>& thread_counts, bool quick) {
    nlohmann::json out = nlohmann::json::array();
    std::printf("training (batch 16 x 64 tokens, Adam)\n");
    std::printf("  %-6s %8s %10s %12s %10s %8s\n", "model", "params", "threads", "tokens/s", "GFLOP/s", "ms/step");
    for (const char* size : {"S", "M"}) {
        for (int th : thread_counts) {
            RunConfig cfg = bench_config(size);
            cfg.train.threads = th;
            set_threads(th);
            Trainer tr(cfg);
            for (int i = 0; i < 3; i++) tr.step();  // warm-up
            std::vector<double> times;
            const int reps = quick ? 5 : (size[0] == 'S' ? 60 : 25);
            for (int r = 0; r < reps; r++) {
                const auto t0 = Clock::now();
                if (!tr.step()) throw std::runtime_error(tr.error);
                times.push_back(seconds_since(t0));
            }
            const double step_s = median(times);
            const double tokens = (double)cfg.train.batch_size * cfg.model.seq_len;
            const double gflops = tokens * 3.0 * tr.model->flops_per_token_forward() / step_s / 1e9;
            std::printf("  %-6s %8zu %10d %12.0f %10.1f %8.2f\n", size, tr.model->num_params(), th, tokens / step_s,
                        gflops, step_s * 1e3);
            out.push_back({{"model", size}, {"params", tr.model->num_params()}, {"threads", th},
                           {"tokens_per_sec", tokens / step_s}, {"gflops", gflops}, {"ms_per_step", step_s * 1e3}});
        }
    }
    return out;
}

// ---- decoding: MHA vs GQA vs MQA, with and without the cache ----

// The decode bench model: wide enough that the cache matters. At context n, multi-head attention reads 2 n d floats
// of K and V per layer for each token, MQA 2 n d / h; the weights are 4 d^2 + 2 d d_ff floats a layer (d_ff 2d
// rather than 4d, so that at n = 1024 MHA's cache traffic is as large as the weights').
static ModelConfig decode_bench_config(int kv_heads) {
    ModelConfig m;
    m.vocab_size = 65;
    m.d_model = 256;
    m.n_heads = 8;
    m.n_kv_heads = kv_heads;
    m.n_layers = 2;
    m.d_ff = 512;
    m.seq_len = 1024;
    return m;
}

// Microseconds per token: with the cache, the token at position n-1 (n keys) after a prefill of n-1, repeated
// after truncating back; without it, the full forward over n tokens (what a cache-less decoder runs per token).
// Models and contexts alternate round by round (the machine is shared); medians.
static nlohmann::json measure_decode(bool quick) {
    set_threads(1);
    const std::vector<int> contexts = {64, 256, 1024};
    const std::vector<std::pair<const char*, int>> kinds = {{"MHA", 8}, {"GQA", 2}, {"MQA", 1}};
    struct Cell {
        std::vector<double> cached, cached_cpu, uncached;  // seconds: wall clock, and this thread's CPU time
        double kv_bytes = 0, weight_bytes = 0, flops = 0;
    };
    std::map<std::pair<int, int>, Cell> cells;  // (kind, context)
    std::vector<std::unique_ptr<TransformerLM>> models;
    std::vector<std::unique_ptr<KVCacheDecoder>> decoders;
    for (const auto& kind : kinds) {
        Rng rng(11);  // the same weights for the parts every kind shares
        models.push_back(std::make_unique<TransformerLM>(decode_bench_config(kind.second), 1, rng));
        decoders.push_back(std::make_unique<KVCacheDecoder>(*models.back()));
    }
    std::vector<int> tokens(1024);
    Rng trng(5);
    for (int& t : tokens) t = trng.randint(65);
    const int rounds = quick ? 1 : 5, cached_reps = quick ? 3 : 20;
    for (int r = 0; r < rounds; r++)
        for (size_t k = 0; k < kinds.size(); k++)
            for (int n : contexts) {
                Cell& cell = cells[{(int)k, n}];
                KVCacheDecoder& dec = *decoders[k];
                dec.reset();
                dec.forward(tokens.data(), n - 1);
                for (int i = 0; i <= cached_reps; i++) {
                    dec.reset_counts();
                    const auto t0 = Clock::now();
                    const double c0 = thread_cpu_seconds();
                    dec.forward(&tokens[n - 1], 1);
                    if (i > 0) {  // the first one warms the caches up
                        cell.cached.push_back(seconds_since(t0));
                        cell.cached_cpu.push_back(thread_cpu_seconds() - c0);
                    }
                    dec.truncate(n - 1);
                }
                cell.kv_bytes = dec.counts.kv_bytes;
                cell.weight_bytes = dec.counts.weight_bytes;
                cell.flops = dec.counts.flops;
                const int uncached_reps = quick ? 1 : (n >= 1024 ? 1 : 3);
                for (int i = 0; i < uncached_reps; i++) {
                    const auto t0 = Clock::now();
                    models[k]->forward(tokens.data(), nullptr, 1, n);
                    cell.uncached.push_back(seconds_since(t0));
                }
            }

    const ModelConfig m = decode_bench_config(8);
    std::printf("decode (d_model %d, %d heads, %d layers, d_ff %d, vocab %d, random weights; one thread; us per token, "
                "medians of %d rounds)\n", m.d_model, m.n_heads, m.n_layers, m.d_ff, m.vocab_size, rounds);
    std::printf("  %-5s %8s %8s %10s %8s %12s %9s %14s %14s %8s\n", "attn", "kv_heads", "context", "cached us",
                "(cpu us)", "uncached us", "speed-up", "K/V B/token", "weight B/token", "B/FLOP");
    nlohmann::json out;
    out["model"] = {{"d_model", m.d_model}, {"n_heads", m.n_heads}, {"n_layers", m.n_layers}, {"d_ff", m.d_ff},
                    {"vocab_size", m.vocab_size}, {"threads", 1}, {"rounds", rounds}};
    for (size_t k = 0; k < kinds.size(); k++)
        for (int n : contexts) {
            const Cell& cell = cells[{(int)k, n}];
            const double cached = median(cell.cached) * 1e6, uncached = median(cell.uncached) * 1e6;
            const double cached_cpu = median(cell.cached_cpu) * 1e6;
            const double ratio = (cell.kv_bytes + cell.weight_bytes) / cell.flops;
            std::printf("  %-5s %8d %8d %10.1f %8.1f %12.1f %8.1fx %14.0f %14.0f %8.3f\n", kinds[k].first,
                        kinds[k].second, n, cached, cached_cpu, uncached, uncached / cached, cell.kv_bytes,
                        cell.weight_bytes, ratio);
            out["rows"].push_back({{"attention", kinds[k].first}, {"kv_heads", kinds[k].second}, {"context", n},
                                   {"cached_us_per_token", cached}, {"cached_cpu_us_per_token", cached_cpu},
                                   {"uncached_us_per_token", uncached},
                                   {"kv_bytes_per_token", cell.kv_bytes}, {"weight_bytes_per_token", cell.weight_bytes},
                                   {"flops_per_token", cell.flops}, {"bytes_per_flop", ratio}});
        }
    // the per-token time of GQA and MQA over MHA's, wall clock and CPU time
    for (const bool cpu : {false, true}) {
        std::printf("  cached, relative to MHA (%s):", cpu ? "cpu time" : "wall clock");
        for (int n : contexts) {
            auto med = [&](int k) { return median(cpu ? cells[{k, n}].cached_cpu : cells[{k, n}].cached); };
            std::printf("   n=%d GQA %.2f MQA %.2f", n, med(1) / med(0), med(2) / med(0));
            out[cpu ? "cached_cpu_relative_to_mha" : "cached_relative_to_mha"][std::to_string(n)] = {
                {"GQA", med(1) / med(0)}, {"MQA", med(2) / med(0)}};
        }
        std::printf("\n");
    }
    return out;
}

// The S model with every FFN an MoE of 4 experts (each of S's d_ff): tokens/s and the share of the step spent
// routing (router logits and gating, the aux losses, dispatch and combine, forward and backward), per router.
static nlohmann::json measure_moe(const std::vector<int>& thread_counts, bool quick) {
    nlohmann::json out = nlohmann::json::array();
    std::printf("MoE training (S with 4 experts in every block, batch 16 x 64 tokens, Adam)\n");
    std::printf("  %-14s %8s %10s %12s %10s %12s\n", "router", "params", "threads", "tokens/s", "ms/step", "routing %");
    for (RouterKind router : {RouterKind::Switch, RouterKind::Top2, RouterKind::NoisyTopK, RouterKind::ExpertChoice}) {
        for (int th : thread_counts) {
            RunConfig cfg = bench_config("S");
            cfg.model.moe.experts = 4;
            cfg.model.moe.router = router;
            if (router == RouterKind::ExpertChoice) cfg.model.moe.capacity_factor = 2.0f;
            cfg.train.threads = th;
            set_threads(th);
            Trainer tr(cfg);
            for (int i = 0; i < 3; i++) tr.step();  // warm-up
            std::vector<double> times, shares;
            const int reps = quick ? 5 : 40;
            for (int r = 0; r < reps; r++) {
                for (Block& b : tr.model->blocks) b.moe.routing_seconds = 0;
                const auto t0 = Clock::now();
                if (!tr.step()) throw std::runtime_error(tr.error);
                const double step_s = seconds_since(t0);
                double routing = 0;
                for (const Block& b : tr.model->blocks) routing += b.moe.routing_seconds;
                times.push_back(step_s);
                shares.push_back(routing / step_s);
            }
            const double step_s = median(times), share = median(shares);
            const double tokens = (double)cfg.train.batch_size * cfg.model.seq_len;
            std::printf("  %-14s %8zu %10d %12.0f %10.2f %12.1f\n", to_string(router), tr.model->num_params(), th,
                        tokens / step_s, step_s * 1e3, 100.0 * share);
            out.push_back({{"router", to_string(router)}, {"experts", 4}, {"params", tr.model->num_params()},
                           {"threads", th}, {"tokens_per_sec", tokens / step_s}, {"ms_per_step", step_s * 1e3},
                           {"routing_share", share}});
        }
    }
    return out;
}

// ---- the PyTorch reference: bench/torch_reference.py --serve, driven over a pipe ----
static const char* kPython = "/usr/bin/python3";  // Debian's: the one python3-torch installs into

static bool torch_installed() {
    const std::string cmd = std::string(kPython) + " -c 'import torch' >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

// One child process answering "measure SIZE BUDGET STEPS" with a JSON line of step times per thread setting.
struct TorchReference {
    pid_t pid = -1;
    FILE* to = nullptr;    // the child's stdin
    FILE* from = nullptr;  // the child's stdout (its stderr is ours: tracebacks show)
    nlohmann::json info;   // its first line: torch version, BLAS library and kernel

    TorchReference(const std::string& script, int max_threads) {
        int down[2], up[2];
        if (pipe(down) != 0 || pipe(up) != 0) throw std::runtime_error("bench --torch: cannot create a pipe");
        std::signal(SIGPIPE, SIG_IGN);  // a dead child shows up as end-of-file on read, not as a signal
        std::fflush(stdout);
        pid = fork();
        if (pid < 0) throw std::runtime_error("bench --torch: cannot fork");
        if (pid == 0) {
            dup2(down[0], 0);
            dup2(up[1], 1);
            for (int fd : {down[0], down[1], up[0], up[1]}) close(fd);
            const std::string threads = std::to_string(max_threads);
            execl(kPython, kPython, script.c_str(), "--serve", "--max-threads", threads.c_str(), (char*)nullptr);
            _exit(127);
        }
        close(down[0]);
        close(up[1]);
        to = fdopen(down[1], "w");
        from = fdopen(up[0], "r");
        info = read_reply();
    }
    ~TorchReference() {
        if (to) {
            std::fputs("quit\n", to);
            std::fclose(to);
        }
        if (from) std::fclose(from);
        if (pid > 0) waitpid(pid, nullptr, 0);
    }
    TorchReference(const TorchReference&) = delete;
    TorchReference& operator=(const TorchReference&) = delete;

    nlohmann::json read_reply() {
        std::string line;
        for (int c; (c = std::fgetc(from)) != EOF && c != '\n';) line += (char)c;
        if (line.empty())
            throw std::runtime_error("bench --torch: bench/torch_reference.py stopped without answering (its messages, "
                                     "if any, are above); try it alone: /usr/bin/python3 bench/torch_reference.py");
        return nlohmann::json::parse(line);
    }
    // step times (seconds) of every (torch threads, BLAS threads) setting within the budget, keyed "t+b"
    nlohmann::json measure(const std::string& size, int budget, int steps) {
        std::fprintf(to, "measure %s %d %d\n", size.c_str(), budget, steps);
        std::fflush(to);
        return read_reply();
    }
};

// Ours and PyTorch on the bench models, alternating: every round runs a block of our steps and then a block of
// PyTorch's for each (model, thread budget). Prints a table and returns it as JSON.
static nlohmann::json compare_with_torch(const std::vector<int>& thread_counts, int rounds) {
    const std::string script = std::string(NOAM_SOURCE_DIR) + "/bench/torch_reference.py";
    if (!std::ifstream(script)) throw std::runtime_error("bench --torch: cannot find " + script);
    const int max_threads = *std::max_element(thread_counts.begin(), thread_counts.end());
    std::printf("starting PyTorch (one worker per thread setting) ...\n");
    TorchReference torch(script, max_threads);

    struct Cell {
        std::vector<double> ours;                              // step seconds
        std::map<std::string, std::vector<double>> torch;      // setting "torch threads+BLAS threads" -> step seconds
    };
    const std::vector<std::string> sizes = {"S", "M"};
    std::map<std::pair<std::string, int>, Cell> cells;
    std::map<std::string, std::unique_ptr<Trainer>> trainers;
    for (const std::string& size : sizes) {
        RunConfig cfg = bench_config(size);
        cfg.train.threads = max_threads;
        trainers[size] = std::make_unique<Trainer>(cfg);
        for (int i = 0; i < 3; i++) trainers[size]->step();  // warm-up
    }
    for (int r = 0; r < rounds; r++) {
        std::printf("  round %d of %d\n", r + 1, rounds);
        std::fflush(stdout);
        for (const std::string& size : sizes)
            for (int th : thread_counts) {
                Cell& cell = cells[{size, th}];
                const int steps = size == "S" ? 10 : 3;
                // ours: one unmeasured step (the thread count may have changed), then the block
                set_threads(th);
                Trainer& tr = *trainers[size];
                if (!tr.step()) throw std::runtime_error(tr.error);
                for (int i = 0; i < steps; i++) {
                    const auto t0 = Clock::now();
                    if (!tr.step()) throw std::runtime_error(tr.error);
                    cell.ours.push_back(seconds_since(t0));
                }
                // PyTorch: the same number of steps for each of its settings within this budget
                const nlohmann::json reply = torch.measure(size, th, steps);
                if (reply.contains("error")) throw std::runtime_error("bench --torch: " + reply["error"].get<std::string>());
                for (const auto& s : reply["settings"]) {
                    const std::string key = std::to_string(s["torch_threads"].get<int>()) + "+" +
                                            std::to_string(s["blas_threads"].get<int>());
                    for (double t : s["times"]) cell.torch[key].push_back(t);
                }
            }
    }

    nlohmann::json out;
    out["torch"] = torch.info;
    const std::string blas = torch.info.value("blas", "?");
    std::printf("\nours vs PyTorch %s (BLAS: %s), training step, batch 16 x 64 tokens, Adam\n",
                torch.info.value("torch", "?").c_str(), blas.c_str());
    std::printf("medians over %d rounds, ours and PyTorch measured in turn; PyTorch at its best setting within the\n"
                "thread budget (torch intra-op threads + OpenBLAS threads)\n", rounds);
    std::printf("  %-6s %8s %12s %14s %14s %13s\n", "model", "threads", "ours tok/s", "PyTorch tok/s", "PyTorch setting",
                "ours/PyTorch");
    for (const std::string& size : sizes)
        for (int th : thread_counts) {
            const Cell& cell = cells[{size, th}];
            const double tokens = 16.0 * 64.0;
            const double ours = tokens / median(cell.ours);
            std::string best_key;
            double best = 0;
            nlohmann::json settings;
            for (const auto& [key, times] : cell.torch) {
                const double tps = tokens / median(times);
                settings[key] = {{"tokens_per_sec", tps}, {"steps", times.size()}};
                if (tps > best) {
                    best = tps;
                    best_key = key;
                }
            }
            const std::string setting = best_key.empty() ? "?" : best_key.substr(0, best_key.find('+')) + " + " +
                                                                     best_key.substr(best_key.find('+') + 1);
            std::printf("  %-6s %8d %12.0f %14.0f %14s %13.2f\n", size.c_str(), th, ours, best, setting.c_str(),
                        best > 0 ? ours / best : 0.0);
            out["rows"].push_back({{"model", size}, {"threads", th}, {"ours_tokens_per_sec", ours},
                                   {"torch_tokens_per_sec", best}, {"torch_setting", best_key},
                                   {"ratio", best > 0 ? ours / best : 0.0}, {"torch_settings", settings}});
        }
    if (blas.rfind("openblas", 0) != 0)
        std::printf("note: PyTorch is not using OpenBLAS here (%s): its matmuls run in the reference BLAS, which\n"
                    "makes it look slower than it is; apt-get install libopenblas0 for a fair comparison\n", blas.c_str());
    return out;
}

int cmd_bench(const std::vector<std::string>& argv) {
    Args a = parse_args("bench", argv, {"--json", "--threads", "--rounds", "--only"}, {"--quick", "--torch"});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (!a.positional.empty()) throw UsageError("bench takes no positional arguments");
    const bool quick = a.has("--quick");
    const bool with_torch = a.has("--torch");
    const int rounds = (int)a.get_int("--rounds", 5, 1, 1000);
    std::vector<int> thread_counts;
    {
        const std::string list = a.get("--threads", "1,2");
        size_t pos = 0;
        while (pos <= list.size()) {
            const size_t comma = list.find(',', pos);
            const std::string item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            char* end = nullptr;
            const long n = std::strtol(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0' || n < 1 || n > 256)
                throw UsageError("--threads expects a comma-separated list of thread counts, got '" + list + "'");
            thread_counts.push_back((int)n);
            if (comma == std::string::npos) break;
            pos = comma + 1;
        }
    }
    const std::string only = a.get("--only", "");
    if (!only.empty() && only != "matmul" && only != "train" && only != "moe" && only != "decode")
        throw UsageError("--only expects matmul, train, moe or decode, got '" + only + "'");
    if (!only.empty() && only != "train" && with_torch) throw UsageError("--torch compares training: drop --only " + only);
    const auto wanted = [&](const char* part) { return only.empty() || only == part; };
    nlohmann::json out;

    // ---- matmul on the lesson shape ----
    if (wanted("matmul")) {
    const int M = 1024, K = 64, N = 256;
    std::vector<float> A((size_t)M * K), Bm((size_t)K * N), C((size_t)M * N);
    Rng rng(7);
    for (float& x : A) x = rng.normal();
    for (float& x : Bm) x = rng.normal();
    const double flops = 2.0 * M * K * N;
    std::printf("matmul (%dx%d)x(%dx%d)\n", M, K, K, N);
    std::printf("  %-8s %8s %10s\n", "kernel", "threads", "GFLOP/s");
    for (int th : thread_counts) {
        set_threads(th);
        for (const char* kind : {"naive", "tiled"}) {
            const bool naive = kind[0] == 'n';
            if (naive && th > 1) continue;  // the naive loop is single-threaded
            std::vector<double> times;
            const int reps = naive ? (quick ? 2 : 5) : (quick ? 20 : 200);
            for (int r = 0; r < reps; r++) {
                const auto t0 = Clock::now();
                if (naive)
                    matmul_naive(C.data(), A.data(), Bm.data(), M, K, N, false);
                else
                    matmul(C.data(), A.data(), Bm.data(), M, K, N, false);
                times.push_back(seconds_since(t0));
            }
            const double gflops = flops / median(times) / 1e9;
            std::printf("  %-8s %8d %10.1f\n", kind, th, gflops);
            out["matmul"].push_back({{"kernel", kind}, {"threads", th}, {"gflops", gflops}});
        }
    }
    }

    // ---- training steps: in turn with PyTorch, or alone ----
    const bool compare = with_torch && torch_installed();
    if (with_torch && !compare)
        std::printf("PyTorch is not installed for %s, so there is no comparison: apt-get install python3-torch\n", kPython);
    if (compare)
        out["torch_compare"] = compare_with_torch(thread_counts, rounds);
    else if (wanted("train"))
        out["train"] = measure_training(thread_counts, quick);
    if (!compare && wanted("moe")) out["moe"] = measure_moe(thread_counts, quick);
    if (wanted("decode")) out["decode"] = measure_decode(quick);
    set_threads(thread_counts.back());
    if (a.has("--json")) {
        write_file_atomic(a.get("--json", ""), out.dump(1) + "\n");
    }
    return 0;
}

}  // namespace noam::cli
