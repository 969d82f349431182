// Plot arithmetic: ranges, ticks, axis mapping, smoothing, decimation.
#include "plot_math.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace noam::viz {

// ============================================================================ nice numbers and ticks

double nice_number(double x, bool round) {
    if (!(x > 0) || !std::isfinite(x)) return 1.0;
    const double expv = std::floor(std::log10(x));
    const double f = x / std::pow(10.0, expv);  // in [1, 10)
    double nf;
    if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * std::pow(10.0, expv);
}

static int decimals_for_step(double step) {
    if (!(step > 0)) return 0;
    const int d = (int)std::ceil(-std::log10(step) - 1e-9);
    return std::max(0, std::min(9, d));
}

Ticks nice_ticks(double lo, double hi, int max_ticks) {
    Ticks t;
    if (!std::isfinite(lo) || !std::isfinite(hi)) return t;
    if (hi < lo) std::swap(lo, hi);
    max_ticks = std::max(2, max_ticks);
    if (hi == lo) {
        t.values.push_back(lo);
        t.step = 0;
        t.decimals = decimals_for_step(std::fabs(lo) > 0 ? std::fabs(lo) / 10 : 1);
        return t;
    }
    // the smallest nice step (1, 2, 5 x 10^k) that gives at most max_ticks ticks
    auto count = [&](double s) {
        const double first = std::ceil(lo / s - 1e-9) * s;
        return (int)std::floor((hi - first) / s + 1e-9) + 1;
    };
    auto smaller = [](double s) {  // the nice number below s
        const double e = std::pow(10.0, std::floor(std::log10(s) + 1e-9));
        const double f = std::round(s / e);
        return f >= 5 ? 2 * e : f >= 2 ? e : 0.5 * e;
    };
    double step = nice_number((hi - lo) / (max_ticks - 1), false);
    while (count(step) > max_ticks) step = nice_number(step * 1.5, false);
    for (int guard = 0; guard < 8 && count(smaller(step)) <= max_ticks; guard++) step = smaller(step);
    const double first = std::ceil(lo / step - 1e-9) * step;
    for (int i = 0;; i++) {
        double v = first + i * step;
        if (v > hi + step * 1e-9) break;
        if (std::fabs(v) < step * 1e-9) v = 0;  // no "-0.00"
        t.values.push_back(v);
        if (i > 1000) break;
    }
    t.step = step;
    t.decimals = decimals_for_step(step);
    return t;
}

Ticks log_ticks(double lo, double hi, int max_ticks) {
    Ticks t;
    if (!(lo > 0) || !(hi > 0) || !std::isfinite(lo) || !std::isfinite(hi)) return nice_ticks(lo, hi, max_ticks);
    if (hi < lo) std::swap(lo, hi);
    max_ticks = std::max(2, max_ticks);
    const int e0 = (int)std::ceil(std::log10(lo) - 1e-9), e1 = (int)std::floor(std::log10(hi) + 1e-9);
    const int decades = e1 - e0 + 1;
    if (decades >= 2) {
        const int every = (decades + max_ticks - 1) / max_ticks;  // thin to max_ticks
        for (int e = e0; e <= e1; e++)
            if ((e - e0) % every == 0) t.values.push_back(std::pow(10.0, e));
        t.decimals = std::max(0, -e0);
        return t;
    }
    // 1-2-5 multiples of the decades that touch the range
    std::vector<double> v;
    for (int e = e0 - 1; e <= e1; e++)
        for (double m : {1.0, 2.0, 5.0}) {
            const double x = m * std::pow(10.0, e);
            if (x >= lo * (1 - 1e-9) && x <= hi * (1 + 1e-9)) v.push_back(x);
        }
    if ((int)v.size() >= 2 && (int)v.size() <= max_ticks) {
        t.values = v;
        double smallest = v.front();
        t.decimals = std::max(0, std::min(9, (int)std::ceil(-std::log10(smallest) - 1e-9)));
        return t;
    }
    return nice_ticks(lo, hi, max_ticks);
}

std::string format_tick(double v, int decimals) {
    char buf[64];
    const double a = std::fabs(v);
    if (v == 0) return "0";
    if (a >= 1e6 && a < 1e9 && decimals == 0) {
        std::snprintf(buf, sizeof buf, "%gM", v / 1e6);
    } else if (a >= 1e4 && a < 1e6 && decimals == 0) {
        std::snprintf(buf, sizeof buf, "%gk", v / 1e3);
    } else if (a >= 1e9 || a < 1e-4 || decimals > 5) {
        std::snprintf(buf, sizeof buf, "%.0e", v);
        // "1e-05" -> keep; two significant digits when needed
        double back = std::strtod(buf, nullptr);
        if (std::fabs(back - v) > 1e-6 * a) std::snprintf(buf, sizeof buf, "%.1e", v);
    } else {
        std::snprintf(buf, sizeof buf, "%.*f", std::max(0, decimals), v);
    }
    return buf;
}

// ============================================================================ ranges and axes

