#pragma once
// Helpers for the lesson 04 tests: build frames byte by byte, feed a ws::Connection in pieces
// of any size, and describe the events that come out as plain strings that read well in a
// failed EXPECT ("text:hello", "error 1002:client frame not masked").

#include "ws/connection.hpp"
#include "ws/frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace lesson04::testing {

inline constexpr ws::MaskKey test_key{0x37, 0xfa, 0x21, 0x3d};  // RFC 6455 5.7's example key

// A whole frame as a client sends it (masked with test_key), or as a server does (mask == false).
// The masking is done here, byte by byte as RFC 6455 5.3 states it, not with ws::apply_mask: the
// frames the tests feed must not depend on the code they test (a mask that forgot the key's
// rotation would otherwise unmask its own mistakes), and some are built before main() runs, as
// test parameters, where a failing apply_mask would stop the listing of every test.
inline std::string frame(ws::Opcode opcode, std::string_view payload, bool fin = true, bool mask = true) {
    std::string out;
    ws::append_frame(out, opcode, payload, fin, nullptr);  // the header and the payload as is
    if (!mask) return out;
    const std::size_t header_size = ws::frame_header_size(payload.size(), false);
    out[1] = static_cast<char>(out[1] | 0x80);  // the MASK bit
    out.insert(header_size, reinterpret_cast<const char*>(test_key.data()), test_key.size());
    for (std::size_t i = 0; i < payload.size(); ++i)
        out[header_size + 4 + i] = static_cast<char>(payload[i] ^ static_cast<char>(test_key[i % 4]));
    return out;
}
inline std::string client_text(std::string_view text, bool fin = true) {
    return frame(ws::Opcode::text, text, fin);
}

// A close frame's body: the code in network byte order, then the reason.
inline std::string close_body(std::uint16_t code, std::string_view reason = {}) {
    std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    body += reason;
    return body;
}

inline std::string describe(const ws::Event& event) {
    switch (event.kind) {
    case ws::Event::Kind::close: return "close " + std::to_string(event.code) + ":" + std::string(event.data);
    case ws::Event::Kind::error: return "error " + std::to_string(event.code) + ":" + std::string(event.data);
    default: return std::string(ws::event_kind_name(event.kind)) + ":" + std::string(event.data);
    }
}

// Feeds `bytes` in pieces of `chunk` bytes (0: all at once) and describes every event.
inline std::vector<std::string> feed(ws::Connection& conn, std::string_view bytes, std::size_t chunk = 0) {
    std::vector<std::string> events;
    if (chunk == 0) chunk = bytes.size() == 0 ? 1 : bytes.size();
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        std::string_view piece = bytes.substr(at, chunk);
        while (const ws::Event event = conn.receive(piece)) events.push_back(describe(event));
        EXPECT_TRUE(piece.empty()) << "receive() must consume all input";
    }
    return events;
}

// What the connection queued to send, taken out of its outbox.
inline std::string take_output(ws::Connection& conn) {
    std::string out(conn.pending_output());
    conn.consume_output(out.size());
    return out;
}

// Reads server frames (unmasked) from `bytes`, described as "text:..." "close 1002:...".
inline std::vector<std::string> server_frames(std::string_view bytes) {
    ws::Connection client(ws::Role::client);
    client.set_mask_key_source([] { return test_key; });
    std::vector<std::string> out;
    while (const ws::Event event = client.receive(bytes)) out.push_back(describe(event));
    return out;
}

}  // namespace lesson04::testing
