#pragma once
// The page 04-ws-server sends for GET /: plain HTML, CSS and JavaScript in one document (no
// framework, no CDN: it works offline), compiled into the binary. It opens ws://HOST:PORT/ws
// with the browser's own WebSocket API and echoes through it, showing the connection's state
// (with the close code and reason) in a pill. Its DOM contract, which the browser tests rely
// on, is written at the top of page.cpp.

#include <string>
#include <string_view>

namespace lesson04 {

// The page itself (the tests compare it with what the server sends).
std::string_view echo_page_html() noexcept;
// The whole HTTP 200 response carrying the page, with its Content-Security-Policy.
std::string echo_page_response();

}  // namespace lesson04
