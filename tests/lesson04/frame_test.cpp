// Frames byte by byte: RFC 6455 5.7's examples, the length encodings at their boundaries,
// masking a word at a time, and the decoder's checks at the first byte that decides them.

#include "ws_test_helpers.hpp"

#include <gtest/gtest.h>

#include <random>

namespace {

using namespace std::literals;
using lesson04::testing::test_key;
using Status = ws::FrameDecoder::Status;

std::string encode(ws::Opcode opcode, std::string_view payload, bool fin = true,
                   const ws::MaskKey* key = nullptr) {
    std::string out;
    ws::append_frame(out, opcode, payload, fin, key);
    return out;
}

TEST(FrameEncoderTest, MatchesTheExamplesOfRfc6455Section57) {
    EXPECT_EQ(encode(ws::Opcode::text, "Hello"), "\x81\x05Hello"s);
    EXPECT_EQ(encode(ws::Opcode::text, "Hello", true, &test_key),
              "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"s);
    EXPECT_EQ(encode(ws::Opcode::text, "Hel", false), "\x01\x03Hel"s);
    EXPECT_EQ(encode(ws::Opcode::continuation, "lo", true), "\x80\x02lo"s);
    EXPECT_EQ(encode(ws::Opcode::ping, "Hello"), "\x89\x05Hello"s);
    EXPECT_EQ(encode(ws::Opcode::pong, "Hello", true, &test_key),
              "\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"s);
    EXPECT_EQ(encode(ws::Opcode::binary, std::string(256, 'x')).substr(0, 4), "\x82\x7e\x01\x00"s);
    EXPECT_EQ(encode(ws::Opcode::binary, std::string(65536, 'x')).substr(0, 10),
              "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00"s);
}

TEST(FrameEncoderTest, UsesTheMinimalLengthFormAtEachBoundary) {
    struct Case {
        std::uint64_t length;
        std::size_t header;
    };
    for (const Case c : {Case{0, 2}, Case{125, 2}, Case{126, 4}, Case{65535, 4}, Case{65536, 10}}) {
        EXPECT_EQ(ws::frame_header_size(c.length, false), c.header) << c.length;
        EXPECT_EQ(ws::frame_header_size(c.length, true), c.header + 4) << c.length;
        ws::FrameHeader h;
        h.length = c.length;
        std::uint8_t out[ws::max_frame_header_size];
        EXPECT_EQ(ws::encode_frame_header(h, out), c.header);
    }
    ws::FrameHeader huge;
    huge.opcode = 0x1;
    huge.length = 0x0102030405060708ULL;
    std::uint8_t out[ws::max_frame_header_size];
    ASSERT_EQ(ws::encode_frame_header(huge, out), 10u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 10), "\x81\x7f\x01\x02\x03\x04\x05\x06\x07\x08"s);
}

TEST(MaskTest, WordAtATimeEqualsByteAtATimeForEverySizeOffsetAndAlignment) {
    std::mt19937 rng(42);
    std::vector<std::uint8_t> data(80);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    const ws::MaskKey key{0xde, 0xad, 0xbe, 0xef};
    for (std::size_t start = 0; start < 8; ++start) {  // misaligned pointers
        for (std::size_t size = 0; start + size <= 70; ++size) {
            for (std::uint64_t offset = 0; offset < 8; ++offset) {
                auto fast = data;
                auto slow = data;
                ws::apply_mask(fast.data() + start, size, key, offset);
                ws::apply_mask_bytewise(slow.data() + start, size, key, offset);
                ASSERT_EQ(fast, slow) << "start " << start << " size " << size << " offset " << offset;
            }
        }
    }
}

