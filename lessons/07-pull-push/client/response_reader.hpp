#pragma once
// HTTP/1.1 responses on a persistent connection, read without sockets: the client's side of
// the feed's request framing (feed/request_reader.hpp is the server's). Push every byte a read
// returns; take each response as it completes; bytes after it stay in the input (the next
// answer, or the first bytes of an event stream).
//
// The head is lesson 04's ws::HttpParser (Kind::response). The body (RFC 9112 6.3):
//   - Content-Length: exactly that many bytes, one value of ASCII digits (repeated identical
//     values are one value); more than max_body is an error before a byte of it is read;
//   - 204 and 304: no body;
//   - neither: the body is everything until the server closes (an event stream): push()
//     returns `stream` once the head is read, and the caller reads the rest itself;
//   - Transfer-Encoding (chunked): an error. The feed server never sends it, and a reader that
//     guessed would desynchronise the connection.
// Interim answers (1xx but 101) are skipped, as RFC 9110 15.2 asks; a 101 is an error here (the
// WebSocket handshake is ws_connect's).
//
// After an error the reader consumes nothing more: the caller closes the connection.

#include "ws/http.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace lesson07 {

struct HttpResponse {
    ws::HttpHead head;
    std::string body;
    bool keep_alive = true;  // may the connection carry another request?
};

struct ResponseLimits {
    ws::HttpLimits head;                     // the status line and header fields
    std::size_t max_body = 4 * 1024 * 1024;  // bytes; a poll answer holds at most the server's log
};

class ResponseReader {
public:
    enum class Result {
        incomplete,  // every byte of `input` consumed; more are needed
        response,    // a whole response: take() it; the bytes after it stay in `input`
        stream,      // a head without a length: take() it; the rest of the connection is its body
        error,       // error(); nothing more is consumed
    };

    explicit ResponseReader(ResponseLimits limits = {});

    Result push(std::string_view& input);
    // The completed response (for `stream`, the head and an empty body); the reader starts on
    // the next one.
    HttpResponse take();
    // Has any byte of a response arrived since the last take()?
    bool mid_response() const noexcept { return started_; }
    const std::string& error() const noexcept { return error_; }

private:
    enum class Stage { head, body, done, failed };
    Result fail(std::string reason);
    Result on_head();

    ResponseLimits limits_;
    ws::HttpParser head_parser_;
    Stage stage_ = Stage::head;
    Result done_result_ = Result::response;  // what a done reader says until take(): response or stream
    HttpResponse response_;
    std::size_t body_left_ = 0;
    bool started_ = false;
    std::string error_;
};

}  // namespace lesson07
