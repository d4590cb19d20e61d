// libFuzzer target: the frame decoder with message assembly (ws::Connection), server or
// client role, the input cut into pieces the fuzzer chooses.
//
// Oracles besides ASan+UBSan: the events must be the same whether the bytes arrive whole or
// in pieces; a text message is valid UTF-8; no message is over the maximum; after an error
// or a close nothing more comes out; and every frame we send back (echoes, pongs, closes)
// decodes cleanly with a peer's Connection. Run it with scripts/fuzz.

#include "fuzz_check.hpp"
#include "ws/connection.hpp"
#include "ws/utf8.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace {

constexpr std::size_t max_message = 4096;  // small, so that 1009 is reachable

struct Seen {
    ws::Event::Kind kind;
    std::string data;
    std::uint16_t code;
    bool operator==(const Seen&) const = default;
};

std::vector<Seen> run(ws::Role role, std::string_view input, std::size_t chunk, std::string* output) {
    ws::Connection conn(role, ws::ConnectionOptions{max_message});
    conn.set_mask_key_source([] { return ws::MaskKey{1, 2, 3, 4}; });
    std::vector<Seen> seen;
    bool finished = false;
    for (std::size_t at = 0; at < input.size(); at += chunk) {
        std::string_view piece = input.substr(at, chunk);
        while (const ws::Event event = conn.receive(piece)) {
            FUZZ_CHECK(!finished);  // nothing after an error or a close
            seen.push_back({event.kind, std::string(event.data), event.code});
            switch (event.kind) {
            case ws::Event::Kind::text:
                FUZZ_CHECK(ws::is_valid_utf8(event.data));
                FUZZ_CHECK(event.data.size() <= max_message);
                conn.send_text(event.data);  // echo, as the server does
                break;
            case ws::Event::Kind::binary:
                FUZZ_CHECK(event.data.size() <= max_message);
                conn.send_binary(event.data);
                break;
            case ws::Event::Kind::close:
            case ws::Event::Kind::error:
                FUZZ_CHECK(conn.should_close_tcp());
                finished = true;
                break;
            default: break;
            }
        }
        FUZZ_CHECK(piece.empty());
    }
    if (output) *output = conn.pending_output();
    return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Byte 0: server (odd) or client (even) role; byte 1: the piece size; then the bytes.
    if (size < 2) return 0;
    const ws::Role role = (data[0] & 1) != 0 ? ws::Role::server : ws::Role::client;
    const std::size_t chunk = 1 + data[1] % 32;
    const std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);

    std::string output;
    const auto whole = run(role, input, input.empty() ? 1 : input.size(), &output);
    FUZZ_CHECK(run(role, input, chunk, nullptr) == whole);

    // What we sent is valid for the other side: decode it as the peer would.
    ws::Connection peer(role == ws::Role::server ? ws::Role::client : ws::Role::server,
                        ws::ConnectionOptions{max_message + 16});
    std::string_view bytes = output;
    while (const ws::Event event = peer.receive(bytes)) {
        FUZZ_CHECK(event.kind != ws::Event::Kind::error);
        if (event.kind == ws::Event::Kind::close) break;
    }
    return 0;
}
