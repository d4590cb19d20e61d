#pragma once
// RedisLink: one connection to Redis, over hiredis plugged into asio (asio_adapter.hpp), that
// a chat node can lean on while Redis comes and goes.
//
// - Commands are argv vectors, sent with redisAsyncCommandArgv: every argument is a length
//   and bytes, so any bytes (a NUL, "\r\n", UTF-8) go through as they are, with no quoting.
// - Each command gets exactly one callback: Redis' reply, or a LINK error (redis_reply.hpp).
//   Replies come in the order the commands were given (Redis answers a connection in order),
//   so many commands can be in flight at once (pipelining) up to `max_in_flight`; beyond it a
//   command is refused at once with "LINK busy", never queued without bound.
// - Every command has a deadline (options.command_timeout, or its own). A Redis that stops
//   answering must not hang its callers: when any command passes its deadline, the
//   connection is considered broken, closed, and every command in flight fails with a LINK
//   error. The link then reconnects.
// - Reconnecting: down -> connecting after a backoff (backoff.hpp: 100 ms doubling to 5 s,
//   with jitter, by default), up once Redis answers a PING. While down, commands fail at once
//   with "LINK down: <why>", so a caller can tell its users instead of waiting. While
//   connecting they are accepted and sent as soon as the connection is made.
// - A blocking command (XREAD BLOCK, BLPOP) occupies its link until Redis answers it: the
//   commands behind it wait for that answer. Give it a link of its own, and a timeout longer
//   than its BLOCK time (BLOCK 5000 -> timeout 5000 ms plus a margin, e.g. 7000 ms).
// - Pub/sub and MONITOR change what a connection means (Redis pushes without being asked)
//   and are refused; this lesson uses Streams instead.
//
// Threads: all of it runs on the thread that runs the io_context, and so does every callback.
// Not thread-safe: call it from that thread (or post to it).
//
// Callbacks: reply callbacks of commands that failed because the link broke or stopped run
// from inside the link (stop(), or the handler that saw the failure), after the state has
// changed; a command refused at once gets its callback posted, never called before command()
// returns. A callback may call command() and stop(), and may destroy the link.

#include "redis/redis_reply.hpp"

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lesson08 {

enum class RedisLinkState {
    stopped,     // not started yet, or stopped: commands are refused ("LINK stopped")
    connecting,  // TCP connect and a first PING under way: commands are accepted
    up,          // Redis answered: commands are sent at once
    down,        // the connection failed or broke; waiting out the backoff before the next try
};

std::string_view to_string(RedisLinkState state) noexcept;

struct RedisLinkOptions {
    std::string host = "127.0.0.1";  // an address or a name (resolved when connecting)
    std::uint16_t port = 6379;
    std::chrono::milliseconds connect_timeout{2000};  // TCP connect plus the first PING's answer
    std::chrono::milliseconds command_timeout{2000};  // for a command that names no timeout
    std::chrono::milliseconds backoff_initial{100};   // first wait after a failure, doubling...
    std::chrono::milliseconds backoff_max{5000};      // ...up to this
    std::size_t max_in_flight = 10'000;               // commands sent and not yet answered
    // While up and idle, a PING this often, so a silent Redis (stopped, or the network gone)
    // is noticed within ping_interval + command_timeout even without traffic. 0: never.
    std::chrono::milliseconds ping_interval{1000};
};

struct RedisLinkStats {
    std::uint64_t commands = 0;  // accepted (sent or queued to send)
    std::uint64_t replies = 0;   // answered by Redis (error replies included)
    std::uint64_t failed = 0;    // failed by the link: timeout, connection lost, stop
    std::uint64_t refused = 0;   // refused at once: down, stopped, busy, unsupported
    std::uint64_t connects = 0;  // times the link came up
    std::uint64_t timeouts = 0;  // connections dropped because a command passed its deadline
};

class RedisLink {
public:
    using ReplyCallback = std::function<void(RedisReply reply)>;
    // state() after the change, and why: the one-line reason for down ("connect to
    // 127.0.0.1:6379: Connection refused", "timeout: no reply to GET within 2000 ms", ...),
    // empty otherwise.
    using StateCallback = std::function<void(RedisLinkState state, const std::string& reason)>;

    RedisLink(asio::io_context& io, RedisLinkOptions options);
    // stop(): pending callbacks get "LINK stopped" from inside the destructor, so declare the
    // link after (destroy it before) what its callbacks use.
    ~RedisLink();
    RedisLink(const RedisLink&) = delete;
    RedisLink& operator=(const RedisLink&) = delete;

    // Called on every change of state, from start() on. Set it before start().
    void on_state_change(StateCallback callback);

    // Starts connecting (reports `connecting` before it returns; a connect that fails at once
    // reports `down` too). Once only: a stopped link stays stopped.
    void start();
    // Closes the connection, fails every command in flight with "LINK stopped" (each callback
    // once, before stop() returns), reports `stopped`, and never reconnects. Idempotent.
    void stop();

    // Sends argv[0] with its arguments. `timeout`: this command's deadline, instead of
    // options.command_timeout (a blocking command needs a longer one).
    void command(const std::vector<std::string>& argv, ReplyCallback callback,
                 std::optional<std::chrono::milliseconds> timeout = std::nullopt);
    // The same for a coroutine: co_await link.command({"GET", "key"}). The coroutine resumes
    // on the io_context (posted, never inside the link).
    [[nodiscard]] asio::awaitable<RedisReply> command(
        std::vector<std::string> argv, std::optional<std::chrono::milliseconds> timeout = std::nullopt);

    RedisLinkState state() const noexcept;
    // Why the link last went down ("" if it never did).
    const std::string& last_error() const noexcept;
    // Commands sent and not answered yet (the link's own PINGs not counted).
    std::size_t in_flight() const noexcept;
    const RedisLinkStats& stats() const noexcept;
    const RedisLinkOptions& options() const noexcept;

private:
    class Impl;
    std::shared_ptr<Impl> impl_;  // shared with the asio handlers in flight
};

}  // namespace lesson08
