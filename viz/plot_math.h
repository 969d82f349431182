// The arithmetic behind the plots: axis ranges, "nice" tick positions, linear and log axis mapping,
// exponential-moving-average smoothing, and min/max decimation of long series to one bucket per pixel.
// Pure functions: no ImGui, no GL (tested in tests/viz_unit/).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace noam::viz {

struct Range {
    double lo = 0, hi = 1;
};

// Heckbert's "nice numbers" (Graphics Gems, 1990): the 1, 2, 5 x 10^k closest to x (round) or the
// smallest such number >= x (ceiling).
double nice_number(double x, bool round);

struct Ticks {
    std::vector<double> values;  // ascending, all inside [lo, hi] (up to rounding)
    double step = 0;             // linear ticks: the spacing; log ticks: 0
    int decimals = 0;            // digits after the point that show every tick distinctly
};

// Up to about max_ticks ticks at multiples of a nice step inside [lo, hi].
Ticks nice_ticks(double lo, double hi, int max_ticks);

// Ticks for a log axis (lo, hi > 0): the powers of ten inside the range, thinned to max_ticks; when fewer
// than two decades fit, 1-2-5 multiples; when even those give fewer than two, linear nice ticks.
Ticks log_ticks(double lo, double hi, int max_ticks);

// A tick label: fixed with `decimals` digits, or compact scientific for very large / small magnitudes
// (1e-05, 2.5e+06); thousands get a "k" suffix above 10,000 (12k, 1.5M).
std::string format_tick(double v, int decimals);

// The range covering the finite values of y (only the positive ones when log), padded by pad_fraction of
// the span on each side (in log space for log axes). A flat series gets a small symmetric span. No values:
// {0, 1} (log: {0.1, 1}).
Range auto_range(const std::vector<const std::vector<float>*>& series, bool log, double pad_fraction);

// Maps data values to pixels along one axis, linearly or on log10. p0 is the pixel of lo, p1 of hi
// (p1 < p0 for a y axis that grows upwards). Log axes clamp values <= 0 to lo.
struct AxisMap {
    double lo = 0, hi = 1;
    float p0 = 0, p1 = 1;
    bool log = false;
    float to_px(double v) const;
    double from_px(float p) const;
};

// TensorBoard's smoothing: s_t = w s_{t-1} + (1 - w) y_t, debiased by dividing by 1 - w^(t+1) so the start
// is not pulled towards 0. weight 0 returns y unchanged. Non-finite values are skipped (copied through).
void ema_smooth(const float* y, size_t n, float weight, std::vector<float>& out);

// Reduces a series with ascending x to at most 2 points per bucket (its min and max, in x order) over
// `buckets` equal slices of [x_lo, x_hi]; points outside are dropped. A series with fewer than 2 * buckets
// points inside is copied unchanged. This keeps a 100k-step curve to ~2 points per pixel column.
void decimate_minmax(const float* x, const float* y, size_t n, double x_lo, double x_hi, int buckets,
                     std::vector<float>& out_x, std::vector<float>& out_y);

// A histogram of the finite values of v over `bins` equal bins of [lo, hi] (hi's edge inclusive; values outside
// are not counted). skip_zeros leaves exact zeros out and counts them in *zeros (ReLU's silent units).
struct Histogram {
    double lo = 0, hi = 1;
    std::vector<int> counts;
    size_t counted = 0;   // values in the bins
    size_t zeros = 0;     // exact zeros (counted in the bins unless skip_zeros)
    size_t total = 0;     // values looked at
};
Histogram histogram(const float* v, size_t n, double lo, double hi, int bins, bool skip_zeros);

// Index of the point whose x is nearest to xq in an ascending series; -1 if n == 0.
long nearest_index(const float* x, size_t n, double xq);

}  // namespace noam::viz
