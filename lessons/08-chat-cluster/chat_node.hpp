#pragma once
// One node of the cluster: lesson 05's server (sessions, page, the WebSocket protocol, untouched)
// running a ClusterRoom, and the two Redis links that feed it:
//
//   commands_  every request of the room (Lua scripts, XRANGE, HVALS); its state is the node's
//              health: GET /healthz answers 200 while it is up, 503 otherwise (HAProxy asks);
//   reads_     the node's reader (read_events): the snapshot when it starts, then XREAD BLOCK
//              from the last id it has seen, for ever. A blocking read holds its connection,
//              so it has one of its own.
//
// A tick every third of the presence TTL renews this node's members and reaps the expired
// ones of any node. shutdown() closes every WebSocket with 1001 (their leaves are appended),
// waits for those requests to be answered (at most the close timeout and a second), then stops
// the links: run() on the io_context then returns.

#include "cluster_room.hpp"
#include "redis_backplane.hpp"

#include "chat_server.hpp"
#include "redis/redis_link.hpp"

#include "common/logger.hpp"

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace lesson08 {

struct ChatNodeConfig {
    lesson05::ChatServerConfig server;
    ClusterRoomConfig room;
    RedisLinkOptions redis;
    std::string prefix = "chat";                  // every key starts with PREFIX: (tests use their own)
    BackplaneOptions backplane;                   // node name, presence TTL, stream cap
    std::chrono::milliseconds read_block{2'000};  // XREAD BLOCK: an idle read returns this often
};

class ChatNode {
public:
    ChatNode(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, ChatNodeConfig config,
             course::Logger& log);
    ~ChatNode();
    ChatNode(const ChatNode&) = delete;
    ChatNode& operator=(const ChatNode&) = delete;

    asio::ip::tcp::endpoint local_endpoint() const { return server_->local_endpoint(); }
    void start();
    void shutdown();

private:
    asio::awaitable<void> read_events();
    asio::awaitable<void> wind_down();
    void on_tick();
    std::optional<ws::Route> healthz(const ws::HttpHead& request) const;

    asio::io_context& io_;
    ChatNodeConfig config_;
    course::Logger& log_;
    RedisKeys keys_;
    RedisLink commands_;
    RedisLink reads_;
    RedisBackplane backplane_;
    std::shared_ptr<ClusterRoom> room_;
    std::unique_ptr<lesson05::ChatServer> server_;
    asio::steady_timer tick_timer_;
    asio::steady_timer retry_timer_;
    bool stopping_ = false;
};

}  // namespace lesson08
