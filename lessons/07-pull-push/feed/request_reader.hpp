#pragma once
// HTTP/1.1 requests on a persistent connection, framed without sockets (RFC 9112 6 and 9):
// one connection carries many requests, one after the other, and a client may send the next
// before the answer to the last has arrived (pipelining). Push every byte a read returns;
// take each request as it completes; the bytes of the next one stay in the input.
//
// The head is lesson 04's ws::HttpParser. The body is exactly Content-Length bytes:
//   - no Content-Length: no body (a GET);
//   - Content-Length: one value of ASCII digits (repeated identical values are one value,
//     RFC 9110 8.6); anything else is a 400;
//   - more than max_body: 413, before a byte of the body is read;
//   - Transfer-Encoding (chunked, say): 501, as RFC 9112 6.1 allows for a coding the server
//     does not implement; with Content-Length as well it is a 400 (a smuggling attempt).
// "Expect: 100-continue" (curl sends it before a large body) gets the continue_100 result once:
// the caller sends "HTTP/1.1 100 Continue\r\n\r\n" and pushes on.
//
// After an error the reader consumes nothing more: the caller sends the error and closes.

#include "ws/http.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace feed {

struct Request {
    ws::HttpHead head;
    std::string body;
    bool keep_alive = true;  // may the connection carry another request after this one?
};

struct RequestLimits {
    ws::HttpLimits head;          // 431 / 414 past these
    std::size_t max_body = 4096;  // 413 past this
};

// HTTP/1.1: yes unless "Connection: close". HTTP/1.0: only with "Connection: keep-alive".
bool wants_keep_alive(const ws::HttpHead& head);

class RequestReader {
public:
    enum class Result {
        incomplete,    // every byte of `input` consumed; more are needed
        continue_100,  // the head asked for "100 Continue": send it, then push again
        request,       // a whole request: take() it; bytes after it stay in `input`
        error,         // error_status() and error_reason(); nothing more is consumed
    };

    explicit RequestReader(RequestLimits limits = {});

    Result push(std::string_view& input);
    // The completed request; the reader starts on the next one.
    Request take();

    // Has any byte of the next request arrived? (An idle keep-alive connection has none: the
    // server may close it quietly; one in the middle of a request gets 408.)
    bool mid_request() const noexcept;
    int error_status() const noexcept { return error_status_; }
    const std::string& error_reason() const noexcept { return error_reason_; }
    const RequestLimits& limits() const noexcept { return limits_; }

private:
    enum class Stage { head, body, done, failed };
    Result fail(int status, std::string reason);
    Result start_body();

    RequestLimits limits_;
    ws::HttpParser head_parser_;
    Stage stage_ = Stage::head;
    Request request_;
    std::size_t body_left_ = 0;
    bool continue_pending_ = false;  // Expect: 100-continue not answered yet
    bool started_ = false;           // bytes of the current request have arrived
    int error_status_ = 0;
    std::string error_reason_;
};

}  // namespace feed
