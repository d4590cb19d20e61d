// libFuzzer target: the HTTP head parser and the handshake checks (server and client side,
// the client's as the ws::ClientHandshaker state machine).
//
// Oracles besides "no crash, no leak, no undefined behaviour" (ASan+UBSan): the parser must
// reach the same result and the same head whether the input arrives whole or cut into
// pieces (the fuzzer chooses the cuts), and it must never consume more than the head limit.
// Run it with scripts/fuzz.

#include "fuzz_check.hpp"
#include "ws/client_handshake.hpp"
#include "ws/handshake.hpp"
#include "ws/http.hpp"

#include <cstdint>
#include <string>

namespace {

bool same_head(const ws::HttpHead& a, const ws::HttpHead& b) {
    if (a.method != b.method || a.target != b.target || a.status != b.status || a.reason != b.reason ||
        a.version_major != b.version_major || a.version_minor != b.version_minor ||
        a.headers.size() != b.headers.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.headers.size(); ++i) {
        if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) return false;
    }
    return true;
}

// The client's handshake state machine on the same bytes: the same verdict whether the answer
// arrives whole or in pieces, and what follows the head is left exactly as it was.
void check_client_handshaker(const std::string& input, std::size_t chunk, const ws::HttpLimits& limits) {
    const ws::WsUrl url = ws::parse_ws_url("ws://example.com/ws");
    ws::ClientHandshakeOptions options;
    options.subprotocols = {"chat"};
    options.limits = limits;
    ws::ClientHandshaker whole(url, "0123456789abcdef", options);
    std::string_view in = input;
    const auto verdict = whole.receive(in);
    if (verdict == ws::ClientHandshaker::State::waiting)
        FUZZ_CHECK(whole.receive_eof() == ws::ClientHandshaker::State::refused);
    FUZZ_CHECK(whole.state() == ws::ClientHandshaker::State::accepted || !whole.reason().empty());

    ws::ClientHandshaker pieces(url, "0123456789abcdef", options);
    std::size_t at = 0;
    std::string_view rest;
    while (at < input.size() && pieces.state() == ws::ClientHandshaker::State::waiting) {
        rest = std::string_view(input).substr(at, chunk);
        at += rest.size();
        pieces.receive(rest);
    }
    if (pieces.state() == ws::ClientHandshaker::State::waiting) pieces.receive_eof();
    FUZZ_CHECK(pieces.state() == whole.state());
    // A malformed head may be detected a few bytes earlier or later depending on the cuts (as
    // the parser's own check above allows); a complete head must give exactly the same verdict.
    const bool malformed = whole.reason().starts_with("malformed HTTP answer");
    FUZZ_CHECK(malformed == pieces.reason().starts_with("malformed HTTP answer"));
    if (!malformed) {
        FUZZ_CHECK(pieces.reason() == whole.reason());
        FUZZ_CHECK(pieces.answer_bytes() == whole.answer_bytes());
    }
    if (whole.state() == ws::ClientHandshaker::State::accepted) {
        FUZZ_CHECK(std::string(rest) + input.substr(at) == std::string(in));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Byte 0: request (even) or response (odd); byte 1: the piece size; then the bytes.
    if (size < 2) return 0;
    const bool response = (data[0] & 1) != 0;
    const std::size_t chunk = 1 + data[1] % 64;
    const std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);
    const auto kind = response ? ws::HttpParser::Kind::response : ws::HttpParser::Kind::request;
    const ws::HttpLimits limits{.max_head_size = 2048, .max_headers = 16, .max_line = 512};

    ws::HttpParser whole(kind, limits);
    std::string_view in = input;
    const auto result = whole.push(in);
    FUZZ_CHECK(whole.bytes_consumed() <= limits.max_head_size);
    FUZZ_CHECK(result != ws::HttpParser::Result::complete ||
               in.size() == input.size() - whole.bytes_consumed());

    ws::HttpParser pieces(kind, limits);
    auto piece_result = ws::HttpParser::Result::incomplete;
    std::size_t leftover = 0;
    for (std::size_t at = 0; at < input.size() && piece_result == ws::HttpParser::Result::incomplete;
         at += chunk) {
        std::string_view piece = std::string_view(input).substr(at, chunk);
        piece_result = pieces.push(piece);
        leftover = input.size() - std::min(input.size(), at + chunk) + piece.size();
    }
    FUZZ_CHECK(piece_result == result);
    if (response) check_client_handshaker(input, chunk, limits);
    if (result == ws::HttpParser::Result::error) FUZZ_CHECK(pieces.error_status() == whole.error_status());
    if (result != ws::HttpParser::Result::complete) return 0;
    FUZZ_CHECK(same_head(whole.head(), pieces.head()));
    FUZZ_CHECK(leftover == in.size());  // the bytes after the head are left alone either way

    if (response) {
        const auto hs = ws::make_client_handshake("example.com", "/ws", "0123456789abcdef", {"chat"});
        const auto verdict = ws::check_server_response(whole.head(), hs, {"chat"});
        FUZZ_CHECK(verdict.ok || !verdict.reason.empty());
    } else {
        ws::ServerHandshakeOptions options;
        options.allowed_origins = {"http://example.com"};
        options.subprotocols = {"chat", "superchat"};
        const auto decision = ws::evaluate_handshake(whole.head(), options);
        FUZZ_CHECK(decision.accepted() == (decision.status == 101));
        FUZZ_CHECK(decision.accepted() || !decision.reason.empty());
        // Whatever we answer must itself be a well-formed HTTP response.
        ws::HttpParser answer(ws::HttpParser::Kind::response);
        std::string_view bytes = decision.response;
        FUZZ_CHECK(answer.push(bytes) == ws::HttpParser::Result::complete);
        FUZZ_CHECK(answer.head().status == decision.status);
    }
    return 0;
}
