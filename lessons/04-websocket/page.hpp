#pragma once
// The page 04-ws-server sends for GET /: plain HTML and JavaScript (no framework, no CDN) that
// opens ws://HOST:PORT/ws with the browser's own WebSocket API and echoes through it.
//
// The DOM is a contract the browser tests rely on: #status reads exactly "open" while the
// WebSocket is open and "closed" after; #message is the text input, #send sends it as a text
// message and clears it; each message from the server is appended to #log as an element of
// class "received" whose textContent is the message (sent ones get class "sent"). Text from
// the network is inserted with textContent, never as HTML.

#include <string>
#include <string_view>

namespace lesson04 {

std::string_view echo_page_html() noexcept;

// The whole HTTP 200 response carrying the page.
std::string echo_page_response();

}  // namespace lesson04
