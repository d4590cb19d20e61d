// Routing (ws/route.hpp): which answer each request gets, byte for byte. Both lessons' servers
// send exactly these bytes.

#include "ws/route.hpp"

#include <gtest/gtest.h>

namespace {

constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 1.3

ws::HttpHead parse(const std::string& bytes) {
    ws::HttpParser parser(ws::HttpParser::Kind::request);
    std::string_view in = bytes;
    EXPECT_EQ(parser.push(in), ws::HttpParser::Result::complete) << parser.error_reason();
    return parser.head();
}

std::string plain(const std::string& request_line) { return request_line + "\r\nHost: localhost\r\n\r\n"; }

std::string upgrade(const std::string& target = "/ws", const std::string& extra_headers = "") {
    return "GET " + target +
           " HTTP/1.1\r\n"
           "Host: localhost\r\n"
           "Upgrade: websocket\r\n"
           "Connection: Upgrade\r\n"
           "Sec-WebSocket-Key: " +
           std::string(sample_key) +
           "\r\n"
           "Sec-WebSocket-Version: 13\r\n" +
           extra_headers + "\r\n";
}

ws::Site site(std::vector<std::string> allowed_origins = {}) {
    return ws::Site{std::make_shared<const std::string>("the page's whole response"),
                    ws::ServerHandshakeOptions{std::move(allowed_origins), {"chat"}}};
}

ws::Route route(const std::string& request, const ws::Site& s = site()) {
    return ws::route_request(parse(request), s);
}

const std::string not_found =
    "HTTP/1.1 404 Not Found\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 27\r\n"
    "Connection: close\r\n"
    "\r\n"
    "no such page: try / or /ws\n";

// ---- the page

TEST(RouteTest, GetRootServesThePageItWasGivenWithoutCopyingIt) {
    const ws::Site s = site();
    const ws::Route r = route(plain("GET / HTTP/1.1"), s);
    EXPECT_EQ(r.kind, ws::Route::Kind::page);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.response, s.page) << "the same shared bytes, built once";
    EXPECT_EQ(r.summary, "GET / -> 200 page");
    EXPECT_FALSE(r.handshake);
}

TEST(RouteTest, IndexHtmlAndAQueryStringAreTheRootToo) {
    for (const char* target : {"/index.html", "/?v=2", "/index.html?x=1&y", "/?"}) {
        const ws::Route r = route(plain(std::string("GET ") + target + " HTTP/1.1"));
        EXPECT_EQ(r.kind, ws::Route::Kind::page) << target;
        EXPECT_EQ(r.summary, std::string("GET ") + target + " -> 200 page");
    }
}

TEST(RouteTest, OtherMethodsOnThePageAre405WithAllowGet) {  // RFC 9110 15.5.6
    for (const std::string method : {"POST", "HEAD", "PUT", "DELETE"}) {
        const ws::Route r = route(plain(method + " / HTTP/1.1"));
        EXPECT_EQ(r.kind, ws::Route::Kind::refuse) << method;
        EXPECT_EQ(r.status, 405);
        EXPECT_EQ(*r.response, ws::http_error_response(405, "only GET here", "Allow: GET\r\n"));
        EXPECT_EQ(r.summary, method + " / -> 405");
    }
}

// ---- everything else

TEST(RouteTest, UnknownPathsAre404) {
    // Paths are compared exactly: case matters, and /ws/ is not /ws.
    for (const char* target : {"/nope", "/favicon.ico", "/ws/", "/WS", "/index.htm", "//", "*"}) {
        const ws::Route r = route(plain(std::string("GET ") + target + " HTTP/1.1"));
        EXPECT_EQ(r.kind, ws::Route::Kind::refuse) << target;
        EXPECT_EQ(r.status, 404) << target;
        EXPECT_EQ(*r.response, not_found) << target;
        EXPECT_EQ(r.summary, std::string("GET ") + target + " -> 404");
    }
    EXPECT_EQ(route(plain("POST /nope HTTP/1.1")).summary, "POST /nope -> 404");
}

TEST(RouteTest, BadRequestCarriesTheParsersStatusAndReason) {
    const ws::Route r = ws::refuse_bad_request(431, "request head larger than 8192 bytes");
    EXPECT_EQ(r.kind, ws::Route::Kind::refuse);
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(*r.response,
              "HTTP/1.1 431 Request Header Fields Too Large\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 36\r\n"
              "Connection: close\r\n"
              "\r\n"
              "request head larger than 8192 bytes\n");
    EXPECT_EQ(r.summary, "bad request: 431 request head larger than 8192 bytes");
}

