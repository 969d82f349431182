// Colour maps: endpoints match the published tables, luminance is monotonic where it must be, the packing
// matches ImGui's IM_COL32 layout.
#include <gtest/gtest.h>

#include <cmath>

#include "colormap.h"

using namespace noam::viz;

TEST(Colormap, ViridisEndpointsMatchMatplotlib) {
    const Rgb a = viridis(0.0f), b = viridis(1.0f), m = viridis(0.5f);
    EXPECT_NEAR(a.r, 0.267004f, 1e-6); EXPECT_NEAR(a.g, 0.004874f, 1e-6); EXPECT_NEAR(a.b, 0.329415f, 1e-6);
    EXPECT_NEAR(b.r, 0.993248f, 1e-6); EXPECT_NEAR(b.g, 0.906157f, 1e-6); EXPECT_NEAR(b.b, 0.143936f, 1e-6);
    // matplotlib's viridis(0.5) is entry 127.5: between #21918c-ish entries 127 and 128
    EXPECT_NEAR(m.r, 0.5f * (0.128729f + 0.127568f), 1e-5);
    EXPECT_NEAR(m.g, 0.5f * (0.563265f + 0.566949f), 1e-5);
}

TEST(Colormap, ViridisClampsOutOfRangeAndNaN) {
    EXPECT_FLOAT_EQ(viridis(-3.0f).r, viridis(0.0f).r);
    EXPECT_FLOAT_EQ(viridis(7.0f).g, viridis(1.0f).g);
    EXPECT_FLOAT_EQ(viridis(NAN).b, viridis(0.0f).b);
}

TEST(Colormap, ViridisLuminanceRisesMonotonically) {
    // the property that makes a sequential map honest: brighter always means larger
    float prev = -1;
    for (int i = 0; i <= 1000; i++) {
        const float l = relative_luminance(viridis(i / 1000.0f));
        EXPECT_GT(l, prev) << "viridis luminance falls at t = " << i / 1000.0f;
        prev = l;
    }
}

TEST(Colormap, DivergingIsLightInTheMiddleAndDarkAtTheEnds) {
    const Rgb mid = diverging(0.0f);
    EXPECT_NEAR(mid.r, 0xf7 / 255.f, 1e-6);
    EXPECT_NEAR(mid.g, 0xf7 / 255.f, 1e-6);
    const Rgb neg = diverging(-1.0f), pos = diverging(1.0f);
    EXPECT_GT(neg.b, neg.r) << "negative end should be blue";
    EXPECT_GT(pos.r, pos.b) << "positive end should be red";
    // luminance rises from each end to the middle
    float prev = -1;
    for (int i = 0; i <= 500; i++) {
        const float l = relative_luminance(diverging(-1.0f + i / 500.0f));
        EXPECT_GE(l, prev - 1e-6f) << "at t = " << -1.0f + i / 500.0f;
        prev = l;
    }
    prev = -1;
    for (int i = 0; i <= 500; i++) {
        const float l = relative_luminance(diverging(1.0f - i / 500.0f));
        EXPECT_GE(l, prev - 1e-6f) << "at t = " << 1.0f - i / 500.0f;
        prev = l;
    }
}

TEST(Colormap, MapValueScalesAndIsSymmetricForSignedValues) {
    const Rgb lo = map_value(ColorScale::Sequential, 2.0f, 2.0f, 4.0f);
    EXPECT_FLOAT_EQ(lo.r, viridis(0).r);
    const Rgb mid = map_value(ColorScale::Sequential, 3.0f, 2.0f, 4.0f);
    EXPECT_FLOAT_EQ(mid.g, viridis(0.5f).g);
    // gamma 0.5 lifts 0.25 to 0.5
    EXPECT_FLOAT_EQ(map_value(ColorScale::Sequential, 0.25f, 0, 1, 0.5f).g, viridis(0.5f).g);
    // diverging: +-max(|lo|,|hi|) are the ends, 0 is the middle
    EXPECT_FLOAT_EQ(map_value(ColorScale::Diverging, -2.0f, -1.0f, 2.0f).b, diverging(-1.0f).b);
    EXPECT_FLOAT_EQ(map_value(ColorScale::Diverging, 0.0f, -1.0f, 2.0f).r, diverging(0.0f).r);
    const Rgb nan = map_value(ColorScale::Sequential, NAN, 0, 1);
    EXPECT_FLOAT_EQ(nan.r, 0.5f);
}

TEST(Colormap, ContrastTextPicksReadableColour) {
    EXPECT_GT(contrast_text(viridis(0.0f)).r, 0.9f);   // white on dark purple
    EXPECT_LT(contrast_text(viridis(1.0f)).r, 0.1f);   // black on yellow
}

TEST(Colormap, PackMatchesImGuiLayout) {
    // IM_COL32(R,G,B,A) = A<<24 | B<<16 | G<<8 | R
    EXPECT_EQ(pack_rgba({1, 0, 0}, 1), 0xFF0000FFu);
    EXPECT_EQ(pack_rgba({0, 0, 1}, 0), 0x00FF0000u);
    EXPECT_EQ(pack_rgba({0, 1, 0}, 0.5f), 0x8000FF00u);
}

TEST(Colormap, SeriesPaletteCycles) {
    EXPECT_FLOAT_EQ(series_color(0).r, series_color(7).r);
    EXPECT_NE(pack_rgba(series_color(0)), pack_rgba(series_color(1)));
}
