#pragma once
// The page 07-feed-server sends for GET /: one HTML document with its CSS and JavaScript (no
// framework, no CDN: it works offline), compiled into the binary. Four panels receive the same
// live feed four ways, side by side: polling every N seconds, long polling, EventSource (SSE)
// and WebSocket, each with its latencies, its requests and its bytes, so that a student sees
// polling deliver late and in bursts and push deliver at once. The document carries its own
// Content-Security-Policy (a <meta> element), so whatever headers serve it, it loads nothing
// from anywhere and talks to no server but the one it came from. Its DOM contract and the
// `window.feedPanels` state the browser test reads are written at the top of page.cpp.

#include <string>

namespace lesson07 {

// The whole HTML document, built once.
const std::string& feed_page_html();

}  // namespace lesson07
