// The tiled matmul against the naive triple loop, on shapes that hit every edge case of the tiling.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "matmul.h"
#include "rng.h"

using namespace noam;

TEST(Matmul, TiledEqualsNaiveOnRaggedShapes) {
    Rng rng(1);
    for (int M : {1, 3, 4, 5, 17, 64})
        for (int K : {1, 7, 64})
            for (int N : {1, 15, 16, 17, 33, 256})
                for (bool acc : {false, true}) {
                    std::vector<float> A((size_t)M * K), B((size_t)K * N), C1((size_t)M * N), C2;
                    for (float& x : A) x = rng.normal();
                    for (float& x : B) x = rng.normal();
                    for (float& x : C1) x = rng.normal();
                    C2 = C1;
                    matmul(C1.data(), A.data(), B.data(), M, K, N, acc);
                    matmul_naive(C2.data(), A.data(), B.data(), M, K, N, acc);
                    // same products summed in the same k order; only FMA contraction may differ: 1e-5 relative
                    for (size_t i = 0; i < C1.size(); i++)
                        ASSERT_NEAR(C1[i], C2[i], 1e-5f * (1.0f + std::fabs(C2[i]) + K))
                            << "M=" << M << " K=" << K << " N=" << N << " acc=" << acc << " at " << i;
                }
}

TEST(Matmul, TransposedAEqualsNaiveOnTheTranspose) {
    Rng rng(3);
    for (int M : {1, 6, 13, 64})
        for (int K : {1, 9, 128})
            for (int N : {5, 32, 65}) {
                std::vector<float> At((size_t)K * M), A((size_t)M * K), B((size_t)K * N), C1((size_t)M * N, 0.5f), C2 = C1;
                for (float& x : At) x = rng.normal();
                for (float& x : B) x = rng.normal();
                transpose(A.data(), At.data(), K, M);
                matmul_at(C1.data(), At.data(), B.data(), M, K, N, true);
                matmul_naive(C2.data(), A.data(), B.data(), M, K, N, true);
                for (size_t i = 0; i < C1.size(); i++)
                    ASSERT_NEAR(C1[i], C2[i], 1e-5f * (1.0f + std::fabs(C2[i]) + K)) << "M=" << M << " K=" << K << " N=" << N;
            }
}

TEST(Matmul, TransposeRoundTrip) {
    Rng rng(2);
    const int r = 37, c = 70;
    std::vector<float> a(r * c), t(r * c), back(r * c);
    for (float& x : a) x = rng.normal();
    transpose(t.data(), a.data(), r, c);
    EXPECT_EQ(t[(size_t)5 * r + 3], a[(size_t)3 * c + 5]);
    transpose(back.data(), t.data(), c, r);
    EXPECT_EQ(a, back);
}
