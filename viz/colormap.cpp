// Colour maps: table lookups with linear interpolation in sRGB.
#include "colormap.h"

#include <algorithm>
#include <cmath>

#include "i18n.h"
#include "viridis_table.h"

namespace noam::viz {

namespace {

float clamp01(float x) { return std::min(1.0f, std::max(0.0f, x)); }

Rgb lerp(const float a[3], const float b[3], float f) {
    return {a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f};
}

// ColorBrewer RdBu, 11 classes, from blue (negative) to red (positive).
const float kRdBu[11][3] = {
    {0x05 / 255.f, 0x30 / 255.f, 0x61 / 255.f}, {0x21 / 255.f, 0x66 / 255.f, 0xac / 255.f},
    {0x43 / 255.f, 0x93 / 255.f, 0xc3 / 255.f}, {0x92 / 255.f, 0xc5 / 255.f, 0xde / 255.f},
    {0xd1 / 255.f, 0xe5 / 255.f, 0xf0 / 255.f}, {0xf7 / 255.f, 0xf7 / 255.f, 0xf7 / 255.f},
    {0xfd / 255.f, 0xdb / 255.f, 0xc7 / 255.f}, {0xf4 / 255.f, 0xa5 / 255.f, 0x82 / 255.f},
    {0xd6 / 255.f, 0x60 / 255.f, 0x4d / 255.f}, {0xb2 / 255.f, 0x18 / 255.f, 0x2b / 255.f},
    {0x67 / 255.f, 0x00 / 255.f, 0x1f / 255.f},
};

// Okabe & Ito (2008): sky blue, orange, bluish green, reddish purple, yellow, blue, vermillion.
const float kOkabeIto[7][3] = {
    {0x56 / 255.f, 0xb4 / 255.f, 0xe9 / 255.f}, {0xe6 / 255.f, 0x9f / 255.f, 0x00 / 255.f},
    {0x00 / 255.f, 0x9e / 255.f, 0x73 / 255.f}, {0xcc / 255.f, 0x79 / 255.f, 0xa7 / 255.f},
    {0xf0 / 255.f, 0xe4 / 255.f, 0x42 / 255.f}, {0x00 / 255.f, 0x72 / 255.f, 0xb2 / 255.f},
    {0xd5 / 255.f, 0x5e / 255.f, 0x00 / 255.f},
};

float srgb_to_linear(float c) { return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f); }

}  // namespace

Rgb viridis(float t) {
    if (!std::isfinite(t)) t = 0;
    const float x = clamp01(t) * 255.0f;
    const int i = std::min(254, (int)x);
    return lerp(kViridis[i], kViridis[i + 1], x - i);
}

Rgb diverging(float t) {
    if (!std::isfinite(t)) t = 0;
    const float x = (std::min(1.0f, std::max(-1.0f, t)) + 1.0f) * 5.0f;  // [0, 10]
    const int i = std::min(9, (int)x);
    return lerp(kRdBu[i], kRdBu[i + 1], x - i);
}

Rgb map_value(ColorScale scale, float v, float lo, float hi, float gamma) {
    if (!std::isfinite(v)) return {0.5f, 0.5f, 0.5f};
    if (scale == ColorScale::Diverging) {
        const float m = std::max(std::fabs(lo), std::fabs(hi));
        return diverging(m > 0 ? v / m : 0.0f);
    }
    float t = hi > lo ? (v - lo) / (hi - lo) : 0.0f;
    t = clamp01(t);
    if (gamma != 1.0f) t = std::pow(t, gamma);
    return viridis(t);
}

float relative_luminance(Rgb c) {
    return 0.2126f * srgb_to_linear(c.r) + 0.7152f * srgb_to_linear(c.g) + 0.0722f * srgb_to_linear(c.b);
}

Rgb contrast_text(Rgb c) {
    // contrast ratio against black vs against white: (L + 0.05) / 0.05 vs 1.05 / (L + 0.05)
    const float l = relative_luminance(c);
    return (l + 0.05f) * (l + 0.05f) > 0.0525f ? Rgb{0.05f, 0.05f, 0.07f} : Rgb{1, 1, 1};
}

Rgb series_color(int i) {
    const float* c = kOkabeIto[((i % 7) + 7) % 7];
    return {c[0], c[1], c[2]};
}

Rgb series_color(int i, bool light_background) {
    if (!light_background) return series_color(i);
    const int k = ((i % 7) + 7) % 7;
    if (k == 4) return {0, 0, 0};           // yellow on white: Okabe-Ito's black instead
    if (k == 0) return series_color(5);     // the darker blue first
    if (k == 5) return series_color(0);
    return series_color(k);
}

const char* colormap_name(ColorScale scale) { return scale == ColorScale::Diverging ? "RdBu" : "viridis"; }

const char* colormap_description(ColorScale scale) {
    return scale == ColorScale::Diverging
               ? tr_later("diverging blue - grey - red (ColorBrewer RdBu): blue negative, red positive; colour-blind safe")
               : tr_later("viridis: dark purple (low) - teal - yellow (high); colour-blind safe, brightness rises with the value");
}

uint32_t pack_rgba(Rgb c, float alpha) {
    auto byte = [](float x) { return (uint32_t)std::lround(clamp01(x) * 255.0f); };
    return byte(c.r) | (byte(c.g) << 8) | (byte(c.b) << 16) | (byte(alpha) << 24);
}

}  // namespace noam::viz