TEST(MaskTest, MaskingInPiecesEqualsMaskingAtOnceAndTwiceIsIdentity) {
    std::string text = "a payload unmasked in pieces of any size must come out the same";
    std::string once = text;
    ws::apply_mask(reinterpret_cast<std::uint8_t*>(once.data()), once.size(), test_key);
    for (std::size_t split = 0; split <= text.size(); ++split) {
        std::string pieces = text;
        auto* p = reinterpret_cast<std::uint8_t*>(pieces.data());
        ws::apply_mask(p, split, test_key, 0);
        ws::apply_mask(p + split, pieces.size() - split, test_key, split);
        ASSERT_EQ(pieces, once) << split;
    }
    ws::apply_mask(reinterpret_cast<std::uint8_t*>(once.data()), once.size(), test_key);
    EXPECT_EQ(once, text);
}

// Decodes everything, `chunk` bytes at a time; returns headers and payload as text.
struct Decoded {
    std::vector<ws::FrameHeader> headers;
    std::vector<std::string> payloads;
    Status last = Status::need_more;
    std::uint16_t error_code = 0;
    std::string error_reason;
};

Decoded decode(std::string_view bytes, bool expect_masked, std::size_t chunk) {
    ws::FrameDecoder decoder(expect_masked);
    Decoded out;
    for (std::size_t at = 0; at < bytes.size() && out.last != Status::error; at += chunk) {
        std::string_view in = bytes.substr(at, chunk);
        for (;;) {
            const auto step = decoder.next(in);
            out.last = step.status;
            if (step.status == Status::need_more || step.status == Status::error) break;
            if (step.status == Status::header) {
                out.headers.push_back(decoder.header());
                out.payloads.emplace_back();
            }
            if (step.status == Status::payload) {
                std::string piece(step.payload);
                ws::apply_mask(reinterpret_cast<std::uint8_t*>(piece.data()), piece.size(),
                               decoder.header().mask, step.offset);
                out.payloads.back() += piece;
            }
        }
    }
    out.error_code = decoder.error_code();
    out.error_reason = decoder.error_reason();
    return out;
}

TEST(FrameDecoderTest, DecodesTheSameFramesWhateverTheChunkSize) {
    std::string stream = encode(ws::Opcode::text, "Hello", true, &test_key) +
                         encode(ws::Opcode::binary, std::string(300, 'b'), false, &test_key) +
                         encode(ws::Opcode::ping, "", true, &test_key) +
                         encode(ws::Opcode::continuation, std::string(70000, 'c'), true, &test_key);
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7},
                                    std::size_t{14}, std::size_t{1000}, stream.size()}) {
        const Decoded d = decode(stream, true, chunk);
        ASSERT_EQ(d.headers.size(), 4u) << chunk;
        EXPECT_EQ(d.payloads[0], "Hello");
        EXPECT_EQ(d.payloads[1], std::string(300, 'b'));
        EXPECT_FALSE(d.headers[1].fin);
        EXPECT_EQ(d.headers[2].opcode, 0x9);
        EXPECT_EQ(d.payloads[2], "");
        EXPECT_EQ(d.payloads[3], std::string(70000, 'c'));
        EXPECT_EQ(d.headers[3].length, 70000u);
        EXPECT_EQ(d.last, Status::need_more);
    }
}

TEST(FrameDecoderTest, AcceptsNonMinimalLengthEncodings) {
    // 5 bytes announced in the 16-bit and in the 64-bit form: wasteful, but legal to receive.
    const std::string sixteen = "\x81\x7e\x00\x05Hello"s;
    const std::string sixty_four = "\x81\x7f\x00\x00\x00\x00\x00\x00\x00\x05Hello"s;
    for (const auto& bytes : {sixteen, sixty_four}) {
        const Decoded d = decode(bytes, false, 1);
        ASSERT_EQ(d.headers.size(), 1u);
        EXPECT_EQ(d.payloads[0], "Hello");
    }
}

