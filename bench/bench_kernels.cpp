// Kernel benchmarks (Google Benchmark): the matmul kernels on the lesson shapes, and one Attention and one
// FFN layer forward + backward at the S shapes. End-to-end training figures come from `noamlab bench`.
//
//   build-bench/bench/noamlab_bench                                   # everything
//   build-bench/bench/noamlab_bench --benchmark_filter='matmul/.*/1024x64x256'
//
// Counters: GFLOP/s (2 per multiply-add, a rate), bytes_per_second (each operand read once and C written
// once: the least traffic a kernel can do), items_per_second (C elements produced).
// Time: one thread is timed in process CPU time, which a shared machine's other processes barely move (they
// take the core away, but the clock stops too); two threads in wall time, the only honest clock for a team.
// On a busy machine add --benchmark_repetitions=25 --benchmark_enable_random_interleaving=true and compare the
// best repetition of each kernel.
// Every candidate kernel is checked against noam::matmul before it is timed: bit-identical for our own
// variants (same order of sums), within 1e-4 (normalized) for OpenBLAS.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef NOAM_HAVE_CBLAS
#include <cblas.h>
extern "C" void openblas_set_num_threads(int);
#endif

#include "attention.h"
#include "attention_candidates.h"
#include "ffn.h"
#include "matmul.h"
#include "matmul_candidates.h"
#include "params.h"
#include "rng.h"

namespace {

using namespace noam;

void set_threads(int n) {
#ifdef _OPENMP
    omp_set_num_threads(n);
#endif
#ifdef NOAM_HAVE_CBLAS
    openblas_set_num_threads(n);
#endif
}

std::vector<float> random_vector(size_t n, uint64_t seed) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (float& x : v) x = rng.normal();
    return v;
}

// one thread: process CPU time; more: wall time (see the top of the file)
benchmark::internal::Benchmark* timed(benchmark::internal::Benchmark* b, int threads) {
    return threads == 1 ? b->MeasureProcessCPUTime() : b->UseRealTime();
}

// ---- matmul kernels: one table ----
using MatmulFn = void (*)(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate);

#ifdef NOAM_HAVE_CBLAS
void matmul_openblas(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, K, B, N, accumulate ? 1.0f : 0.0f, C, N);
}
void matmul_at_openblas(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, K, 1.0f, A, M, B, N, accumulate ? 1.0f : 0.0f, C, N);
}
#endif

struct Kernel {
    const char* name;
    MatmulFn fn;         // C = A B, A (M,K)
    MatmulFn fn_at;      // C = A^T B, A stored (K,M); nullptr if the kernel has no such form
    bool threaded;       // runs an OpenMP (or BLAS) team: measured at 1 and 2 threads
    bool same_sums;      // sums in the core's order: must match noam::matmul bit for bit
};

// Names: MRxNV = rows x vector registers of columns in the register tile (a vector is 16 floats with AVX-512,
// 8 with AVX2); "panels" = column panels outer; "kcN" = k blocked by N; "packed" = B panels packed.
template <int MR, int NV, bool P = false, int KC = 0>
constexpr Kernel vec(const char* name) {
    return {name, bench::matmul_vec<MR, NV, P, KC>, bench::matmul_vec<MR, NV, P, KC, true>, true, true};
}
template <int MR, int NV, int KC>
constexpr Kernel packed(const char* name) {
    return {name, bench::matmul_packed<MR, NV, KC>, bench::matmul_packed<MR, NV, KC, true>, true, true};
}
const Kernel kKernels[] = {
    {"naive", matmul_naive, nullptr, false, false},
    {"core", matmul, matmul_at, true, true},                          // as it is in core/matmul.cpp
    {"plain_4x16", bench::matmul_plain<4, 16>, nullptr, true, true},  // the core's first, plain-loop kernel
    vec<4, 2>("vec_4x2"),
    vec<6, 2>("vec_6x2"),  // the core's tile, compiled here: the same-TU baseline for the others
    vec<8, 2>("vec_8x2"),
    vec<12, 2>("vec_12x2"),
    vec<14, 2>("vec_14x2"),
    vec<4, 4>("vec_4x4"),
    vec<6, 4>("vec_6x4"),
    vec<8, 1>("vec_8x1"),
    vec<6, 2, true>("vec_6x2_panels"),
    vec<12, 2, true>("vec_12x2_panels"),
    vec<6, 2, true, 256>("vec_6x2_panels_kc256"),
    packed<6, 2, 256>("packed_6x2_kc256"),
    packed<8, 2, 256>("packed_8x2_kc256"),
    packed<12, 2, 256>("packed_12x2_kc256"),
    packed<6, 4, 128>("packed_6x4_kc128"),
    packed<8, 3, 128>("packed_8x3_kc128"),
#ifdef NOAM_HAVE_CBLAS
    {"openblas", matmul_openblas, matmul_at_openblas, true, false},
#endif
};

