#pragma once
// What the listener, the sweep, the ticker and every Connection share. One thread uses it: no
// locks.

#include "feed_server.hpp"
#include "piece.hpp"
#include "ticker.hpp"

#include "feed/event_log.hpp"
#include "feed/stats.hpp"
#include "feed/waiters.hpp"
#include "ws/handshake.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace lesson07 {

class Connection;

// One event as every push stream sends it, encoded once and shared by all of them.
struct EncodedEvent {
    feed::EventPtr event;
    Bytes sse;        // id: and data: lines
    Bytes websocket;  // one text frame holding its JSON
};
EncodedEvent encode_event(feed::EventPtr event);

struct FeedServer::State {
    State(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, FeedServerConfig c,
          course::Logger& l);

    // Appends an event to the log and delivers it: every waiting long poll is woken, every
    // SSE and WebSocket stream gets the shared bytes.
    feed::EventPtr publish(std::string text);

    asio::ip::tcp::acceptor acceptor;
    asio::steady_timer sweep_timer;
    FeedServerConfig config;
    course::Logger& log;
    feed::EventLog events;
    feed::WaiterSet waiters;
    // The connection of each waiting long poll; it removes its own entry when its wait ends.
    std::unordered_map<feed::WaiterSet::Ticket, Connection*> waiting;
    feed::Stats stats;
    // Every live connection, for the sweep, publish and shutdown. A connection removes itself
    // (swap with the last, O(1)) when its coroutine ends.
    std::vector<std::shared_ptr<Connection>> connections;
    // The one read buffer of the server: a connection reads into it only when its socket is
    // readable and consumes the bytes before it waits again (one thread, one buffer).
    std::vector<char> read_buffer;
    ws::ServerHandshakeOptions handshake;  // what GET /ws accepts (the Origin rule)
    Bytes ping_frame;                      // the WebSocket keepalive, encoded once
    Bytes heartbeat;                       // the SSE comment, encoded once
    Ticker ticker;
    std::uint64_t next_id = 0;
    bool stopping = false;
};

}  // namespace lesson07
