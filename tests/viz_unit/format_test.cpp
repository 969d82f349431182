// Number formatting for the panels.
#include <gtest/gtest.h>

#include "format.h"

using namespace noam::viz;

TEST(Format, Count) {
    EXPECT_EQ(format_count(0), "0");
    EXPECT_EQ(format_count(999), "999");
    EXPECT_EQ(format_count(1000), "1,000");
    EXPECT_EQ(format_count(1234567), "1,234,567");
}

TEST(Format, SI) {
    EXPECT_EQ(format_si(12345), "12.3k");
    EXPECT_EQ(format_si(4.5e9), "4.50G");
    EXPECT_EQ(format_si(0.5), "0.50");
    EXPECT_EQ(format_si(999), "999");
    EXPECT_EQ(format_si(113472), "113k");
}

TEST(Format, Duration) {
    EXPECT_EQ(format_duration(3.24), "3.2 s");
    EXPECT_EQ(format_duration(75), "1 min 15 s");
    EXPECT_EQ(format_duration(3725), "1 h 02 min");
}

TEST(Format, Bytes) {
    EXPECT_EQ(format_bytes(512), "512 B");
    EXPECT_EQ(format_bytes(906240), "885 KiB");        // Adam's state for the S model's 113k parameters
    EXPECT_EQ(format_bytes(23296), "22.8 KiB");
    EXPECT_EQ(format_bytes(3300000), "3.15 MiB");
}
