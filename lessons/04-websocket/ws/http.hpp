#pragma once
// The HTTP/1.1 message head that opens a WebSocket connection (RFC 9112, RFC 6455 4), parsed
// without sockets: push whatever a read returned, as often as needed, until the parser says
// complete or error.
//
// The same parser reads a request (the server's side) or a response (the client's side). It
// reads only the head: the request line or status line, the header fields, the blank line.
// Bytes after the blank line are left in the caller's input untouched: on the client they are
// the server's first WebSocket frame, which must not be lost.
//
// Strict where strictness protects the server, lenient where real clients differ:
// - a line may end in CRLF or a bare LF (RFC 9112 2.2 allows recognising LF); a bare CR is an error;
// - header names are tokens and compared case-insensitively; whitespace around values is
//   trimmed; whitespace before the colon and obsolete line folding are refused (RFC 9112 5);
// - the head has a size limit and a header count limit: past either, the error is 431.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ws {

struct HttpHeader {
    std::string name;
    std::string value;
};

struct HttpHead {
    // Request line: METHOD TARGET HTTP/x.y
    std::string method;
    std::string target;
    // Status line: HTTP/x.y CODE REASON
    int status = 0;
    std::string reason;

    int version_major = 0;
    int version_minor = 0;
    std::vector<HttpHeader> headers;

    // The first field with this name (any case), or nullptr.
    const std::string* find(std::string_view name) const noexcept;
    std::size_t count(std::string_view name) const noexcept;
    // Does any field `name` hold `token` in its comma-separated list (any case)? This is how
    // "Connection: keep-alive, Upgrade" (Firefox) is understood to contain "Upgrade".
    bool has_token(std::string_view name, std::string_view token) const;
};

struct HttpLimits {
    std::size_t max_head_size = 8192;  // request line + headers, bytes (431 past this)
    std::size_t max_headers = 64;      // header fields (431 past this)
    std::size_t max_line = 4096;       // one request line (414 past this) or header line (431)
};

class HttpParser {
public:
    enum class Kind { request, response };
    enum class Result { incomplete, complete, error };

    explicit HttpParser(Kind kind, HttpLimits limits = {});

    // Consumes bytes from the front of `input` up to the end of the head. Returns complete
    // once the blank line has been read (what follows stays in `input`), error for a malformed
    // head, incomplete if more bytes are needed. After complete or error it consumes nothing.
    Result push(std::string_view& input);

    const HttpHead& head() const noexcept { return head_; }
    HttpHead& head() noexcept { return head_; }
    // For Result::error: the HTTP status to answer with (400, 414 or 431) and why.
    int error_status() const noexcept { return error_status_; }
    const std::string& error_reason() const noexcept { return error_reason_; }
    std::size_t bytes_consumed() const noexcept { return consumed_; }

private:
    Result fail(int status, std::string reason);
    Result parse_line(std::string_view line);
    bool parse_start_line(std::string_view line);
    bool parse_header_line(std::string_view line);

    Kind kind_;
    HttpLimits limits_;
    HttpHead head_;
    std::string line_;  // the current line so far
    std::size_t consumed_ = 0;
    bool have_start_line_ = false;
    Result result_ = Result::incomplete;
    int error_status_ = 0;
    std::string error_reason_;
};

// ASCII case-insensitive equality, as HTTP compares names and many tokens.
bool iequals(std::string_view a, std::string_view b) noexcept;
// The comma-separated elements of a header value, each trimmed of spaces and tabs, empty
// elements dropped ("a, ,b" gives "a", "b").
std::vector<std::string_view> split_tokens(std::string_view value);
// "Bad Request" for 400, and so on (RFC 9110 15), for the statuses the course's servers use;
// "Unknown" for any other.
const char* http_reason_phrase(int status) noexcept;

}  // namespace ws
