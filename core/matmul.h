// The one matrix multiply every layer uses, a naive reference beside it, and a transpose.
// All matrices are row-major; shapes in the comments use (rows, cols).
#pragma once
#include <cstddef>

namespace noam {

// C (M,N) = A (M,K) @ B (K,N), or C += A @ B when accumulate.
// Fast version: register tiles of 6 rows x 2 vector registers of columns, OpenMP over tiles. Each C element is summed by
// one thread in k order, so the result does not depend on the thread count.
void matmul(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate);

// C (M,N) = A^T @ B (or +=) where A is stored as (K,M): the weight gradient x^T dy without a transpose.
void matmul_at(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate);

// The product on strided views, single-threaded (for small products inside a parallel loop, e.g. one attention
// head): A's element (i, k) is A[i * a_rs + k * a_cs], B's (k, j) is B[k * b_rs + j * b_cs], C's row i starts at
// C + i * ldc (its columns contiguous). A transposed operand is the same memory with its strides swapped.
void matmul_view(float* C, size_t ldc, const float* A, size_t a_rs, size_t a_cs, const float* B, size_t b_rs,
                 size_t b_cs, int M, int K, int N, bool accumulate);

// The same product written as the textbook triple loop: C[i][j] = sum_k A[i][k] B[k][j].
void matmul_naive(float* C, const float* A, const float* B, int M, int K, int N, bool accumulate);

// out (cols, rows) = in (rows, cols) transposed.
void transpose(float* out, const float* in, int rows, int cols);

}  // namespace noam
