#pragma once
// The client's way in, over asio: resolve the URL's host, connect, send the opening handshake
// and read the answer, with a deadline on the whole and a cancel() for Ctrl-C. The protocol
// decisions are the sans-IO ws::ClientHandshaker's; this file only moves its bytes.
//
//   lesson04::WebSocketConnector connector(socket);
//   const lesson04::Connected c = co_await connector.connect(url, options);
//   ws::Connection conn(ws::Role::client);
//   std::string_view in = c.leftover;  // the server may have spoken already: don't lose it
//
// Every asio client of the course uses it: 04-ws-client, 05-chat-client, 04-ws-bench.

#include "ws/client_handshake.hpp"
#include "ws/url.hpp"

#include "common/logger.hpp"

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace lesson04 {

struct ConnectOptions {
    std::string origin;                     // sent as Origin when not empty
    std::vector<std::string> subprotocols;  // offered, in our order of preference
    std::chrono::steady_clock::duration timeout = std::chrono::seconds(10);  // connect + handshake
    std::size_t chunk = 0;          // write the request in pieces of this size (0: whole)
    course::Logger* log = nullptr;  // at --trace: the request, the answer, the checks
};

struct Connected {
    std::string leftover;     // bytes after the answer's head: the start of the first frame
    std::string subprotocol;  // the server's choice, if any
    asio::ip::tcp::endpoint peer;
};

// connect() failed: the message names the step and the cause, in one line for the user.
struct ConnectError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// connect() was ended by cancel() (the user pressed Ctrl-C): not an error to report.
struct ConnectCancelled : std::runtime_error {
    ConnectCancelled() : std::runtime_error("connecting was cancelled") {}
};

class WebSocketConnector {
public:
    explicit WebSocketConnector(asio::ip::tcp::socket& socket);

    // Resolves url.host (a name, an IPv4 or an IPv6 literal), connects the socket (to each
    // address in turn), writes the handshake and reads the answer. Throws ConnectError or
    // ConnectCancelled; on success the socket is an open WebSocket connection.
    // Pass named values, not temporaries: GCC 12 destroys a temporary argument of a coroutine
    // called inside co_await twice (GCC bug 99576).
    asio::awaitable<Connected> connect(ws::WsUrl url, ConnectOptions options);

    // Ends a connect() in progress at once: its pending step fails and it throws
    // ConnectCancelled. Does nothing otherwise. Safe to call from a signal handler's callback.
    void cancel();

    bool connecting() const noexcept { return phase_ != Phase::idle && phase_ != Phase::done; }

private:
    enum class Phase { idle, resolving, connecting, handshaking, done };
    enum class Abort { none, timeout, cancelled };

    asio::awaitable<void> write_request(const std::string& request, std::size_t chunk);
    [[noreturn]] void fail(const std::string& what, const std::error_code& ec) const;
    void abort(Abort why);

    asio::ip::tcp::socket& socket_;
    asio::ip::tcp::resolver resolver_;
    asio::steady_timer deadline_;
    Phase phase_ = Phase::idle;
    Abort abort_ = Abort::none;
    std::chrono::steady_clock::duration timeout_{};
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // see the deadline's handler
};

}  // namespace lesson04
