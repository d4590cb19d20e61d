// SHA-1 and Base64, written by hand for the handshake, checked on the published vectors:
// FIPS 180 / RFC 3174 for SHA-1, RFC 4648 section 10 for Base64.

#include "ws/base64.hpp"
#include "ws/sha1.hpp"

#include <gtest/gtest.h>

namespace {

std::string sha1_hex(std::string_view text) { return ws::to_hex(ws::Sha1::hash(text)); }

TEST(Sha1Test, MatchesFips180Vectors) {
    EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    EXPECT_EQ(sha1_hex(std::string(1'000'000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1Test, MatchesRfc3174TestFour) {
    std::string text;
    for (int i = 0; i < 80; ++i) text += "01234567";
    EXPECT_EQ(sha1_hex(text), "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

TEST(Sha1Test, PiecewiseUpdatesGiveTheSameDigestAtEverySplit) {
    // 0..130 bytes crosses the padding boundaries (55, 56, 63, 64 bytes) and two blocks.
    std::string text;
    for (int i = 0; i < 130; ++i) text += static_cast<char>('a' + i % 26);
    for (std::size_t size = 0; size <= text.size(); ++size) {
        const std::string_view message = std::string_view(text).substr(0, size);
        const auto whole = ws::Sha1::hash(message);
        for (std::size_t split = 0; split <= size; split += 7) {
            ws::Sha1 sha;
            sha.update(message.substr(0, split));
            sha.update(message.substr(split));
            ASSERT_EQ(sha.digest(), whole) << "size " << size << " split " << split;
        }
    }
}

TEST(Base64Test, EncodesRfc4648Vectors) {
    EXPECT_EQ(ws::base64_encode(""), "");
    EXPECT_EQ(ws::base64_encode("f"), "Zg==");
    EXPECT_EQ(ws::base64_encode("fo"), "Zm8=");
    EXPECT_EQ(ws::base64_encode("foo"), "Zm9v");
    EXPECT_EQ(ws::base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(ws::base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(ws::base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, DecodesRfc4648Vectors) {
    for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        EXPECT_EQ(ws::base64_decode(ws::base64_encode(text)), text);
    }
}

TEST(Base64Test, RoundTripsEveryByteValue) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    for (std::size_t n = 0; n <= bytes.size(); n += 17) {
        EXPECT_EQ(ws::base64_decode(ws::base64_encode(bytes.substr(0, n))), bytes.substr(0, n));
    }
}

TEST(Base64Test, DecodingRefusesAnythingNotCanonical) {
    EXPECT_FALSE(ws::base64_decode("Zg="));        // length not a multiple of 4
    EXPECT_FALSE(ws::base64_decode("Zg"));         // padding left out
    EXPECT_FALSE(ws::base64_decode("Zm9v YmFy"));  // whitespace
    EXPECT_FALSE(ws::base64_decode("Zg==Zg=="));   // padding in the middle
    EXPECT_FALSE(ws::base64_decode("Zh=="));       // unused bits not zero: a second spelling of "f"
    EXPECT_FALSE(ws::base64_decode("Zm9="));       // the same with one '='
    EXPECT_FALSE(ws::base64_decode("Z==="));
    EXPECT_FALSE(ws::base64_decode("Zm9v-_8="));  // the URL-safe alphabet is another encoding
}

TEST(Base64Test, TheRfc6455SampleKeyIsSixteenBytes) {
    const auto key = ws::base64_decode("dGhlIHNhbXBsZSBub25jZQ==");
    ASSERT_TRUE(key);
    EXPECT_EQ(*key, "the sample nonce");
}

}  // namespace
