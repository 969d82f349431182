// Matrix multiply: the naive triple loop, and the register-tiled, B-packed version the model runs.
// What the fast kernel does beyond the textbook loop:
//   1. B is packed: for each NR-wide column panel and each block of KC rows of B, the (KC, NR) block is copied to
//      a contiguous buffer (zero past column N) before the row tiles run over it. The weight gradients
//      dW = x^T dy walk B = dy (1024, d_out) down a column; unpacked, each k jumps d_out floats (2 KB for
//      d_ff 512), a new page every other k, and the tile runs at 50-70 GFLOP/s instead of 130-150.
//   2. The ragged column edge (the tied head's N = 65 = vocabulary) runs the vector tile over the zero-padded
//      panel into a local copy of the C tile, instead of a scalar loop.
//   3. Products with fewer rows than a tile (decoding one token) skip the packing (matmul_few_rows).
//   4. The tile is 6 rows x 4 vectors with AVX-512 (24 of its 32 registers), 6 x 2 with AVX2 (12 of 16).
// Every C element is still summed in k order by one thread (k blocks run in order, and C holds the same float
// partial sum a register would), so results match the naive loop's order and do not depend on the thread count.
#include "matmul.h"

#include <cstddef>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace noam {

void matmul_naive(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float sum = accumulate ? C[(size_t)i * N + j] : 0.0f;
            for (int k = 0; k < K; k++) sum += A[(size_t)i * K + k] * B[(size_t)k * N + j];
            C[(size_t)i * N + j] = sum;
        }
}

// vfloat is VW floats (one AVX-512 / AVX2 / SSE register), GCC's vector extension: "a * b[v]" multiplies the
// scalar a into every lane. (The auto-vectorizer, left to the plain loop, vectorized the wrong loop.)
#if defined(__AVX512F__)
constexpr int VW = 16, NV = 4;
#elif defined(__AVX__)
constexpr int VW = 8, NV = 2;
#else
constexpr int VW = 4, NV = 2;
#endif
typedef float vfloat __attribute__((vector_size(VW * sizeof(float)), aligned(sizeof(float))));
constexpr int MR = 6, NR = NV * VW;
constexpr int KC = 8192 / NR;  // a packed (KC, NR) panel is 32 KB: it stays in L1 while every row tile reads it

// One tile of MR rows x nv vectors of C (nv <= NV), kept in registers while k runs over one block:
//   c[r][v] += A[r][k] * panel[k][v]
// A's element (r, k) is at A[r * rs + k * ks]: rs = K, ks = 1 for A itself; rs = 1, ks = M for A stored
// transposed. C's row stride is ldc; the panel's is NR.
template <int nv>
static inline void tile(float* C, size_t ldc, const float* A, size_t rs, size_t ks, const float* panel, int K,
                        bool accumulate) {
    vfloat c[MR][nv];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < nv; v++) c[r][v] = accumulate ? *(const vfloat*)(C + r * ldc + v * VW) : vfloat{};
    for (int k = 0; k < K; k++) {
        vfloat b[nv];
        for (int v = 0; v < nv; v++) b[v] = *(const vfloat*)(panel + (size_t)k * NR + v * VW);
        for (int r = 0; r < MR; r++) {
            const float a = A[r * rs + k * ks];
            for (int v = 0; v < nv; v++) c[r][v] += a * b[v];
        }
    }
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < nv; v++) *(vfloat*)(C + r * ldc + v * VW) = c[r][v];
}

// the same tile with nv chosen at run time (the last column panel needs only ceil(columns / VW) vectors)
template <int nv = NV>
static inline void tile_upto(int want, float* C, size_t ldc, const float* A, size_t rs, size_t ks,
                             const float* panel, int K, bool accumulate) {
    if constexpr (nv > 1)
        if (want < nv) return tile_upto<nv - 1>(want, C, ldc, A, rs, ks, panel, K, accumulate);
    tile<nv>(C, ldc, A, rs, ks, panel, K, accumulate);
}

// The plain loop for the ragged row edge (fewer than MR rows left).
static void tile_edge(float* C, size_t ldc, const float* A, size_t rs, size_t ks, const float* panel, int K, int mr,
                      int nr, bool accumulate) {
    float c[MR][NR];
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) c[r][j] = accumulate ? C[r * ldc + j] : 0.0f;
    for (int k = 0; k < K; k++)
        for (int r = 0; r < mr; r++) {
            const float a = A[r * rs + k * ks];
            for (int j = 0; j < nr; j++) c[r][j] += a * panel[(size_t)k * NR + j];
        }
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) C[r * ldc + j] = c[r][j];
}

