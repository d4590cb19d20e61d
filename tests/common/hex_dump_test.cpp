#include "common/hex_dump.hpp"

#include <gtest/gtest.h>

namespace {

TEST(HexDumpTest, ShowsOffsetHexAndPrintableText) {
    EXPECT_EQ(course::hex_dump("recv 6 bytes", std::string_view("hi\0\n\xff~", 6)),
              "recv 6 bytes\n"
              "  0000  68 69 00 0a ff 7e                                 |hi...~|");
}

TEST(HexDumpTest, SixteenBytesPerRowWithAGapAfterEight) {
    const std::string bytes = "0123456789abcdefXY";
    EXPECT_EQ(course::hex_dump("t", bytes),
              "t\n"
              "  0000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
              "  0010  58 59                                             |XY|");
}

TEST(HexDumpTest, EmptyPayloadIsJustTheTitle) { EXPECT_EQ(course::hex_dump("nothing", ""), "nothing"); }

TEST(HexDumpTest, LongPayloadIsCutAndSaysSo) {
    const std::string dump = course::hex_dump("big", std::string(100, 'x'), 32);
    EXPECT_NE(dump.find("  0010  "), std::string::npos);
    EXPECT_EQ(dump.find("  0020  "), std::string::npos);
    EXPECT_NE(dump.find("68 more bytes not shown"), std::string::npos);
}

}  // namespace
