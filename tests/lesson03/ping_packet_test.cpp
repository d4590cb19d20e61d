// The ping datagram, byte by byte, and the size limits of one UDP datagram.

#include "lessons/03-udp/ping_packet.hpp"

#include <gtest/gtest.h>

namespace {

using lesson03::decode_ping;
using lesson03::encode_ping;
using lesson03::payload_size_problem;
using lesson03::ping_problem;
using lesson03::PingPacket;

TEST(PingPacketTest, EncodesMagicSequenceAndTimeBigEndian) {
    const std::string bytes = encode_ping({0x01020304, 0x1122334455667788ULL}, 16);
    const std::string expected(
        "PING"
        "\x01\x02\x03\x04"
        "\x11\x22\x33\x44\x55\x66\x77\x88",
        16);
    EXPECT_EQ(bytes, expected);
}

TEST(PingPacketTest, PadsToTheRequestedSizeWithLetters) {
    const std::string bytes = encode_ping({7, 9}, 45);
    ASSERT_EQ(bytes.size(), 45u);
    EXPECT_EQ(bytes.substr(16), "abcdefghijklmnopqrstuvwxyzabc");
}

TEST(PingPacketTest, ASizeBelowTheHeaderGivesJustTheHeader) {
    EXPECT_EQ(encode_ping({1, 2}, 3).size(), lesson03::ping_header_size);
}

TEST(PingPacketTest, DecodesWhatItEncodes) {
    for (const PingPacket packet :
         {PingPacket{0, 0}, PingPacket{1, 123456789}, PingPacket{0xffffffff, ~0ULL}}) {
        EXPECT_EQ(decode_ping(encode_ping(packet, 64)), packet);
    }
}

TEST(PingPacketTest, RejectsShortDatagramsAndSaysWhy) {
    const std::string bytes = encode_ping({1, 2}, 16);
    EXPECT_FALSE(decode_ping(bytes.substr(0, 15)));
    EXPECT_EQ(ping_problem(""), "too short: 0 bytes, a ping has at least 16");
    EXPECT_EQ(ping_problem(bytes.substr(0, 15)), "too short: 15 bytes, a ping has at least 16");
}

TEST(PingPacketTest, RejectsAWrongMagic) {
    std::string bytes = encode_ping({1, 2}, 16);
    bytes[0] = 'p';
    EXPECT_FALSE(decode_ping(bytes));
    EXPECT_EQ(ping_problem(bytes), "does not start with \"PING\"");
    EXPECT_EQ(ping_problem(encode_ping({1, 2}, 16)), std::nullopt);
}

TEST(PingPacketTest, RandomBytesNeverDecodeUnlessTheyStartWithTheMagic) {
    // A datagram can hold anything: decoding must say yes or no, never read past the end.
    std::uint64_t state = 12345;
    for (int round = 0; round < 5000; ++round) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // a small LCG is enough here
        const std::size_t length = (state >> 33) % 40;
        std::string bytes(length, '\0');
        for (auto& byte : bytes) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            byte = static_cast<char>(state >> 56);
        }
        if (round % 3 == 0 && length >= 4) bytes.replace(0, 4, "PING");
        const bool is_ping = length >= 16 && bytes.compare(0, 4, "PING") == 0;
        EXPECT_EQ(decode_ping(bytes).has_value(), is_ping) << "length " << length;
        EXPECT_EQ(ping_problem(bytes).has_value(), !is_ping);
    }
}

TEST(PingPacketTest, Ipv4LimitIs65507Bytes) {
    EXPECT_EQ(payload_size_problem(0, false), std::nullopt);
    EXPECT_EQ(payload_size_problem(65'507, false), std::nullopt);
    const auto problem = payload_size_problem(65'508, false);
    ASSERT_TRUE(problem);
    EXPECT_NE(problem->find("65508 bytes does not fit in one UDP datagram over IPv4"), std::string::npos)
        << *problem;
    EXPECT_NE(problem->find("the limit is 65507 bytes"), std::string::npos) << *problem;
}

TEST(PingPacketTest, Ipv6LimitIs65527Bytes) {
    EXPECT_EQ(payload_size_problem(65'527, true), std::nullopt);
    const auto problem = payload_size_problem(65'528, true);
    ASSERT_TRUE(problem);
    EXPECT_NE(problem->find("over IPv6: the limit is 65527 bytes"), std::string::npos) << *problem;
}

}  // namespace