struct Shape {
    int M, K, N;
    bool a_transposed;  // C = A^T B with A stored (K,M): the weight gradients
    const char* what;
};

// The products of one training step (n = B*T = 1024 rows). S: d 64, d_ff 256, vocab 65; M: d 128, d_ff 512.
const Shape kShapes[] = {
    {1024, 64, 256, false, "S FFN up: x W1"},
    {1024, 256, 64, false, "S FFN down: h W2"},
    {1024, 64, 65, false, "S tied head: h E^T"},
    {1024, 64, 64, false, "S attention projection: x Wq"},
    {64, 1024, 256, true, "S dW1 = x^T da"},
    {256, 1024, 64, true, "S dW2 = h^T dy"},
    {65, 1024, 64, true, "S dE = dlogits^T h"},
    {1024, 128, 512, false, "M FFN up"},
    {1024, 512, 128, false, "M FFN down"},
    {1024, 128, 128, false, "M attention projection"},
    {128, 1024, 512, true, "M dW1"},
    {512, 1024, 128, true, "M dW2"},
    {128, 1024, 128, true, "M dWq"},
};

double normalized_error(const std::vector<float>& got, const std::vector<float>& want) {
    double se = 0, s0 = 0;  // NMSE = mse(got, want) / mse(want, 0)
    for (size_t i = 0; i < got.size(); i++) {
        se += (double)(got[i] - want[i]) * (got[i] - want[i]);
        s0 += (double)want[i] * want[i];
    }
    return s0 > 0 ? se / s0 : se;
}

void BM_matmul(benchmark::State& state, const Kernel& kernel, const Shape& s, int threads) {
    set_threads(threads);
    const MatmulFn fn = s.a_transposed ? kernel.fn_at : kernel.fn;
    const std::vector<float> A = random_vector((size_t)s.M * s.K, 1), B = random_vector((size_t)s.K * s.N, 2);
    std::vector<float> C((size_t)s.M * s.N), reference((size_t)s.M * s.N);
    if (s.a_transposed)
        matmul_at(reference.data(), A.data(), B.data(), s.M, s.K, s.N, false);
    else
        matmul(reference.data(), A.data(), B.data(), s.M, s.K, s.N, false);
    fn(C.data(), A.data(), B.data(), s.M, s.K, s.N, false);
    if (kernel.same_sums ? C != reference : normalized_error(C, reference) > 1e-8) {
        state.SkipWithError("result differs from noam::matmul: the kernel's loop bounds or sum order are wrong");
        return;
    }
    for (auto _ : state) {
        fn(C.data(), A.data(), B.data(), s.M, s.K, s.N, false);
        benchmark::DoNotOptimize(C.data());
        benchmark::ClobberMemory();
    }
    const double flops = 2.0 * s.M * s.K * s.N;
    state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.SetItemsProcessed(state.iterations() * (int64_t)s.M * s.N);
    state.SetBytesProcessed(state.iterations() * (int64_t)sizeof(float) *
                            ((int64_t)s.M * s.K + (int64_t)s.K * s.N + (int64_t)s.M * s.N));
    state.SetLabel(s.what);
}

