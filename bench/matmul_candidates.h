// Candidate matmul kernels, measured against core/matmul.cpp by bench_kernels.cpp (bench only: the core
// keeps one kernel). Each is the core's loop with one thing changed, so a win can be traced to that change:
//   - the register tile's shape: MR rows x NV vector registers of columns of C, kept in registers while k runs;
//   - the order the tiles are visited in (row tiles outer, as the core, or column panels outer);
//   - K blocking: k runs in blocks of KC so a KC x NR panel of B stays in L1 across all row tiles;
//   - packing B: that KC x NR panel copied to a contiguous buffer first (BLIS's "pack B"), so the tile reads
//     memory in order instead of jumping N floats (one or more pages) per k.
// Every variant sums each C element in k order on one thread, exactly as the core does, so the results are
// bit-identical to noam::matmul (bench_kernels.cpp checks it) and independent of the thread count.
// Also here: the plain-loop 4x16 kernel the core had before it moved to vector types, to show what the
// auto-vectorizer made of it on this machine.
#pragma once
#include <cstddef>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace noam::bench {

// ---- the plain-loop kernel (the core's first version): C tile c[r][j], j contiguous ----
// A's element (r, k) is at A[r * rs + k * ks]: rs = K, ks = 1 for A itself; rs = 1, ks = M for A stored transposed.
template <int MR, int NR>
// C's row stride is ldc, B's ldb.
static inline void plain_tile(float* C, size_t ldc, const float* A, size_t rs, size_t ks, const float* B, size_t ldb,
                              int K, int mr, int nr, bool accumulate) {
    float c[MR][NR];
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) c[r][j] = accumulate ? C[r * ldc + j] : 0.0f;
    for (int k = 0; k < K; k++) {
        const float* b = B + k * ldb;
        for (int r = 0; r < mr; r++) {
            const float a = A[r * rs + k * ks];
            for (int j = 0; j < nr; j++) c[r][j] += a * b[j];
        }
    }
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) C[r * ldc + j] = c[r][j];
}

template <int MR, int NR>
void matmul_plain(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    const int row_tiles = (M + MR - 1) / MR, col_tiles = (N + NR - 1) / NR;
    const long total = (long)row_tiles * col_tiles;
#pragma omp parallel for schedule(static) if ((double)M * K * N > 32768.0)
    for (long t = 0; t < total; t++) {
        const int i0 = (int)(t / col_tiles) * MR, j0 = (int)(t % col_tiles) * NR;
        const int mr = M - i0 < MR ? M - i0 : MR, nr = N - j0 < NR ? N - j0 : NR;
        if (mr == MR && nr == NR)  // constant bounds: the form the vectorizer is meant to see
            plain_tile<MR, NR>(C + (size_t)i0 * N + j0, N, A + (size_t)i0 * K, K, 1, B + j0, N, K, MR, NR, accumulate);
        else
            plain_tile<MR, NR>(C + (size_t)i0 * N + j0, N, A + (size_t)i0 * K, K, 1, B + j0, N, K, mr, nr, accumulate);
    }
}

// ---- the vector-type kernel (as core/matmul.cpp now): vfloat is one AVX-512 / AVX2 / SSE register ----
#if defined(__AVX512F__)
constexpr int VW = 16;
#elif defined(__AVX__)
constexpr int VW = 8;
#else
constexpr int VW = 4;
#endif
typedef float vfloat __attribute__((vector_size(VW * sizeof(float)), aligned(sizeof(float))));

