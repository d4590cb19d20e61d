#pragma once
// The page 07-feed-server sends for GET /: plain HTML in one document (no framework, no CDN),
// compiled into the binary.

#include <string>

namespace lesson07 {

// The whole HTML document.
const std::string& feed_page_html();

}  // namespace lesson07