// ---- layers at the S and M shapes: B 16, T 64, 4 heads; S d 64, d_ff 256; M d 128, d_ff 512 ----
constexpr int kB = 16, kT = 64, kHeads = 4;

struct LayerShape {
    const char* name;
    int d, d_ff;
};
const LayerShape kLayerShapes[] = {{"S", 64, 256}, {"M", 128, 512}};

// forward FLOPs of one attention layer: q,k,v,o projections and the causal q.k and p.v (mean length (T+1)/2).
// Backward does twice the forward's multiply-adds (one product for the input, one for the weights).
double attention_flops_forward(int d) {
    const double n = kB * kT;
    return 4 * 2.0 * n * d * d + 2 * 2.0 * n * d * (kT + 1) / 2.0;
}

// part: 0 forward + backward, 1 forward only, 2 the projections alone (4 Linear layers forward + backward),
// so the attention core (scores, softmax, p.v and their backward) costs (0) - (2).
void BM_attention(benchmark::State& state, LayerShape shape, int part, int threads) {
    set_threads(threads);
    const int d = shape.d, n = kB * kT;
    ParamStore ps;
    Attention attn;
    attn.declare(ps, "attn", d, kHeads, kHeads, /*causal=*/true);
    ps.allocate();
    attn.reserve(kB, kT);
    Rng rng(3);
    attn.init(rng, 1.0f);
    const size_t sz = (size_t)n * d;
    const std::vector<float> x = random_vector(sz, 4), dy = random_vector(sz, 5);
    std::vector<float> y(sz), dx(sz);
    for (auto _ : state) {
        if (part == 2) {
            for (Linear* l : {&attn.wq, &attn.wk, &attn.wv, &attn.wo}) {
                l->forward(x.data(), y.data(), n);
                l->backward(dy.data(), dx.data(), n);
            }
        } else {
            attn.forward(x.data(), y.data(), kB, kT);
            if (part == 0) {
                std::fill(dx.begin(), dx.end(), 0.0f);
                attn.backward(dy.data(), dx.data());
            }
        }
        benchmark::DoNotOptimize(dx.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    const double flops = part == 2 ? 3 * 4 * 2.0 * n * d * d
                                   : (part == 0 ? 3 : 1) * attention_flops_forward(d);
    state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.SetItemsProcessed(state.iterations() * (int64_t)n);  // tokens
}

void BM_ffn_fwd_bwd(benchmark::State& state, LayerShape shape, int threads) {
    set_threads(threads);
    const int d = shape.d, n = kB * kT;
    ParamStore ps;
    FFN ffn;
    ffn.declare(ps, "ffn", FfnKind::ReLU, d, shape.d_ff, /*bias=*/true);
    ps.allocate();
    ffn.reserve(n);
    Rng rng(6);
    ffn.init(rng, 1.0f);
    const size_t sz = (size_t)n * d;
    const std::vector<float> x = random_vector(sz, 7), dy = random_vector(sz, 8);
    std::vector<float> y(sz), dx(sz);
    for (auto _ : state) {
        ffn.forward(x.data(), y.data(), n);
        std::fill(dx.begin(), dx.end(), 0.0f);
        ffn.backward(dy.data(), dx.data());
        benchmark::DoNotOptimize(dx.data());
        benchmark::ClobberMemory();
    }
    const double flops_forward = 2 * 2.0 * n * d * shape.d_ff;
    state.counters["GFLOP/s"] =
        benchmark::Counter(3 * flops_forward * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.SetItemsProcessed(state.iterations() * (int64_t)n);
}

// The attention core alone (no projections): core/attention.cpp's loops (baseline), the same loops with K and V
// transposed per head (kT_vT), and every product of a head as a matmul over strided views (matmul_views).
// The candidates sum in another order than the baseline's vectorized reductions, so they are checked against
// it with a normalized error, not bit for bit.
void BM_attention_core(benchmark::State& state, LayerShape shape, int candidate, int threads) {
    set_threads(threads);
    const int hd = shape.d / kHeads;
    bench::AttentionCore a(kB, kT, kHeads, hd), ref(kB, kT, kHeads, hd);
    a.q = random_vector(a.q.size(), 11);
    a.k = random_vector(a.k.size(), 12);
    a.v = random_vector(a.v.size(), 13);
    a.dctx = random_vector(a.dctx.size(), 14);
    ref.q = a.q, ref.k = a.k, ref.v = a.v, ref.dctx = a.dctx;
    auto forward = candidate == 2   ? bench::attention_core_forward_matmul
                   : candidate == 1 ? bench::attention_core_forward_candidate
                                    : bench::attention_core_forward_baseline;
    auto backward = candidate == 2   ? bench::attention_core_backward_matmul
                    : candidate == 1 ? bench::attention_core_backward_candidate
                                     : bench::attention_core_backward_baseline;
    forward(a);
    backward(a);
    bench::attention_core_forward_baseline(ref);
    bench::attention_core_backward_baseline(ref);
    for (auto [got, want] : {std::pair{&a.probs, &ref.probs}, {&a.ctx, &ref.ctx}, {&a.dq, &ref.dq}, {&a.dk, &ref.dk},
                             {&a.dv, &ref.dv}})
        if (normalized_error(*got, *want) > 1e-10) {
            state.SkipWithError("the candidate's attention differs from the baseline: an index or a bound is wrong");
            return;
        }
    for (auto _ : state) {
        forward(a);
        backward(a);
        benchmark::DoNotOptimize(a.dq.data());
        benchmark::ClobberMemory();
    }
    // q.k and p.v forward at the mean causal length (T+1)/2, backward twice that
    const double flops = 3 * 2 * 2.0 * kB * kT * shape.d * (kT + 1) / 2.0;
    state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.SetItemsProcessed(state.iterations() * (int64_t)kB * kT);
}

void register_all() {
    for (const Shape& s : kShapes)
        for (const Kernel& k : kKernels)
            for (int threads : {1, 2}) {
                if (!k.threaded && threads > 1) continue;
                if (s.a_transposed && !k.fn_at) continue;
                const std::string name = "matmul/" + std::string(k.name) + "/" + (s.a_transposed ? "AT_" : "") +
                                         std::to_string(s.M) + "x" + std::to_string(s.K) + "x" + std::to_string(s.N) +
                                         "/threads:" + std::to_string(threads);
                timed(benchmark::RegisterBenchmark(name.c_str(), BM_matmul, k, s, threads), threads);
            }
    const char* attention_parts[] = {"attention_fwd_bwd", "attention_fwd", "attention_projections_fwd_bwd"};
    for (const LayerShape& shape : kLayerShapes)
        for (int threads : {1, 2}) {
            const std::string suffix = "/" + std::string(shape.name) + "/threads:" + std::to_string(threads);
            for (int part = 0; part < 3; part++)
                timed(benchmark::RegisterBenchmark(("layer/" + std::string(attention_parts[part]) + suffix).c_str(),
                                                   BM_attention, shape, part, threads),
                      threads)
                    ->Unit(benchmark::kMicrosecond);
            const char* core_kinds[] = {"baseline", "kT_vT", "matmul_views"};
            for (int candidate = 0; candidate < 3; candidate++)
                timed(benchmark::RegisterBenchmark(
                          ("layer/attention_core/" + std::string(core_kinds[candidate]) + suffix).c_str(),
                          BM_attention_core, shape, candidate, threads),
                      threads)
                    ->Unit(benchmark::kMicrosecond);
            timed(benchmark::RegisterBenchmark(("layer/ffn_fwd_bwd" + suffix).c_str(), BM_ffn_fwd_bwd, shape, threads),
                  threads)
                ->Unit(benchmark::kMicrosecond);
        }
}

}  // namespace

int main(int argc, char** argv) {
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
