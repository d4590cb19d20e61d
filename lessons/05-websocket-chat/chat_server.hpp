#pragma once
// Lesson 05: a multi-client WebSocket chat on asio, one thread, C++20 coroutines, on lesson 04's
// protocol core (ws::Connection, the handshake, the frame codec).
//
// GET / serves the chat page (page.hpp); GET /ws opens a WebSocket that joins the one room, which
// the caller gives (chat_room.hpp: lesson 05's Room in room.hpp, or lesson 08's ClusterRoom). Each connection
// is a Session (session.hpp): one coroutine that reads, and a write queue of shared frames flushed with one
// gathered write. A single timer sweeps all sessions for timeouts and keepalive pings, so an idle connection
// costs one suspended coroutine, a socket and a few hundred bytes: no timer, no buffer of its own.
//
// shutdown() (SIGINT, SIGTERM, SIGHUP) stops accepting, closes every WebSocket with 1001 "going away"
// after what was queued for it, and lets run() on the io_context return once all are gone.

#include "chat_room.hpp"
#include "stream.hpp"

#include "ws/http.hpp"
#include "ws/route.hpp"

#include "common/backpressure.hpp"
#include "common/logger.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lesson05 {

struct ChatServerConfig {
    std::size_t max_message = 64 * 1024;                  // bytes per client message (1009 past it)
    std::size_t max_connections = 10'000;                 // at once; more get HTTP 503
    course::BackpressureLimits backpressure;              // when a client too slow to read is closed (1008)
    std::vector<std::string> allowed_origins;             // empty: any Origin (see README: CSWSH)
    std::chrono::milliseconds handshake_timeout{10'000};  // to send the whole HTTP request
    std::chrono::milliseconds ping_interval{30'000};      // silence before we ping
    std::chrono::milliseconds idle_timeout{75'000};       // silence (no pong either) before we drop
    std::chrono::milliseconds close_timeout{3'000};       // for the peer's close and FIN
    // Asked first for every HTTP request: an answer for paths the chat does not serve (lesson
    // 08's GET /healthz), or nullopt for the usual routing (ws::route_request).
    std::function<std::optional<ws::Route>(const ws::HttpHead&)> extra_route;
    // The stream of each accepted connection (stream.hpp): empty for plain TCP; lesson 09's TLS.
    StreamFactory make_stream;
};

class ChatServer {
public:
    // Binds and listens at once (a port in use is reported here); accepts once start() is called.
    // The room is shared with the caller, which may keep using it (lesson 08 feeds it events).
    ChatServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, ChatServerConfig config,
               std::shared_ptr<ChatRoom> room, course::Logger& log);
    ~ChatServer();
    ChatServer(const ChatServer&) = delete;
    ChatServer& operator=(const ChatServer&) = delete;

    asio::ip::tcp::endpoint local_endpoint() const;
    void start();
    void shutdown();
    // Connections open now (HTTP or WebSocket); after shutdown(), 0 once every one has closed.
    std::size_t connections() const noexcept;

    struct State;  // shared with the sessions (server_state.hpp)

private:
    std::shared_ptr<State> state_;
};

}  // namespace lesson05
