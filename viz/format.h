// Number formatting for the panels: thousands separators, SI suffixes, durations. Pure functions.
#pragma once
#include <cstdint>
#include <string>

namespace noam::viz {

std::string format_count(uint64_t n);             // 1234567 -> "1,234,567"
std::string format_si(double v, int digits = 3);  // 12345 -> "12.3k", 4.5e9 -> "4.50G", 0.5 -> "0.50"
std::string format_duration(double seconds);
std::string format_bytes(uint64_t bytes);          // 512 -> "512 B", 906240 -> "885 KiB", 3.3e6 -> "3.15 MiB"      // 3.2 -> "3.2 s", 75 -> "1 min 15 s", 3725 -> "1 h 02 min"

}  // namespace noam::viz