// c[r][v] (+)= sum_k A[r][k] * B[k][v*VW .. v*VW+VW) for one full MR x (NV*VW) tile
template <int MR, int NV>
static inline void vec_tile(float* C, const float* A, const float* B, int K, int N, size_t rs, size_t ks,
                            bool accumulate) {
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

// C (M,N) (+)= A (M,K) @ B (K,N) with MR x NV*VW tiles.
//   column_panels: visit tiles column panel by column panel (all row tiles of one NR-wide panel of B, then
//                  the next), so the K x NR panel of B is reused from cache by every row tile.
//   KC > 0:        run k in blocks of KC; the first block honours `accumulate`, later blocks add to C
//                  (C holds the same float partial sum the register did, so only the memory traffic changes).
//   A_transposed:  A is stored (K,M) and the product is A^T B (the weight gradient x^T dy), as noam::matmul_at.
// Ragged edges use the plain loop, as the core does.
template <int MR, int NV, bool column_panels = false, int KC = 0, bool A_transposed = false>
void matmul_vec(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    const size_t rs = A_transposed ? 1 : (size_t)K, ks = A_transposed ? (size_t)M : 1;
    constexpr int NR = NV * VW;
    const int row_tiles = (M + MR - 1) / MR;
    const int col_tiles = (N + NR - 1) / NR;
    const long total = (long)row_tiles * col_tiles;
    const bool parallel = (double)M * K * N > 32768.0;
    const int kc = KC > 0 ? KC : K;
    for (int k0 = 0; k0 < K; k0 += kc) {
        const int kn = K - k0 < kc ? K - k0 : kc;
        const bool acc = accumulate || k0 > 0;
#pragma omp parallel for schedule(static) if (parallel)
        for (long t = 0; t < total; t++) {
            const int ti = column_panels ? (int)(t % row_tiles) : (int)(t / col_tiles);
            const int tj = column_panels ? (int)(t / row_tiles) : (int)(t % col_tiles);
            const int i0 = ti * MR, j0 = tj * NR;
            float* c = C + (size_t)i0 * N + j0;
            const float* a = A + i0 * rs + k0 * ks;
            const float* b = B + (size_t)k0 * N + j0;
            const int mr = M - i0 < MR ? M - i0 : MR;
            const int nr = N - j0 < NR ? N - j0 : NR;
            if (mr == MR && nr == NR) {
                vec_tile<MR, NV>(c, a, b, kn, N, rs, ks, acc);
            } else {  // the ragged edge: the plain loop, as the core's tile_edge
                plain_tile<MR, NR>(c, N, a, rs, ks, b, N, kn, mr, nr, acc);
            }
        }
    }
}

// ---- B packed: the candidate for the weight-gradient shapes ----
// c (MR, NV*VW) (+)= A block (MR, K) @ b, with b a packed panel of row stride ldb; C's row stride is ldc.
template <int MR, int NV>
static inline void packed_tile(float* C, size_t ldc, const float* A, size_t rs, size_t ks, const float* b, int ldb,
                               int K, bool accumulate) {
    vfloat c[MR][NV];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) c[r][v] = accumulate ? *(const vfloat*)(C + r * ldc + v * VW) : vfloat{};
    for (int k = 0; k < K; k++) {
        vfloat bk[NV];
        for (int v = 0; v < NV; v++) bk[v] = *(const vfloat*)(b + (size_t)k * ldb + v * VW);
        for (int r = 0; r < MR; r++) {
            const float a = A[r * rs + k * ks];
            for (int v = 0; v < NV; v++) c[r][v] += a * bk[v];
        }
    }
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) *(vfloat*)(C + r * ldc + v * VW) = c[r][v];
}

// The ragged column edge: as many vectors as its nv needs (a 1-column edge costs one vector, not NV).
template <int MR, int NV>
static inline void packed_tile_upto(int nv, float* C, size_t ldc, const float* A, size_t rs, size_t ks,
                                    const float* b, int ldb, int K, bool accumulate) {
    if constexpr (NV > 1)
        if (nv < NV) return packed_tile_upto<MR, NV - 1>(nv, C, ldc, A, rs, ks, b, ldb, K, accumulate);
    packed_tile<MR, NV>(C, ldc, A, rs, ks, b, ldb, K, accumulate);
}

