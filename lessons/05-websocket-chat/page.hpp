#pragma once
// The chat page served on GET /: HTML, CSS and JavaScript in one document, no framework, no
// CDN (it works offline), compiled into the binary. The page's DOM contract (the ids and
// classes the browser tests rely on) is written at the top of page.cpp.

#include <string>

namespace lesson05 {

// The whole HTTP 200 response carrying the page (built once by the server).
std::string chat_page_response();

}  // namespace lesson05
