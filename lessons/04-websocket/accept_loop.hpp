#pragma once
// The accept loop of both WebSocket servers (04-ws-server, 05-chat-server): take each new
// connection and hand it to the server, unless the server is full (then an HTTP 503, one
// non-blocking write, and hang up) or stopping (then end). A failed accept (out of file
// descriptors, say) is logged and retried after a pause, never in a busy loop.

#include "common/logger.hpp"

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <cstddef>
#include <functional>
#include <string>

namespace lesson04 {

struct AcceptHooks {
    std::function<bool()> stopping;                            // true once shutdown() was called
    std::function<std::size_t()> open_connections;             // the sessions alive now
    std::function<void(asio::ip::tcp::socket)> start_session;  // a connection within the cap
};

// `acceptor` and `log` must outlive the loop: the hooks keep the server's state alive.
asio::awaitable<void> accept_connections(asio::ip::tcp::acceptor& acceptor, course::Logger& log,
                                         std::size_t max_connections, std::string busy_response,
                                         AcceptHooks hooks);

}  // namespace lesson04
