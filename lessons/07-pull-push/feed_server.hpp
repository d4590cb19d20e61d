#pragma once
// Lesson 07: one live feed served four ways by one asio server, on one thread, with C++20
// coroutines: short polling, long polling, Server-Sent Events and WebSocket (see README.md).
//
// The logic is the sans-IO library lesson07_feed (feed/): the event log, SSE, request framing on
// persistent connections, routing, the long-poll waiters, the counters. This server is the I/O
// around it: the listener, one coroutine per TCP connection (connection.hpp), a sweep timer for
// every timeout and keepalive, and the ticker (ticker.hpp) that makes the built-in feed.
//
// shutdown() (SIGINT, SIGTERM, SIGHUP) stops accepting and the ticker, answers waiting long polls
// with what they have and Connection: close, ends SSE streams after what was queued, closes
// WebSockets with 1001 "going away", and lets io.run() return once every connection is gone.

#include "common/backpressure.hpp"
#include "common/logger.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace lesson07 {

struct FeedServerConfig {
    double rate = 1;                                    // ticker events per second; 0: none
    std::size_t log_size = 1000;                        // events kept for resuming
    std::size_t max_connections = 10'000;               // at once; more get HTTP 503
    std::chrono::milliseconds max_wait{30'000};         // longest long poll
    std::chrono::milliseconds heartbeat{15'000};        // SSE comment, WebSocket ping
    std::chrono::milliseconds retry{3'000};             // the SSE retry: hint
    std::chrono::milliseconds idle_timeout{60'000};     // keep-alive connection with no request
    std::chrono::milliseconds request_timeout{10'000};  // to send a whole request once started (408)
    std::chrono::milliseconds close_timeout{3'000};     // to finish closing (WebSocket, our FIN)
    course::BackpressureLimits backpressure;            // when a stream too slow to read is closed
    std::vector<std::string> allowed_origins;           // WebSocket Origin rule; empty: any
};

class FeedServer {
public:
    // Binds and listens at once (a port in use is reported here); accepts once start() is called.
    FeedServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, FeedServerConfig config,
               course::Logger& log);
    ~FeedServer();
    FeedServer(const FeedServer&) = delete;
    FeedServer& operator=(const FeedServer&) = delete;

    asio::ip::tcp::endpoint local_endpoint() const;
    void start();
    void shutdown();

    struct State;  // shared with the connections (server_state.hpp)

private:
    std::shared_ptr<State> state_;
};

}  // namespace lesson07
