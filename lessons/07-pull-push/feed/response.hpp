#pragma once
// The feed server's HTTP answers, as bytes. Every answer has Content-Length (so the connection
// can carry the next request) and Cache-Control: no-store (a feed is never the same twice), and
// says whether the connection stays open. The head and the body are counted apart in /stats,
// so an answer says where its head ends.

#include <cstddef>
#include <string>
#include <string_view>

namespace feed {

struct Response {
    std::string bytes;          // head + body
    std::size_t head_size = 0;  // bytes of the head (status line, fields, blank line)
    int status = 0;
};

// "HTTP/1.1 STATUS REASON", Content-Type, Content-Length, Cache-Control: no-store,
// Connection: keep-alive or close, any `extra_headers` (whole lines, each ending in "\r\n"),
// the blank line, the body.
Response http_response(int status, std::string_view content_type, std::string_view body, bool keep_alive,
                       std::string_view extra_headers = {});
// A JSON body ("application/json").
Response json_response(int status, std::string_view json, bool keep_alive);
// An error: text/plain, the reason on one line. `extra_headers` as above (Allow: for a 405).
Response error_response(int status, std::string_view reason, bool keep_alive,
                        std::string_view extra_headers = {});
// The head of an event stream: 200, text/event-stream, no-store, no Content-Length: the body
// is the stream, and it ends when the connection does (RFC 9112 6.3, rule 8).
Response sse_response_head();
// "HTTP/1.1 100 Continue\r\n\r\n".
std::string_view continue_response() noexcept;

}  // namespace feed