// C (M,N) (+)= A @ B (or A^T @ B with A stored (K,M)). For each NR-wide column panel and each block of KC rows of
// B: pack that (KC, NR) block contiguously, zero past column N, then run every row tile over it. Each thread
// takes a contiguous range of row tiles and packs for itself (packing is K*N copies against M*K*N multiply-adds).
// A ragged column edge runs the same vector tile into a local copy of the C tile (the zero columns of the packed
// panel keep it exact); a ragged row edge runs the plain loop. k goes in order for every C element, as in the core.
template <int MR, int NV, int KC, bool A_transposed = false>
void matmul_packed(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate) {
    constexpr int NR = NV * VW;
    const size_t rs = A_transposed ? 1 : (size_t)K, ks = A_transposed ? (size_t)M : 1;
    const int row_tiles = (M + MR - 1) / MR;
#pragma omp parallel if ((double)M * K * N > 32768.0)
    {
#ifdef _OPENMP
        const int nth = omp_get_num_threads(), me = omp_get_thread_num();
#else
        const int nth = 1, me = 0;
#endif
        const int first = (int)((long)row_tiles * me / nth), last = (int)((long)row_tiles * (me + 1) / nth);
        alignas(64) float panel[KC * NR];  // (KC, NR) block of B
        alignas(64) float edge[MR * NR];   // a ragged column edge's C tile
        for (int j0 = 0; j0 < N && first < last; j0 += NR) {
            const int nr = N - j0 < NR ? N - j0 : NR;
            for (int k0 = 0; k0 < K; k0 += KC) {
                const int kn = K - k0 < KC ? K - k0 : KC;
                const bool acc = accumulate || k0 > 0;
                for (int k = 0; k < kn; k++)
                    for (int j = 0; j < NR; j++) panel[k * NR + j] = j < nr ? B[(size_t)(k0 + k) * N + j0 + j] : 0.0f;
                for (int ti = first; ti < last; ti++) {
                    const int i0 = ti * MR, mr = M - i0 < MR ? M - i0 : MR;
                    float* c = C + (size_t)i0 * N + j0;
                    const float* a = A + i0 * rs + k0 * ks;
                    if (mr == MR && nr == NR) {
                        packed_tile<MR, NV>(c, N, a, rs, ks, panel, NR, kn, acc);
                    } else if (mr == MR) {
                        for (int r = 0; r < MR; r++)
                            for (int j = 0; j < NR; j++) edge[r * NR + j] = acc && j < nr ? c[(size_t)r * N + j] : 0.0f;
                        packed_tile_upto<MR, NV>((nr + VW - 1) / VW, edge, NR, a, rs, ks, panel, NR, kn, true);
                        for (int r = 0; r < MR; r++)
                            for (int j = 0; j < nr; j++) c[(size_t)r * N + j] = edge[r * NR + j];
                    } else {
                        plain_tile<MR, NR>(c, N, a, rs, ks, panel, NR, kn, mr, nr, acc);
                    }
                }
            }
        }
    }
}

// ---- general strides, one thread: for products inside an already parallel loop (attention per head) ----
// C (M,N) (+)= A @ B with A(i,k) at A[i*ars + k*aks], B(k,j) at B[k*bks + j*bjs], C(i,j) at C[i*ldc + j]:
// any of them may be a transposed or a strided view (a head's columns inside (B,T,H*hd)). B is packed, so the
// tile never sees B's strides. The same sums in the same order as the core's kernel.
template <int MR, int NV, int KC>
void matmul_views(float* C, size_t ldc, const float* A, size_t ars, size_t aks, const float* B, size_t bks,
                  size_t bjs, int M, int K, int N, bool accumulate) {
    constexpr int NR = NV * VW;
    alignas(64) float panel[KC * NR];
    alignas(64) float edge[MR * NR];
    for (int j0 = 0; j0 < N; j0 += NR) {
        const int nr = N - j0 < NR ? N - j0 : NR;
        for (int k0 = 0; k0 < K; k0 += KC) {
            const int kn = K - k0 < KC ? K - k0 : KC;
            const bool acc = accumulate || k0 > 0;
            for (int k = 0; k < kn; k++)
                for (int j = 0; j < NR; j++) panel[k * NR + j] = j < nr ? B[(k0 + k) * bks + (j0 + j) * bjs] : 0.0f;
            for (int i0 = 0; i0 < M; i0 += MR) {
                const int mr = M - i0 < MR ? M - i0 : MR;
                float* c = C + i0 * ldc + j0;
                const float* a = A + i0 * ars + k0 * aks;
                if (mr == MR && nr == NR) {
                    packed_tile<MR, NV>(c, ldc, a, ars, aks, panel, NR, kn, acc);
                } else if (mr == MR) {
                    for (int r = 0; r < MR; r++)
                        for (int j = 0; j < NR; j++) edge[r * NR + j] = acc && j < nr ? c[r * ldc + j] : 0.0f;
                    packed_tile_upto<MR, NV>((nr + VW - 1) / VW, edge, NR, a, ars, aks, panel, NR, kn, true);
                    for (int r = 0; r < MR; r++)
                        for (int j = 0; j < nr; j++) c[r * ldc + j] = edge[r * NR + j];
                } else {
                    plain_tile<MR, NR>(c, ldc, a, ars, aks, panel, NR, kn, mr, nr, acc);
                }
            }
        }
    }
}

}  // namespace noam::bench