// ---- the WebSocket endpoint

TEST(RouteTest, ValidUpgradeOnWsIs101WithTheAccept) {  // RFC 6455 4.2.2
    const ws::Route r = route(upgrade());
    EXPECT_EQ(r.kind, ws::Route::Kind::upgrade);
    EXPECT_EQ(r.status, 101);
    EXPECT_EQ(*r.response,
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "\r\n");
    EXPECT_EQ(r.summary, "GET /ws -> 101");
    ASSERT_TRUE(r.handshake);
    EXPECT_TRUE(r.handshake->accepted());
    EXPECT_GE(r.handshake->steps.size(), 6u) << "every check, for --trace";
    EXPECT_EQ(route(upgrade("/ws?token=abc")).kind, ws::Route::Kind::upgrade) << "the query is ignored";
}

TEST(RouteTest, UpgradeUsesTheSitesSubprotocols) {  // RFC 6455 4.2.2 item 5.4
    const ws::Route r = route(upgrade("/ws", "Sec-WebSocket-Protocol: other, chat\r\n"));
    ASSERT_EQ(r.kind, ws::Route::Kind::upgrade);
    EXPECT_EQ(r.handshake->subprotocol, "chat");
    EXPECT_NE(r.response->find("\r\nSec-WebSocket-Protocol: chat\r\n"), std::string::npos) << *r.response;
}

TEST(RouteTest, PlainGetOnWsIsRefusedWith426AndTheHandshakesOwnAnswer) {  // RFC 6455 4.2.1 item 3
    const ws::Route r = route(plain("GET /ws HTTP/1.1"));
    EXPECT_EQ(r.kind, ws::Route::Kind::refuse);
    EXPECT_EQ(r.status, 426);
    EXPECT_EQ(*r.response,
              "HTTP/1.1 426 Upgrade Required\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 67\r\n"
              "Connection: close\r\n"
              "Upgrade: websocket\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "\r\n"
              "this endpoint speaks WebSocket only: Upgrade: websocket is missing\n");
    EXPECT_EQ(r.summary,
              "handshake refused: 426 this endpoint speaks WebSocket only: Upgrade: websocket is missing");
    ASSERT_TRUE(r.handshake);
    EXPECT_EQ(*r.response, r.handshake->response);
}

TEST(RouteTest, PostOnWsIsRefusedByTheHandshakeWith405) {  // RFC 6455 4.2.1 item 1
    const ws::Route r = route(plain("POST /ws HTTP/1.1"));
    EXPECT_EQ(r.status, 405);
    EXPECT_NE(r.response->find("\r\nAllow: GET\r\n"), std::string::npos) << *r.response;
    EXPECT_EQ(r.summary, "handshake refused: 405 the WebSocket handshake must be a GET, not POST");
}

TEST(RouteTest, OriginOutsideTheSitesListIs403) {  // RFC 6455 10.2
    const ws::Site s = site({"http://good.example"});
    EXPECT_EQ(route(upgrade("/ws", "Origin: http://good.example\r\n"), s).kind, ws::Route::Kind::upgrade);
    const ws::Route r = route(upgrade("/ws", "Origin: http://evil.example\r\n"), s);
    EXPECT_EQ(r.kind, ws::Route::Kind::refuse);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.summary, "handshake refused: 403 origin not allowed");
}

TEST(RouteTest, EveryAnswerButTheUpgradeClosesTheConnectionAndStatesItsLength) {
    for (const std::string& request :
         {plain("GET /nope HTTP/1.1"), plain("POST / HTTP/1.1"), plain("GET /ws HTTP/1.1"),
          plain("PUT /ws HTTP/1.1"), upgrade("/ws", "Sec-WebSocket-Version: 8\r\n")}) {
        const ws::Route r = route(request);
        ASSERT_EQ(r.kind, ws::Route::Kind::refuse) << request;
        const std::string& bytes = *r.response;
        const std::size_t body = bytes.find("\r\n\r\n") + 4;
        EXPECT_NE(bytes.find("\r\nConnection: close\r\n"), std::string::npos) << bytes;
        EXPECT_NE(bytes.find("\r\nContent-Length: " + std::to_string(bytes.size() - body) + "\r\n"),
                  std::string::npos)
            << bytes;
        EXPECT_TRUE(bytes.starts_with("HTTP/1.1 " + std::to_string(r.status) + " ")) << bytes;
    }
}

}  // namespace
