// Plot arithmetic: nice ticks, log ticks and mapping, EMA smoothing, decimation, ranges.
#include <gtest/gtest.h>

#include <cmath>

#include "plot_math.h"

using namespace noam::viz;

TEST(NiceNumber, PicksOneTwoFive) {
    EXPECT_DOUBLE_EQ(nice_number(0.63, true), 0.5);
    EXPECT_DOUBLE_EQ(nice_number(0.73, true), 1.0);
    EXPECT_DOUBLE_EQ(nice_number(0.73, false), 1.0);
    EXPECT_DOUBLE_EQ(nice_number(13, true), 10);
    EXPECT_DOUBLE_EQ(nice_number(13, false), 20);
    EXPECT_DOUBLE_EQ(nice_number(330, true), 500);
    EXPECT_DOUBLE_EQ(nice_number(2.0, false), 2.0);
}

TEST(NiceTicks, CoversRangeWithNiceSteps) {
    const Ticks t = nice_ticks(0.0, 1000.0, 6);
    ASSERT_FALSE(t.values.empty());
    EXPECT_DOUBLE_EQ(t.step, 200.0);
    EXPECT_DOUBLE_EQ(t.values.front(), 0.0);
    EXPECT_DOUBLE_EQ(t.values.back(), 1000.0);
    EXPECT_EQ(t.decimals, 0);
    EXPECT_LE((int)t.values.size(), 6);
}

TEST(NiceTicks, LossLikeRange) {
    const Ticks t = nice_ticks(0.37, 2.41, 5);
    EXPECT_DOUBLE_EQ(t.step, 0.5);
    ASSERT_EQ(t.values.size(), 4u);
    EXPECT_DOUBLE_EQ(t.values[0], 0.5);
    EXPECT_DOUBLE_EQ(t.values[3], 2.0);
    EXPECT_EQ(t.decimals, 1);
    for (double v : t.values) {
        EXPECT_GE(v, 0.37);
        EXPECT_LE(v, 2.41);
    }
}

TEST(NiceTicks, NeverMoreThanAskedAndNoNegativeZero) {
    for (int max_ticks = 2; max_ticks <= 12; max_ticks++)
        for (double hi : {0.013, 0.9, 7.0, 130.0, 99999.0}) {
            const Ticks t = nice_ticks(-hi / 3, hi, max_ticks);
            EXPECT_LE((int)t.values.size(), max_ticks) << "hi " << hi;
            EXPECT_GE((int)t.values.size(), 1);
            for (double v : t.values) EXPECT_FALSE(v == 0 && std::signbit(v));
        }
}

TEST(NiceTicks, DegenerateRange) {
    const Ticks t = nice_ticks(3.0, 3.0, 5);
    ASSERT_EQ(t.values.size(), 1u);
    EXPECT_DOUBLE_EQ(t.values[0], 3.0);
}

TEST(LogTicks, DecadesWhenTheyFit) {
    const Ticks t = log_ticks(0.003, 20.0, 6);
    ASSERT_EQ(t.values.size(), 4u);  // 0.01 0.1 1 10
    EXPECT_NEAR(t.values[0], 0.01, 1e-12);
    EXPECT_NEAR(t.values[3], 10.0, 1e-12);
}

TEST(LogTicks, OneTwoFiveInsideADecade) {
    const Ticks t = log_ticks(0.3, 3.0, 6);  // 0.5 1 2
    ASSERT_EQ(t.values.size(), 3u);
    EXPECT_NEAR(t.values[0], 0.5, 1e-12);
    EXPECT_NEAR(t.values[1], 1.0, 1e-12);
    EXPECT_NEAR(t.values[2], 2.0, 1e-12);
}

TEST(LogTicks, ThinsManyDecades) {
    const Ticks t = log_ticks(1e-8, 1e4, 5);
    EXPECT_LE((int)t.values.size(), 5);
    EXPECT_GE((int)t.values.size(), 2);
}

TEST(AxisMap, LinearAndInverse) {
    AxisMap m{0, 10, 100, 0, false};  // y axis: 0 at the bottom (pixel 100)
    EXPECT_FLOAT_EQ(m.to_px(0), 100);
    EXPECT_FLOAT_EQ(m.to_px(10), 0);
    EXPECT_FLOAT_EQ(m.to_px(2.5), 75);
    EXPECT_NEAR(m.from_px(75), 2.5, 1e-6);
}

TEST(AxisMap, LogPutsDecadesEquallyApart) {
    AxisMap m{0.01, 100, 0, 400, true};
    EXPECT_FLOAT_EQ(m.to_px(0.01), 0);
    EXPECT_FLOAT_EQ(m.to_px(0.1), 100);
    EXPECT_FLOAT_EQ(m.to_px(1), 200);
    EXPECT_FLOAT_EQ(m.to_px(100), 400);
    EXPECT_NEAR(m.from_px(300), 10.0, 1e-9);
    EXPECT_FLOAT_EQ(m.to_px(-5), 0);  // non-positive clamps to lo
}

TEST(Ema, ZeroWeightIsIdentityAndConstantStaysConstant) {
    const float y[5] = {3, 1, 4, 1, 5};
    std::vector<float> out;
    ema_smooth(y, 5, 0.0f, out);
    for (int i = 0; i < 5; i++) EXPECT_FLOAT_EQ(out[i], y[i]);
    const float c[4] = {2, 2, 2, 2};
    ema_smooth(c, 4, 0.9f, out);
    for (float v : out) EXPECT_NEAR(v, 2.0f, 1e-6);  // debiasing: no pull towards 0 at the start
}