TEST(FrameDecoderTest, KeepsTheRawHeaderForTracing) {
    ws::FrameDecoder decoder(true);
    const std::string bytes = encode(ws::Opcode::text, "Hello", true, &test_key);
    std::string_view in = bytes;
    ASSERT_EQ(decoder.next(in).status, Status::header);
    EXPECT_EQ(decoder.raw_header(), "\x81\x85\x37\xfa\x21\x3d"s);
}

struct Violation {
    std::string name;
    std::string bytes;
    bool expect_masked;
    std::size_t decided_at;  // the byte (0-based) that makes it an error
    friend void PrintTo(const Violation& x, std::ostream* os) { *os << x.name; }
};

class FrameViolationTest : public ::testing::TestWithParam<Violation> {};

TEST_P(FrameViolationTest, IsA1002ProtocolErrorAtTheFirstDecidingByte) {
    const Violation& v = GetParam();
    ws::FrameDecoder decoder(v.expect_masked);
    for (std::size_t i = 0; i < v.bytes.size(); ++i) {
        std::string_view in = std::string_view(v.bytes).substr(i, 1);
        Status status = Status::need_more;
        while (!in.empty() && status != Status::error) status = decoder.next(in).status;
        if (i < v.decided_at) {
            ASSERT_NE(status, Status::error)
                << "failed too early, at byte " << i << ": " << decoder.error_reason();
        } else {
            ASSERT_EQ(status, Status::error) << "not failed at byte " << i;
            EXPECT_EQ(decoder.error_code(), 1002);
            EXPECT_STRNE(decoder.error_reason(), "");
            return;
        }
    }
    FAIL() << "never failed";
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6455, FrameViolationTest,
    ::testing::Values(Violation{"UnmaskedClientFrame", "\x81\x05Hello"s, true, 1},                // 5.1
                      Violation{"MaskedServerFrame", "\x81\x85\x37\xfa\x21\x3d\x7f"s, false, 1},  // 5.1
                      Violation{"Rsv1WithoutExtension", "\xc1\x80\x00\x00\x00\x00"s, true, 0},    // 5.2
                      Violation{"Rsv3WithoutExtension", "\x91\x80\x00\x00\x00\x00"s, true, 0},    // 5.2
                      Violation{"ReservedDataOpcode", "\x83\x80\x00\x00\x00\x00"s, true, 0},      // 5.2
                      Violation{"ReservedControlOpcode", "\x8b\x80\x00\x00\x00\x00"s, true, 0},   // 5.2
                      Violation{"FragmentedPing", "\x09\x80\x00\x00\x00\x00"s, true, 0},          // 5.5
                      Violation{"PingOver125Bytes", "\x89\xfe\x00\x7e"s, true, 1},                // 5.5
                      Violation{"CloseWith64BitLength", "\x88\xff"s, true, 1},                    // 5.5
                      Violation{"LengthTopBitSet",
                                "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"s, true,
                                2}),  // 5.2
    [](const auto& test) { return test.param.name; });

TEST(FrameDecoderTest, StaysFailedAfterAnError) {
    ws::FrameDecoder decoder(true);
    std::string bytes = "\x81\x05Hello"s;
    std::string_view in = bytes;
    EXPECT_EQ(decoder.next(in).status, Status::error);
    std::string_view more = "\x81\x80\x00\x00\x00\x00"sv;
    EXPECT_EQ(decoder.next(more).status, Status::error);
}

TEST(FrameNamesTest, CloseCodesAndOpcodesHaveNames) {
    EXPECT_STREQ(ws::opcode_name(0x1), "text");
    EXPECT_STREQ(ws::opcode_name(0x3), "reserved data");
    EXPECT_STREQ(ws::close_code_name(1009), "message too big");
    for (const std::uint16_t valid :
         {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999}) {
        EXPECT_TRUE(ws::is_valid_close_code(valid)) << valid;
    }
    for (const std::uint16_t invalid : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
        EXPECT_FALSE(ws::is_valid_close_code(invalid)) << invalid;
    }
}

}  // namespace
