#pragma once
// HTTP, SSE and WebSocket as the lesson 07 tests speak them to 07-feed-server: plain TestSocket
// connections, every read with a timeout, the answers parsed just enough to check them. The
// event stream is read with the feed's own SseParser (feed/sse.hpp).

#include "tests/support/test_socket.hpp"

#include "feed/sse.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lesson07::testing {

using course::testing::TestSocket;

struct HttpAnswer {
    int status = 0;
    std::string head;  // status line and fields, up to and with the blank line
    std::string body;
    // The value of the first field `name` (exact case as the server writes it), or "".
    std::string header(std::string_view name) const;
};

// "GET TARGET HTTP/1.1" with Host and `extra_headers` (whole lines), ready to send.
std::string get_request(std::string_view target, std::string_view extra_headers = "");
// "POST /publish" with the body and its Content-Length.
std::string publish_request(std::string_view body, std::string_view extra_headers = "");

// Reads one whole answer (head and Content-Length body) from `socket`; throws on timeout.
HttpAnswer read_answer(TestSocket& socket, std::chrono::milliseconds timeout = std::chrono::seconds(5));
// A new connection, one request, one answer.
HttpAnswer ask(std::uint16_t port, std::string_view request);
// Publishes `text` on a new connection; the id from the 202, or throws.
std::uint64_t publish(std::uint16_t port, std::string_view text);

// The "id" of every event in a JSON array answer, in order.
std::vector<std::uint64_t> event_ids(std::string_view json);

// An event stream: GET TARGET, the 200 head checked, then the events as they come.
class SseStream {
public:
    SseStream(std::uint16_t port, std::string_view target, std::string_view extra_headers = "");
    // The next dispatched event; throws on timeout or if the stream ends.
    feed::SseMessage next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Reads one piece of the stream into the parser (comments are counted there).
    void pump(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // The next `n` events whose event type is "message".
    std::vector<std::uint64_t> next_ids(std::size_t n);
    const feed::SseParser& parser() const noexcept { return parser_; }
    TestSocket& socket() noexcept { return socket_; }
    const std::string& head() const noexcept { return head_; }

private:
    TestSocket socket_;
    std::string head_;
    feed::SseParser parser_;
    std::vector<feed::SseMessage> ready_;
    std::size_t taken_ = 0;
};

}  // namespace lesson07::testing
