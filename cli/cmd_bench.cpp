// noamlab bench: how fast the core is on this machine, end to end: the matmul kernel on a lesson shape,
// and training tokens per second for the S and M models with 1 and 2 threads. Medians of repeated runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "args.h"
#include "commands.h"
#include "matmul.h"
#include "trainer.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab bench [--quick] [--json F] [--threads LIST]\n"
    "\n"
    "Measures on this machine, medians of repeated runs:\n"
    "  matmul   (1024x64)x(64x256) GFLOP/s, naive triple loop and the core's tiled kernel\n"
    "  train    tokens/s and GFLOP/s of a full training step (forward, backward, Adam) for\n"
    "           S = {vocab 65, d 64, 4 heads, 2 layers, d_ff 256, seq 64, batch 16} and M = {d 128, 4 layers, d_ff 512}\n"
    "  --threads LIST   thread counts to try, comma separated (default 1,2)\n"
    "  --quick          fewer repetitions (for tests)\n"
    "  --json F         also write the figures as JSON\n"
    "The PyTorch comparison: python3 bench/torch_reference.py (see README).\n";

using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

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

int cmd_bench(const std::vector<std::string>& argv) {
    Args a = parse_args("bench", argv, {"--json", "--threads"}, {"--quick"});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (!a.positional.empty()) throw UsageError("bench takes no positional arguments");
    const bool quick = a.has("--quick");
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
    nlohmann::json out;

    // ---- matmul on the lesson shape ----
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

    // ---- training steps ----
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
            out["train"].push_back({{"model", size}, {"params", tr.model->num_params()}, {"threads", th},
                                    {"tokens_per_sec", tokens / step_s}, {"gflops", gflops}, {"ms_per_step", step_s * 1e3}});
        }
    }
    set_threads(thread_counts.back());
    if (a.has("--json")) {
        std::ofstream f(a.get("--json", ""));
        if (!f) throw std::runtime_error("cannot write " + a.get("--json", ""));
        f << out.dump(1) << "\n";
    }
    return 0;
}

}  // namespace noam::cli
