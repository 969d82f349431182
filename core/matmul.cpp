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
// c[r][j] += A[r][k] * B[k][j]. The j loop is contiguous in B and C, so the compiler turns it into
// vector FMAs (NR = 16 floats = two AVX2 registers) without reordering any sum.
template <int MR, int NR>
static inline void tile(float* C, const float* A, const float* B, int K, int N, int lda, bool accumulate) {
    float c[MR][NR];
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < NR; j++) c[r][j] = accumulate ? C[(size_t)r * N + j] : 0.0f;
    for (int k = 0; k < K; k++) {
        const float* b = B + (size_t)k * N;
        for (int r = 0; r < MR; r++) {
            const float a = A[(size_t)r * lda + k];
            for (int j = 0; j < NR; j++) c[r][j] += a * b[j];
        }
    }
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < NR; j++) C[(size_t)r * N + j] = c[r][j];
}

// The same loop for the ragged edge of the matrix (fewer rows or columns than a full tile).
static void tile_edge(float* C, const float* A, const float* B, int K, int N, int lda, int mr, int nr,
                      bool accumulate) {
    float c[4][16];
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) c[r][j] = accumulate ? C[(size_t)r * N + j] : 0.0f;
    for (int k = 0; k < K; k++) {
        const float* b = B + (size_t)k * N;
        for (int r = 0; r < mr; r++) {
            const float a = A[(size_t)r * lda + k];
            for (int j = 0; j < nr; j++) c[r][j] += a * b[j];
        }
    }
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) C[(size_t)r * N + j] = c[r][j];
}

void matmul(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    constexpr int MR = 4, NR = 16;
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
        const float* a = A + (size_t)i0 * K;
        const float* b = B + j0;
        const int mr = M - i0 < MR ? M - i0 : MR;
        const int nr = N - j0 < NR ? N - j0 : NR;
        if (mr == MR && nr == NR)
            tile<MR, NR>(c, a, b, K, N, K, accumulate);
        else
            tile_edge(c, a, b, K, N, K, mr, nr, accumulate);
    }
}

void transpose(float* out, const float* in, int rows, int cols) {
    constexpr int BS = 32;  // blocks keep both sides in cache
    for (int i0 = 0; i0 < rows; i0 += BS)
        for (int j0 = 0; j0 < cols; j0 += BS)
            for (int i = i0; i < i0 + BS && i < rows; i++)
                for (int j = j0; j < j0 + BS && j < cols; j++) out[(size_t)j * rows + i] = in[(size_t)i * cols + j];
}

}  // namespace noam
