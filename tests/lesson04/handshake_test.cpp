// The opening handshake, server side (each refusal with its status) and client side (each
// check of the server's answer), on RFC 6455's own example; and the plain HTTP responses a
// server sends before it hangs up.

#include "ws/handshake.hpp"
#include "page.hpp"
#include "ws/client_handshake.hpp"

#include <gtest/gtest.h>

namespace {

constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 1.3

ws::HttpHead parse_request(const std::string& bytes) {
    ws::HttpParser parser(ws::HttpParser::Kind::request);
    std::string_view in = bytes;
    EXPECT_EQ(parser.push(in), ws::HttpParser::Result::complete) << parser.error_reason();
    return parser.head();
}

// A valid request, with one header replaced ("" removes it) or one added.
std::string request(const std::string& replace_name = "", const std::string& value = "",
                    const std::string& request_line = "GET /ws HTTP/1.1") {
    std::vector<std::pair<std::string, std::string>> headers{{"Host", "localhost:7004"},
                                                             {"Upgrade", "websocket"},
                                                             {"Connection", "Upgrade"},
                                                             {"Sec-WebSocket-Key", std::string(sample_key)},
                                                             {"Sec-WebSocket-Version", "13"}};
    bool replaced = false;
    std::string out = request_line + "\r\n";
    for (auto& [name, v] : headers) {
        if (name == replace_name) {
            replaced = true;
            if (value.empty()) continue;
            v = value;
        }
        out += name + ": " + v + "\r\n";
    }
    if (!replaced && !replace_name.empty()) out += replace_name + ": " + value + "\r\n";
    return out + "\r\n";
}

ws::HandshakeResult evaluate(const std::string& bytes, ws::ServerHandshakeOptions options = {}) {
    return ws::evaluate_handshake(parse_request(bytes), options);
}

TEST(HandshakeTest, AcceptIsComputedAsInRfc6455) {
    EXPECT_EQ(ws::compute_accept(sample_key), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(HandshakeTest, ExplainsTheAcceptStepByStep) {
    const auto lines = ws::explain_accept(sample_key);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_NE(lines[0].find("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
              std::string::npos);
    EXPECT_NE(lines[1].find("b37a4f2cc0624f1690f64606cf385945b2bec4ea"), std::string::npos);
    EXPECT_NE(lines[2].find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos);
}

TEST(HandshakeTest, AValidRequestGets101WithTheAccept) {
    const auto result = evaluate(request());
    ASSERT_TRUE(result.accepted()) << result.reason;
    EXPECT_EQ(result.response,
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "\r\n");
    EXPECT_GE(result.steps.size(), 6u);
    for (const auto& step : result.steps) EXPECT_NE(step.find("RFC 6455"), std::string::npos) << step;
}

TEST(HandshakeTest, BrowserStyleHeadersAreAccepted) {
    // Firefox: "Connection: keep-alive, Upgrade"; names and the token in any case.
    EXPECT_TRUE(evaluate(request("Connection", "keep-alive, Upgrade")).accepted());
    EXPECT_TRUE(evaluate(request("Upgrade", "WebSocket")).accepted());
    EXPECT_TRUE(evaluate(request("Connection", "upgrade")).accepted());
}

TEST(HandshakeTest, MethodOtherThanGetIs405) {
    const auto result = evaluate(request("", "", "POST /ws HTTP/1.1"));
    EXPECT_EQ(result.status, 405);
    EXPECT_NE(result.response.find("HTTP/1.1 405 Method Not Allowed\r\n"), std::string::npos);
    EXPECT_NE(result.response.find("Allow: GET\r\n"), std::string::npos);
}

TEST(HandshakeTest, Http10Is400) { EXPECT_EQ(evaluate(request("", "", "GET /ws HTTP/1.0")).status, 400); }

TEST(HandshakeTest, MissingHostIs400) { EXPECT_EQ(evaluate(request("Host", "")).status, 400); }

TEST(HandshakeTest, MissingUpgradeIs426WithUpgradeHeader) {
    const auto result = evaluate(request("Upgrade", ""));
    EXPECT_EQ(result.status, 426);
    EXPECT_NE(result.response.find("Upgrade: websocket\r\n"), std::string::npos);
}

TEST(HandshakeTest, ConnectionWithoutUpgradeTokenIs426) {
    EXPECT_EQ(evaluate(request("Connection", "keep-alive")).status, 426);
    EXPECT_EQ(evaluate(request("Connection", "Upgraded")).status, 426);  // a token, not a substring
}

TEST(HandshakeTest, OtherVersionIs426NamingVersion13) {
    const auto result = evaluate(request("Sec-WebSocket-Version", "8"));
    EXPECT_EQ(result.status, 426);
    EXPECT_NE(result.response.find("HTTP/1.1 426 Upgrade Required\r\n"), std::string::npos);
    EXPECT_NE(result.response.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos);
}

TEST(HandshakeTest, MissingVersionIs400) {
    EXPECT_EQ(evaluate(request("Sec-WebSocket-Version", "")).status, 400);
}

TEST(HandshakeTest, KeyThatIsNotBase64Of16BytesIs400) {
    EXPECT_EQ(evaluate(request("Sec-WebSocket-Key", "")).status, 400);
    EXPECT_EQ(evaluate(request("Sec-WebSocket-Key", "not base64!")).status, 400);
    EXPECT_EQ(evaluate(request("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA")).status, 400);      // 15 bytes
    EXPECT_EQ(evaluate(request("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAAA")).status, 400);  // 18 bytes
    EXPECT_EQ(evaluate(request("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZR==")).status,
              400);  // non-canonical
    const auto result = evaluate(request("Sec-WebSocket-Key", "short"));
    EXPECT_NE(result.response.find("HTTP/1.1 400 Bad Request\r\n"), std::string::npos);
    EXPECT_NE(result.response.find("Connection: close\r\n"), std::string::npos);
}

TEST(HandshakeTest, OriginOutsideTheAllowListIs403) {
    ws::ServerHandshakeOptions options;
    options.allowed_origins = {"http://good.example"};
    EXPECT_EQ(evaluate(request("Origin", "http://evil.example"), options).status, 403);
    EXPECT_EQ(evaluate(request(), options).status, 403);  // no Origin at all
    EXPECT_TRUE(evaluate(request("Origin", "http://good.example"), options).accepted());
    EXPECT_TRUE(evaluate(request("Origin", "http://evil.example")).accepted());  // no list: any origin
}

TEST(HandshakeTest, ChoosesTheFirstOfOurSubprotocolsThatTheClientOffers) {
    ws::ServerHandshakeOptions options;
    options.subprotocols = {"chat.v2", "chat.v1"};
    const auto result = evaluate(request("Sec-WebSocket-Protocol", "chat.v1, chat.v2"), options);
    ASSERT_TRUE(result.accepted());
    EXPECT_EQ(result.subprotocol, "chat.v2");
    EXPECT_NE(result.response.find("Sec-WebSocket-Protocol: chat.v2\r\n"), std::string::npos);
    const auto none = evaluate(request("Sec-WebSocket-Protocol", "mqtt"), options);
    ASSERT_TRUE(none.accepted());  // no common subprotocol: accepted without one (RFC 6455 4.2.2)
    EXPECT_EQ(none.response.find("Sec-WebSocket-Protocol"), std::string::npos);
}

TEST(HandshakeTest, ExtensionsOfferedAreNotAccepted) {
    const auto result =
        evaluate(request("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
    ASSERT_TRUE(result.accepted());
    EXPECT_EQ(result.response.find("Sec-WebSocket-Extensions"), std::string::npos);
}

// ---- the responses a server sends before it hangs up

TEST(HttpResponseTest, OkResponseIsTheStatusLineTypeLengthCloseThenTheExtraHeaders) {
    EXPECT_EQ(ws::http_ok_response("text/plain; charset=utf-8", "hi\n", "Cache-Control: no-store\r\n"),
              "HTTP/1.1 200 OK\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 3\r\n"
              "Connection: close\r\n"
              "Cache-Control: no-store\r\n"
              "\r\n"
              "hi\n");
}

TEST(HttpResponseTest, ContentLengthCountsBytesNotCharacters) {  // RFC 9110 8.6
    const std::string response = ws::http_ok_response("text/plain; charset=utf-8", "caf\xC3\xA9");
    EXPECT_NE(response.find("\r\nContent-Length: 5\r\n"), std::string::npos) << response;
    EXPECT_TRUE(response.ends_with("\r\n\r\ncaf\xC3\xA9")) << response;
}

TEST(HttpResponseTest, ErrorResponseHasTheSameShapeWithTheReasonAsItsBody) {
    EXPECT_EQ(ws::http_error_response(405, "only GET here", "Allow: GET\r\n"),
              "HTTP/1.1 405 Method Not Allowed\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 14\r\n"
              "Connection: close\r\n"
              "Allow: GET\r\n"
              "\r\n"
              "only GET here\n");
}

TEST(HttpResponseTest, EchoPageIsServedWithItsSecurityHeaders) {
    const std::string response = lesson04::echo_page_response();
    const std::string head =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Length: " +
        std::to_string(lesson04::echo_page_html().size()) +
        "\r\n"
        "Connection: close\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; connect-src 'self'\r\n"
        "\r\n";
    EXPECT_EQ(response, head + std::string(lesson04::echo_page_html()));
}

// ---- client side

ws::HttpHead parse_response(const std::string& bytes) {
    ws::HttpParser parser(ws::HttpParser::Kind::response);
    std::string_view in = bytes;
    EXPECT_EQ(parser.push(in), ws::HttpParser::Result::complete) << parser.error_reason();
    return parser.head();
}

TEST(ClientHandshakeTest, RequestCarriesTheKeyAndTheRequiredHeaders) {
    const auto hs =
        ws::make_client_handshake("localhost:7004", "/ws", "the sample nonce", {"chat"}, "http://me");
    EXPECT_EQ(hs.key, sample_key);
    EXPECT_EQ(hs.expected_accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    const ws::HttpHead head = parse_request(hs.request);
    EXPECT_TRUE(ws::evaluate_handshake(head, {}).accepted());
    EXPECT_EQ(head.target, "/ws");
    EXPECT_EQ(*head.find("Host"), "localhost:7004");
    EXPECT_EQ(*head.find("Origin"), "http://me");
    EXPECT_EQ(*head.find("Sec-WebSocket-Protocol"), "chat");
}

TEST(ClientHandshakeTest, KeyNeedsSixteenRandomBytes) {
    EXPECT_THROW(ws::make_client_handshake("h", "/", "short"), std::invalid_argument);
}

TEST(ClientHandshakeTest, AcceptsTheServersAnswerOnlyIfEveryCheckPasses) {
    const auto hs = ws::make_client_handshake("h", "/", "the sample nonce");
    const std::string good =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    EXPECT_TRUE(ws::check_server_response(parse_response(good), hs).ok);

    auto refused = [&](const std::string& bytes) {
        return ws::check_server_response(parse_response(bytes), hs);
    };
    const auto not_found = refused("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    EXPECT_FALSE(not_found.ok);
    EXPECT_EQ(not_found.reason, "HTTP 404 Not Found");
    EXPECT_FALSE(refused("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                     .ok);
    EXPECT_FALSE(refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                     .ok);
    EXPECT_FALSE(refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo\r\n\r\n")
                     .ok);
    EXPECT_FALSE(refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                         "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
                     .ok);
    EXPECT_FALSE(refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                         "Sec-WebSocket-Protocol: chat\r\n\r\n")
                     .ok);  // we offered none
}

// ---- the client's handshake as a state machine: bytes in, a verdict out

constexpr std::string_view good_answer =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
constexpr std::string_view first_frame = "\x81\x02hi";  // the server may speak at once

ws::ClientHandshaker sample_handshaker(ws::ClientHandshakeOptions options = {}) {
    return ws::ClientHandshaker(ws::parse_ws_url("ws://localhost:7004/ws"), "the sample nonce",
                                std::move(options));
}

TEST(ClientHandshakerTest, RequestIsTheOneMakeClientHandshakeBuilds) {
    const auto hs = sample_handshaker();
    EXPECT_EQ(hs.key(), sample_key);
    EXPECT_EQ(hs.request(), ws::make_client_handshake("localhost:7004", "/ws", "the sample nonce").request);
    EXPECT_EQ(hs.state(), ws::ClientHandshaker::State::waiting);
}

TEST(ClientHandshakerTest, AcceptsAnAnswerFedOneByteAtATimeAndLeavesTheFirstFrame) {
    const std::string bytes = std::string(good_answer) + std::string(first_frame);
    auto hs = sample_handshaker();
    std::size_t fed = 0;
    while (hs.state() == ws::ClientHandshaker::State::waiting && fed < bytes.size()) {
        std::string_view one = std::string_view(bytes).substr(fed++, 1);
        hs.receive(one);
        ASSERT_TRUE(one.empty()) << "every byte of the head is consumed";
    }
    ASSERT_EQ(hs.state(), ws::ClientHandshaker::State::accepted) << hs.reason();
    EXPECT_EQ(std::string_view(bytes).substr(fed), first_frame) << "the first frame is not touched";
    EXPECT_EQ(hs.answer_bytes(), good_answer);
    EXPECT_EQ(hs.steps().size(), 5u);
}

TEST(ClientHandshakerTest, AcceptsAnAnswerInOnePieceAndLeavesTheFrameInTheInput) {
    const std::string bytes = std::string(good_answer) + std::string(first_frame);
    auto hs = sample_handshaker();
    std::string_view in = bytes;
    EXPECT_EQ(hs.receive(in), ws::ClientHandshaker::State::accepted);
    EXPECT_EQ(in, first_frame);
    std::string_view more = "ignored";
    EXPECT_EQ(hs.receive(more), ws::ClientHandshaker::State::accepted) << "nothing changes after the verdict";
    EXPECT_EQ(more, "ignored");
}

TEST(ClientHandshakerTest, RefusesAnHttpErrorWithItsStatus) {
    auto hs = sample_handshaker();
    std::string_view in = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    EXPECT_EQ(hs.receive(in), ws::ClientHandshaker::State::refused);
    EXPECT_EQ(hs.reason(), "HTTP 404 Not Found");
}

TEST(ClientHandshakerTest, RefusesAWrongAccept) {
    auto hs = sample_handshaker();
    std::string answer(good_answer);
    answer.replace(answer.find("s3pP"), 4, "AAAA");
    std::string_view in = answer;
    EXPECT_EQ(hs.receive(in), ws::ClientHandshaker::State::refused);
    EXPECT_EQ(hs.reason(), "wrong or missing Sec-WebSocket-Accept");
}

TEST(ClientHandshakerTest, RefusesAMalformedAnswer) {
    auto hs = sample_handshaker();
    std::string_view in = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
    EXPECT_EQ(hs.receive(in), ws::ClientHandshaker::State::refused);
    EXPECT_TRUE(hs.reason().starts_with("malformed HTTP answer: ")) << hs.reason();
}

TEST(ClientHandshakerTest, RefusesAnAnswerLongerThanTheHeadLimit) {
    ws::ClientHandshakeOptions options;
    options.limits.max_head_size = 256;
    auto hs = sample_handshaker(options);
    const std::string flood = "HTTP/1.1 101 Switching Protocols\r\n" + std::string(300, 'X');
    std::string_view in = flood;
    EXPECT_EQ(hs.receive(in), ws::ClientHandshaker::State::refused)
        << "a bounded read, whatever the server sends";
}

TEST(ClientHandshakerTest, EndOfStreamBeforeOrDuringTheAnswerIsARefusal) {
    auto silent = sample_handshaker();
    EXPECT_EQ(silent.receive_eof(), ws::ClientHandshaker::State::refused);
    EXPECT_EQ(silent.reason(), "the server closed the connection without answering");
    auto cut = sample_handshaker();
    std::string_view half = good_answer.substr(0, 20);
    EXPECT_EQ(cut.receive(half), ws::ClientHandshaker::State::waiting);
    EXPECT_EQ(cut.receive_eof(), ws::ClientHandshaker::State::refused);
    EXPECT_EQ(cut.reason(), "the server closed the connection in the middle of its answer");
    auto done = sample_handshaker();
    std::string_view whole = good_answer;
    done.receive(whole);
    EXPECT_EQ(done.receive_eof(), ws::ClientHandshaker::State::accepted)
        << "end of stream after the verdict changes nothing";
}

TEST(ClientHandshakerTest, SubprotocolAndOriginAreOfferedAndTheChoiceChecked) {
    ws::ClientHandshakeOptions options;
    options.subprotocols = {"chat", "superchat"};
    options.origin = "http://localhost:7004";
    auto hs = sample_handshaker(options);
    EXPECT_NE(hs.request().find("Sec-WebSocket-Protocol: chat, superchat\r\n"), std::string::npos);
    EXPECT_NE(hs.request().find("Origin: http://localhost:7004\r\n"), std::string::npos);
    std::string answer(good_answer);
    answer.insert(answer.size() - 2, "Sec-WebSocket-Protocol: superchat\r\n");
    std::string_view in = answer;
    EXPECT_EQ(hs.receive(in), ws::ClientHandshaker::State::accepted) << hs.reason();
    EXPECT_EQ(hs.subprotocol(), "superchat");
}

TEST(WsUrlTest, MakesAUrlFromWhatAUserTypesAfterHost) {
    EXPECT_EQ(ws::make_ws_url("localhost", 7004), "ws://localhost:7004/ws");
    EXPECT_EQ(ws::make_ws_url("127.0.0.1", 7005), "ws://127.0.0.1:7005/ws");
    EXPECT_EQ(ws::make_ws_url("::1", 7004), "ws://[::1]:7004/ws");
    EXPECT_EQ(ws::parse_ws_url(ws::make_ws_url("::1", 7004)).host, "::1");
    EXPECT_EQ(ws::make_ws_url("example.com", 80, "/chat"), "ws://example.com:80/chat");
}

TEST(WsUrlTest, ParsesHostPortAndPath) {
    const auto url = ws::parse_ws_url("ws://127.0.0.1:7004/ws?room=1");
    EXPECT_EQ(url.host, "127.0.0.1");
    EXPECT_EQ(url.port, 7004);
    EXPECT_EQ(url.target, "/ws?room=1");
    EXPECT_EQ(url.host_header, "127.0.0.1:7004");
    const auto v6 = ws::parse_ws_url("ws://[::1]:9000");
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 9000);
    EXPECT_EQ(v6.target, "/");
    EXPECT_EQ(v6.host_header, "[::1]:9000");
    EXPECT_EQ(ws::parse_ws_url("ws://example.com/chat").port, 80);
}

TEST(WsUrlTest, RefusesWhatItCannotConnectTo) {
    for (const char* bad : {"http://x/", "wss://x/", "ws://", "ws://:80/", "ws://x:0/", "ws://x:65536/",
                            "ws://x:abc/", "ws://[::1/", "ws://x:/"}) {
        EXPECT_THROW(ws::parse_ws_url(bad), std::invalid_argument) << bad;
    }
}

}  // namespace
