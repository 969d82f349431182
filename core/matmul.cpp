// Matrix multiply: the naive triple loop, and the register-tiled version the model runs.
#include "matmul.h"

#include <cstddef>

namespace noam {

void matmul_naive(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float sum = accumulate ? C[(size_t)i * N + j] : 0.0f;
            for (int k = 0; k < K; k++) sum += A[(size_t)i * K + k] * B[(size_t)k * N + j];
            C[(size_t)i * N + j] = sum;
        }
}

// One tile of MR rows x NR columns of C, kept in registers while k runs over the whole K:
//   c[r][j] += A[r][k] * B[k][j]
// written with GCC's vector extension: vfloat is VW floats (one AVX2 or AVX-512 register), and "a * b[v]"
// multiplies the scalar a into every lane. Each c element still sums its products in k order, exactly like
// the naive loop; only the bookkeeping differs. (Left to itself the auto-vectorizer picked the wrong loop
// here and ran at 1.6 GFLOP/s instead of 40+.)
#if defined(__AVX512F__)
constexpr int VW = 16;
#elif defined(__AVX__)
constexpr int VW = 8;
#else
constexpr int VW = 4;
#endif
typedef float vfloat __attribute__((vector_size(VW * sizeof(float)), aligned(sizeof(float))));
constexpr int MR = 6, NV = 2, NR = NV * VW;

// A's element (r, k) is at A[r * rs + k * ks]: rs = K, ks = 1 for A itself, rs = 1, ks = M for A stored transposed.
static inline void tile(float* C, const float* A, const float* B, int K, int N, size_t rs, size_t ks, bool accumulate) {
    vfloat c[MR][NV];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) c[r][v] = accumulate ? *(const vfloat*)(C + (size_t)r * N + v * VW) : vfloat{};
    for (int k = 0; k < K; k++) {
        vfloat b[NV];
        for (int v = 0; v < NV; v++) b[v] = *(const vfloat*)(B + (size_t)k * N + v * VW);
        for (int r = 0; r < MR; r++) {
            const float a = A[r * rs + k * ks];
            for (int v = 0; v < NV; v++) c[r][v] += a * b[v];
        }
    }
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) *(vfloat*)(C + (size_t)r * N + v * VW) = c[r][v];
}

// The same loop for the ragged edge of the matrix (fewer rows or columns than a full tile).
static void tile_edge(float* C, const float* A, const float* B, int K, int N, size_t rs, size_t ks, int mr, int nr,
                      bool accumulate) {
    float c[MR][NR];
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) c[r][j] = accumulate ? C[(size_t)r * N + j] : 0.0f;
    for (int k = 0; k < K; k++) {
        const float* b = B + (size_t)k * N;
        for (int r = 0; r < mr; r++) {
            const float a = A[r * rs + k * ks];
            for (int j = 0; j < nr; j++) c[r][j] += a * b[j];
        }
    }
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) C[(size_t)r * N + j] = c[r][j];
}

// C (M,N) (+)= A @ B with A's element (i, k) at A[i * rs + k * ks]
static void matmul_strided(float* C, const float* A, size_t rs, size_t ks, const float* B, int M, int K, int N,
                           bool accumulate) {
    const int row_tiles = (M + MR - 1) / MR;
    const int col_tiles = (N + NR - 1) / NR;
    const long total = (long)row_tiles * col_tiles;
    // Small products are not worth waking the thread team for.
    const bool parallel = (double)M * K * N > 32768.0;
#pragma omp parallel for schedule(static) if (parallel)
    for (long t = 0; t < total; t++) {
        const int i0 = (int)(t / col_tiles) * MR;
        const int j0 = (int)(t % col_tiles) * NR;
        float* c = C + (size_t)i0 * N + j0;
        const float* a = A + (size_t)i0 * rs;
        const float* b = B + j0;
        const int mr = M - i0 < MR ? M - i0 : MR;
        const int nr = N - j0 < NR ? N - j0 : NR;
        if (mr == MR && nr == NR)
            tile(c, a, b, K, N, rs, ks, accumulate);
        else
            tile_edge(c, a, b, K, N, rs, ks, mr, nr, accumulate);
    }
}

void matmul(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    matmul_strided(C, A, (size_t)K, 1, B, M, K, N, accumulate);
}

void matmul_at(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    matmul_strided(C, A, 1, (size_t)M, B, M, K, N, accumulate);
}

void transpose(float* out, const float* in, int rows, int cols) {
    constexpr int BS = 32;  // blocks keep both sides in cache
    for (int i0 = 0; i0 < rows; i0 += BS)
        for (int j0 = 0; j0 < cols; j0 += BS)
            for (int i = i0; i < i0 + BS && i < rows; i++)
                for (int j = j0; j < j0 + BS && j < cols; j++) out[(size_t)j * rows + i] = in[(size_t)i * cols + j];
}

}  // namespace noam