Range auto_range(const std::vector<const std::vector<float>*>& series, bool log, double pad_fraction) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto* s : series) {
        if (!s) continue;
        for (float y : *s) {
            if (!std::isfinite(y) || (log && y <= 0)) continue;
            lo = std::min(lo, (double)y);
            hi = std::max(hi, (double)y);
        }
    }
    if (!(lo <= hi)) return log ? Range{0.1, 1} : Range{0, 1};
    if (log) {
        double a = std::log10(lo), b = std::log10(hi);
        if (b - a < 1e-6) { a -= 0.05; b += 0.05; }
        const double pad = (b - a) * pad_fraction;
        return {std::pow(10.0, a - pad), std::pow(10.0, b + pad)};
    }
    if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
        const double d = std::fabs(lo) > 0 ? std::fabs(lo) * 0.05 : 0.5;
        return {lo - d, hi + d};
    }
    const double pad = (hi - lo) * pad_fraction;
    return {lo - pad, hi + pad};
}

float AxisMap::to_px(double v) const {
    double t;
    if (log) {
        const double l0 = std::log10(lo), l1 = std::log10(hi);
        const double lv = v > 0 ? std::log10(v) : l0;
        t = l1 > l0 ? (lv - l0) / (l1 - l0) : 0.5;
    } else {
        t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    }
    return (float)(p0 + t * (p1 - p0));
}

double AxisMap::from_px(float p) const {
    const double t = p1 != p0 ? (p - p0) / (double)(p1 - p0) : 0.0;
    if (log) {
        const double l0 = std::log10(lo), l1 = std::log10(hi);
        return std::pow(10.0, l0 + t * (l1 - l0));
    }
    return lo + t * (hi - lo);
}

// ============================================================================ smoothing and decimation

void ema_smooth(const float* y, size_t n, float weight, std::vector<float>& out) {
    out.resize(n);
    weight = std::min(0.9999f, std::max(0.0f, weight));
    double s = 0, wpow = 1;  // wpow = w^k after k finite samples
    for (size_t i = 0; i < n; i++) {
        if (!std::isfinite(y[i])) { out[i] = y[i]; continue; }
        s = weight * s + (1.0 - weight) * y[i];
        wpow *= weight;
        out[i] = (float)(s / (1.0 - wpow));
    }
}

void decimate_minmax(const float* x, const float* y, size_t n, double x_lo, double x_hi, int buckets,
                     std::vector<float>& out_x, std::vector<float>& out_y) {
    out_x.clear();
    out_y.clear();
    if (n == 0) return;
    const float* b = std::lower_bound(x, x + n, (float)x_lo);
    const float* e = std::upper_bound(x, x + n, (float)x_hi);
    // keep one point either side so the line reaches the plot's edges
    size_t i0 = (size_t)(b - x), i1 = (size_t)(e - x);
    if (i0 > 0) i0--;
    if (i1 < n) i1++;
    const size_t m = i1 - i0;
    buckets = std::max(1, buckets);
    if (m < (size_t)buckets * 2 || !(x_hi > x_lo)) {
        out_x.assign(x + i0, x + i1);
        out_y.assign(y + i0, y + i1);
        return;
    }
    out_x.reserve((size_t)buckets * 2 + 2);
    out_y.reserve((size_t)buckets * 2 + 2);
    size_t i = i0;
    const double width = (x_hi - x_lo) / buckets;
    while (i < i1) {
        const long bucket = std::lround(std::floor((x[i] - x_lo) / width));
        size_t j = i, imin = i, imax = i;
        while (j < i1 && std::lround(std::floor((x[j] - x_lo) / width)) == bucket) {
            if (y[j] < y[imin]) imin = j;
            if (y[j] > y[imax]) imax = j;
            j++;
        }
        const size_t a = std::min(imin, imax), c = std::max(imin, imax);
        out_x.push_back(x[a]);
        out_y.push_back(y[a]);
        if (c != a) {
            out_x.push_back(x[c]);
            out_y.push_back(y[c]);
        }
        i = j;
    }
}

Histogram histogram(const float* v, size_t n, double lo, double hi, int bins, bool skip_zeros) {
    Histogram h;
    h.lo = lo;
    h.hi = hi > lo ? hi : lo + 1;
    h.counts.assign(std::max(1, bins), 0);
    const double width = (h.hi - h.lo) / h.counts.size();
    for (size_t i = 0; i < n; i++) {
        const float x = v[i];
        if (!std::isfinite(x)) continue;
        h.total++;
        if (x == 0.0f) {
            h.zeros++;
            if (skip_zeros) continue;
        }
        if (x < h.lo || x > h.hi) continue;
        const long b = std::min((long)h.counts.size() - 1, (long)((x - h.lo) / width));
        h.counts[b]++;
        h.counted++;
    }
    return h;
}

long nearest_index(const float* x, size_t n, double xq) {
    if (n == 0) return -1;
    const float* it = std::lower_bound(x, x + n, (float)xq);
    if (it == x + n) return (long)n - 1;
    if (it == x) return 0;
    const long i = (long)(it - x);
    return (xq - x[i - 1] <= x[i] - xq) ? i - 1 : i;
}

}  // namespace noam::viz
