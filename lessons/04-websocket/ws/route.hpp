#pragma once
// Which answer an HTTP request gets, decided without sockets: the routing of both WebSocket
// servers of the course (lesson 04's echo server, lesson 05's chat server) in one place, as
// Beast's examples have one handle_request(). A server parses the head (ws/http.hpp), asks
// route_request() what to do, sends the bytes it gets back, and then either closes or speaks
// WebSocket:
//
//   GET / or GET /index.html   200 with the page
//   / with another method      405 Method Not Allowed, with Allow: GET
//   /ws                        the opening handshake (ws/handshake.hpp): 101, or its HTTP error
//   any other path             404 Not Found
//
// The query string is ignored ("/?x=1" is "/"). Every answer but the 101 says Connection: close.

#include "ws/handshake.hpp"
#include "ws/http.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ws {

// What a server serves. The page is built once (with http_ok_response) and shared by every
// Route that serves it: no copy per request.
struct Site {
    std::shared_ptr<const std::string> page;  // the whole response to GET /; required
    ServerHandshakeOptions handshake;         // what GET /ws accepts and offers
};

struct Route {
    enum class Kind {
        page,     // send `response` (the page), then close
        upgrade,  // send `response` (101 Switching Protocols), then speak WebSocket
        refuse,   // send `response` (an HTTP error), then close
    };
    Kind kind = Kind::refuse;
    int status = 0;                               // of the response: 200, 101, or the error
    std::shared_ptr<const std::string> response;  // the bytes to send, whole
    // One line for the server's log: "GET / -> 200 page", "POST / -> 405",
    // "handshake refused: 403 origin not allowed", "bad request: 431 ...".
    std::string summary;
    std::optional<HandshakeResult> handshake;  // for /ws: every check made (--trace), the subprotocol
};

Route route_request(const HttpHead& request, const Site& site);

// The answer to a head the parser refused (HttpParser::error_status() and error_reason()).
Route refuse_bad_request(int status, std::string_view reason);

}  // namespace ws