TEST(Ema, MatchesHandComputedDebiasedValues) {
    const float y[3] = {1, 3, 5};
    std::vector<float> out;
    ema_smooth(y, 3, 0.5f, out);
    // s1 = 0.5, /0.5 = 1 ; s2 = 0.25 + 1.5 = 1.75, /0.75 = 2.3333 ; s3 = 0.875 + 2.5 = 3.375, /0.875 = 3.857
    EXPECT_NEAR(out[0], 1.0f, 1e-6);
    EXPECT_NEAR(out[1], 1.75f / 0.75f, 1e-6);
    EXPECT_NEAR(out[2], 3.375f / 0.875f, 1e-6);
}

TEST(Ema, SkipsNonFinite) {
    const float y[3] = {1, NAN, 1};
    std::vector<float> out;
    ema_smooth(y, 3, 0.9f, out);
    EXPECT_TRUE(std::isnan(out[1]));
    EXPECT_NEAR(out[2], 1.0f, 1e-6);
}

TEST(AutoRange, PadsAndIgnoresNonFinite) {
    std::vector<float> a = {1, 2, NAN, 3}, b = {INFINITY, 5};
    Range r = auto_range({&a, &b}, false, 0.1);
    EXPECT_NEAR(r.lo, 1 - 0.4, 1e-9);
    EXPECT_NEAR(r.hi, 5 + 0.4, 1e-9);
    std::vector<float> flat = {2, 2};
    r = auto_range({&flat}, false, 0.1);
    EXPECT_LT(r.lo, 2);
    EXPECT_GT(r.hi, 2);
    std::vector<float> pos = {-1, 0.1f, 10};
    r = auto_range({&pos}, true, 0.0);
    EXPECT_NEAR(r.lo, 0.1, 1e-6);
    EXPECT_NEAR(r.hi, 10, 1e-5);
    r = auto_range({}, false, 0.1);
    EXPECT_EQ(r.lo, 0);
    EXPECT_EQ(r.hi, 1);
}

TEST(Decimate, KeepsExtremesPerBucket) {
    std::vector<float> x(10000), y(10000);
    for (int i = 0; i < 10000; i++) {
        x[i] = (float)i;
        y[i] = (i == 5000) ? 100.0f : (i == 7001 ? -50.0f : std::sin(i * 0.01f));
    }
    std::vector<float> ox, oy;
    decimate_minmax(x.data(), y.data(), x.size(), 0, 9999, 100, ox, oy);
    EXPECT_LE(ox.size(), 2u * 100 + 4);
    float mx = -1e9f, mn = 1e9f;
    for (float v : oy) { mx = std::max(mx, v); mn = std::min(mn, v); }
    EXPECT_EQ(mx, 100.0f) << "a spike must survive decimation";
    EXPECT_EQ(mn, -50.0f);
    for (size_t i = 1; i < ox.size(); i++) EXPECT_LT(ox[i - 1], ox[i]) << "x order kept";
}

TEST(Decimate, ShortSeriesUnchanged) {
    std::vector<float> x = {0, 1, 2}, y = {5, 6, 7}, ox, oy;
    decimate_minmax(x.data(), y.data(), 3, 0, 2, 100, ox, oy);
    EXPECT_EQ(ox, x);
    EXPECT_EQ(oy, y);
}

TEST(NearestIndex, FindsClosest) {
    const float x[4] = {0, 10, 20, 30};
    EXPECT_EQ(nearest_index(x, 4, -5), 0);
    EXPECT_EQ(nearest_index(x, 4, 14), 1);
    EXPECT_EQ(nearest_index(x, 4, 16), 2);
    EXPECT_EQ(nearest_index(x, 4, 99), 3);
    EXPECT_EQ(nearest_index(x, 0, 1), -1);
}

TEST(FormatTick, ReadableLabels) {
    EXPECT_EQ(format_tick(0.5, 1), "0.5");
    EXPECT_EQ(format_tick(1500, 0), "1500");
    EXPECT_EQ(format_tick(20000, 0), "20k");
    EXPECT_EQ(format_tick(0, 3), "0");
    EXPECT_EQ(format_tick(1e-5, 5), "1e-05");
    EXPECT_EQ(format_tick(2500000, 0), "2.5M");
}

TEST(Histogram, CountsZerosAndEdges) {
    const float v[] = {0.0f, 0.0f, 0.1f, 0.5f, 0.99f, 1.0f, -1.0f, 2.0f, NAN};
    // [0, 1] in 4 bins: 0.1 -> bin 0, 0.5 -> bin 2, 0.99 and 1.0 (the inclusive top edge) -> bin 3
    const Histogram h = histogram(v, 9, 0.0, 1.0, 4, true);
    EXPECT_EQ(h.total, 8u);  // NaN is not a value
    EXPECT_EQ(h.zeros, 2u);
    EXPECT_EQ(h.counted, 4u);  // -1 and 2 fall outside
    EXPECT_EQ(h.counts, (std::vector<int>{1, 0, 1, 2}));
    const Histogram with_zeros = histogram(v, 9, 0.0, 1.0, 4, false);
    EXPECT_EQ(with_zeros.counts[0], 3);
    EXPECT_EQ(with_zeros.counted, 6u);
}
