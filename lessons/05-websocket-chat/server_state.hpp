#pragma once
// What the listener, the sweep timer and every Session share. One thread uses it: no locks.

#include "chat_room.hpp"
#include "chat_server.hpp"
#include "protocol.hpp"

#include "ws/route.hpp"

#include "common/logger.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <vector>

namespace lesson05 {

class Session;

struct ChatServer::State {
    State(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, ChatServerConfig c,
          std::shared_ptr<ChatRoom> r, course::Logger& l);

    asio::ip::tcp::acceptor acceptor;
    asio::steady_timer sweep_timer;
    ChatServerConfig config;
    course::Logger& log;
    std::shared_ptr<ChatRoom> room;  // the caller's: lesson 05's Room, lesson 08's ClusterRoom
    // Every live connection, for the sweep and for shutdown. A session removes itself (swap
    // with the last, O(1)) when its coroutine ends.
    std::vector<std::shared_ptr<Session>> sessions;
    // The one read buffer of the server: a session reads into it only when the socket is
    // readable and hands the bytes to its ws::Connection before it waits again, so one thread
    // needs one buffer, not one per connection.
    std::vector<char> read_buffer;
    ws::Site site;        // what GET / (the page, built once) and GET /ws (the Origin rule) serve
    FramePtr ping_frame;  // the keepalive ping, encoded once
    std::uint64_t next_id = 0;
    bool stopping = false;
};

}  // namespace lesson05