// C (M,N) (+)= A @ B, every operand a strided view: A's element (i, k) at A[i * rs + k * ks], B's element (k, j) at
// B[k * b_rs + j * b_cs], C's row i at C + i * ldc. Each thread takes a contiguous range of row
// tiles and packs the panels of B for itself (K*N copies against M*K*N multiply-adds).
// Fewer rows than a tile (a decode step: one token, or a few to verify) with B's rows contiguous: packing B would
// copy all of it to use it once or a few times, and the row-edge loop is scalar. Instead each row of C is built as
// a sum of B's rows, c_i += A[i][k] B[k], the inner loop running along a row of B (vectorized), and k outermost so
// that each row of B is read once for all M rows. Every element is still summed in k order, as in the tiles.
static void matmul_few_rows(float* C, size_t ldc, const float* A, size_t rs, size_t ks, const float* B, size_t b_rs,
                            int M, int K, int N, bool accumulate) {
    if (!accumulate)
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) C[(size_t)i * ldc + j] = 0.0f;
    for (int k = 0; k < K; k++) {
        const float* b = B + (size_t)k * b_rs;
        for (int i = 0; i < M; i++) {
            const float a = A[i * rs + k * ks];
            float* c = C + (size_t)i * ldc;
            for (int j = 0; j < N; j++) c[j] += a * b[j];
        }
    }
}

static void matmul_general(float* C, size_t ldc, const float* A, size_t rs, size_t ks, const float* B, size_t b_rs,
                           size_t b_cs, int M, int K, int N, bool accumulate, bool allow_parallel) {
    if (M < MR && b_cs == 1) return matmul_few_rows(C, ldc, A, rs, ks, B, b_rs, M, K, N, accumulate);
    const int row_tiles = (M + MR - 1) / MR;
    // Small products are not worth waking the thread team for.
    const bool parallel = allow_parallel && (double)M * K * N > 32768.0;
#pragma omp parallel if (parallel)
    {
#ifdef _OPENMP
        const int threads = omp_get_num_threads(), me = omp_get_thread_num();
#else
        const int threads = 1, me = 0;
#endif
        const int first = (int)((long)row_tiles * me / threads), last = (int)((long)row_tiles * (me + 1) / threads);
        alignas(64) float panel[KC * NR];  // (KC, NR) block of B, zero past column N
        alignas(64) float edge[MR * NR];   // the C tile of a ragged column edge
        for (int j0 = 0; j0 < N && first < last; j0 += NR) {
            const int nr = N - j0 < NR ? N - j0 : NR;
            for (int k0 = 0; k0 < K; k0 += KC) {
                const int kn = K - k0 < KC ? K - k0 : KC;
                const bool acc = accumulate || k0 > 0;  // later k blocks add to what the earlier ones left in C
                for (int k = 0; k < kn; k++)
                    for (int j = 0; j < NR; j++) panel[k * NR + j] = j < nr ? B[(size_t)(k0 + k) * b_rs + (size_t)(j0 + j) * b_cs] : 0.0f;
                for (int t = first; t < last; t++) {
                    const int i0 = t * MR, mr = M - i0 < MR ? M - i0 : MR;
                    float* c = C + (size_t)i0 * ldc + j0;
                    const float* a = A + i0 * rs + k0 * ks;
                    if (mr == MR && nr == NR) {
                        tile<NV>(c, ldc, a, rs, ks, panel, kn, acc);
                    } else if (mr == MR) {  // ragged columns: through a local copy of the tile
                        for (int r = 0; r < MR; r++)
                            for (int j = 0; j < NR; j++) edge[r * NR + j] = acc && j < nr ? c[(size_t)r * ldc + j] : 0.0f;
                        tile_upto((nr + VW - 1) / VW, edge, NR, a, rs, ks, panel, kn, true);
                        for (int r = 0; r < MR; r++)
                            for (int j = 0; j < nr; j++) c[(size_t)r * ldc + j] = edge[r * NR + j];
                    } else {
                        tile_edge(c, ldc, a, rs, ks, panel, kn, mr, nr, acc);
                    }
                }
            }
        }
    }
}

void matmul(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    matmul_general(C, (size_t)N, A, (size_t)K, 1, B, (size_t)N, 1, M, K, N, accumulate, true);
}

void matmul_at(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    matmul_general(C, (size_t)N, A, 1, (size_t)M, B, (size_t)N, 1, M, K, N, accumulate, true);
}

void matmul_view(float* C, size_t ldc, const float* A, size_t a_rs, size_t a_cs, const float* B, size_t b_rs,
                 size_t b_cs, int M, int K, int N, bool accumulate) {
    matmul_general(C, ldc, A, a_rs, a_cs, B, b_rs, b_cs, M, K, N, accumulate, false);
}

void transpose(float* out, const float* in, int rows, int cols) {
    constexpr int BS = 32;  // blocks keep both sides in cache
    for (int i0 = 0; i0 < rows; i0 += BS)
        for (int j0 = 0; j0 < cols; j0 += BS)
            for (int i = i0; i < i0 + BS && i < rows; i++)
                for (int j = j0; j < j0 + BS && j < cols; j++) out[(size_t)j * rows + i] = in[(size_t)i * cols + j];
}

}  // namespace noam
