// Number formatting.
#include "format.h"

#include <cmath>
#include <cstdio>

namespace noam::viz {

std::string format_count(uint64_t n) {
    std::string s = std::to_string(n), out;
    const int len = (int)s.size();
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out;
}

std::string format_si(double v, int digits) {
    if (!std::isfinite(v)) return v != v ? "nan" : (v > 0 ? "inf" : "-inf");
    static const char* kSuffix[] = {"", "k", "M", "G", "T", "P"};
    double a = std::fabs(v);
    int k = 0;
    while (a >= 999.5 && k < 5) {
        a /= 1000;
        v /= 1000;
        k++;
    }
    // significant digits: 3 -> 1.23, 12.3, 123
    const int int_digits = a >= 100 ? 3 : a >= 10 ? 2 : 1;
    const int decimals = std::max(0, digits - int_digits);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, kSuffix[k]);
    return buf;
}

std::string format_duration(double s) {
    char buf[64];
    if (!(s >= 0)) s = 0;
    if (s < 60) std::snprintf(buf, sizeof buf, "%.1f s", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%d min %02d s", (int)(s / 60), (int)std::fmod(s, 60));
    else std::snprintf(buf, sizeof buf, "%d h %02d min", (int)(s / 3600), (int)std::fmod(s / 60, 60));
    return buf;
}

std::string format_bytes(uint64_t bytes) {
    static const char* kUnit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    int k = 0;
    while (v >= 1023.5 && k < 4) {
        v /= 1024;
        k++;
    }
    char buf[64];
    if (k == 0) std::snprintf(buf, sizeof buf, "%llu B", (unsigned long long)bytes);
    else std::snprintf(buf, sizeof buf, "%.*f %s", v >= 100 ? 0 : v >= 10 ? 1 : 2, v, kUnit[k]);
    return buf;
}

}  // namespace noam::viz
