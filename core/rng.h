// Seeded random numbers that are the same on every machine: xoshiro256** seeded by splitmix64,
// with our own normal sampler (std::normal_distribution differs between standard libraries).
#pragma once
#include <cmath>
#include <cstdint>

namespace noam {

struct Rng {
    uint64_t s[4];
    bool has_spare = false;
    float spare = 0.0f;

    explicit Rng(uint64_t seed = 1) { reseed(seed); }

    void reseed(uint64_t seed) {
        uint64_t x = seed;
        for (auto& w : s) {  // splitmix64: spreads any seed (even 0) over the whole state
            x += 0x9E3779B97F4A7C15ull;
            uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            w = z ^ (z >> 31);
        }
        has_spare = false;
    }

    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    uint64_t next_u64() {
        const uint64_t result = rotl(s[1] * 5, 7) * 9;
        const uint64_t t = s[1] << 17;
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
    }

    // uniform in [0, 1) with 24 bits, exactly representable in float
    float uniform() { return (float)(next_u64() >> 40) * (1.0f / 16777216.0f); }

    // uniform integer in [0, n)
    int randint(int n) { return (int)((next_u64() >> 33) % (uint64_t)n); }

    // standard normal by Box-Muller (in double, rounded to float)
    float normal() {
        if (has_spare) { has_spare = false; return spare; }
        double u1 = ((next_u64() >> 11) + 1.0) * (1.0 / 9007199254740993.0);  // (0, 1]
        double u2 = (next_u64() >> 11) * (1.0 / 9007199254740992.0);
        double r = std::sqrt(-2.0 * std::log(u1));
        spare = (float)(r * std::sin(2.0 * M_PI * u2));
        has_spare = true;
        return (float)(r * std::cos(2.0 * M_PI * u2));
    }

    // a child generator for an independent stream (data, init, dropout ...) derived from this one
    Rng split() { return Rng(next_u64()); }
};

}  // namespace noam
