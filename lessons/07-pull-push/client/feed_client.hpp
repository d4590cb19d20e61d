#pragma once
// A client that follows the feed in one of its four modes and says what that cost, over asio
// coroutines on one thread. 07-feed-client prints what it delivers; 07-feed-bench runs hundreds
// of them per mode and adds up their counters.
//
//   poll      one keep-alive connection; GET /events?after=ID every `interval`
//   longpoll  one keep-alive connection; GET /events?after=ID&wait=S, asked again at once after
//             each answer
//   sse       GET /sse, read as a stream (feed::SseParser); on a lost connection it reconnects
//             after the server's retry: hint with Last-Event-ID, as a browser's EventSource does
//   ws        lesson 04's WebSocketConnector and ws::Connection; events arrive as text messages;
//             {"after":ID} resumes after a reconnect
//
// Joining: with `after` unset, the client joins at the present: poll and longpoll first ask
// GET /events (the newest event only) to learn where the feed is; sse and ws take live events.
// With `after` set, every mode starts from there, so a benchmark that knows the id before its
// first publish loses nothing, whenever each client's stream is registered by the server.
//
// Every event with an id above the last delivered one goes to the callback, with its latency:
// now (system_clock) - the event's `us`, meaningful on one machine (or with synchronised clocks).
// An id at or below the last is counted as a duplicate and dropped.
//
// Costs are counted at the socket: every byte written and read, HTTP heads included (for the
// WebSocket handshake, which the connector does, the kernel's TCP_INFO counters).
//
// Limits and timeouts: connect (resolve + TCP + for ws the handshake) within connect_timeout;
// an HTTP answer within read_timeout (long polls: wait + read_timeout); an event stream may be
// silent at most stream_idle_timeout (the server's heartbeat comes every 15 s); a poll answer at
// most limits.max_body bytes, an SSE line 64 KiB, a WebSocket message max_message bytes.
// A connection lost after the first one worked is made again after `retry` (sse: the server's
// hint); a first connect that fails, or an answer the client cannot understand, ends run() with
// FeedError.

#include "client/event_json.hpp"
#include "client/response_reader.hpp"

#include "common/logger.hpp"

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ws {
class Connection;
}

namespace lesson04 {
class WebSocketConnector;
}

namespace lesson07 {

enum class FeedMode { poll, long_poll, sse, ws };
// "poll", "longpoll", "sse", "ws" (as --mode and the server's /stats spell them).
std::string_view mode_name(FeedMode mode) noexcept;
std::optional<FeedMode> parse_mode(std::string_view name) noexcept;

struct FeedClientOptions {
    FeedMode mode = FeedMode::poll;
    std::string host = "127.0.0.1";
    std::uint16_t port = 7007;
    std::chrono::milliseconds interval{1000};  // poll: one request per interval
    std::chrono::milliseconds wait{25'000};    // longpoll: the wait= the client asks for
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds read_timeout{10'000};         // an HTTP answer (on top of wait for long polls)
    std::chrono::milliseconds stream_idle_timeout{45'000};  // sse, ws: three missed heartbeats
    std::chrono::milliseconds retry{3000};  // before reconnecting (sse: until the server's hint)
    std::optional<std::uint64_t> after;     // where to start; unset: at the present
    ResponseLimits limits;
    std::size_t max_message = 1024 * 1024;  // ws: the largest message accepted
    course::Logger* log = nullptr;          // connections, reconnects, --trace heads
};

// What following the feed has cost so far, as this client counted it.
struct ClientCounters {
    std::uint64_t requests = 0;        // HTTP requests sent (sse, ws: one per (re)connection)
    std::uint64_t bytes_sent = 0;      // at the socket, heads included
    std::uint64_t bytes_received = 0;  // at the socket, heads included
    std::uint64_t events = 0;          // delivered to the callback
    std::uint64_t duplicates = 0;      // ids at or below the last delivered, dropped
    std::uint64_t connections = 0;     // TCP connections made
    std::uint64_t resets = 0;          // sse "reset" events: the resume point had left the log

    ClientCounters& operator+=(const ClientCounters& o) noexcept;
    ClientCounters operator-(const ClientCounters& o) const noexcept;
};

// run() could not follow the feed: the message says at which step and why.
struct FeedError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class FeedClient {
public:
    using OnEvent = std::function<void(const FeedEvent& event, std::chrono::microseconds latency)>;

    FeedClient(asio::any_io_executor executor, FeedClientOptions options, OnEvent on_event);
    ~FeedClient();
    FeedClient(const FeedClient&) = delete;
    FeedClient& operator=(const FeedClient&) = delete;

    // Follows the feed until stop() (returns normally) or a failure (throws FeedError). The
    // client must outlive the coroutine.
    asio::awaitable<void> run();
    // Ends run() soon, whatever it waits for (connecting included). Safe at any time, twice too.
    void stop();

    enum class State { idle, connecting, following, reconnecting, stopped };
    State state() const noexcept { return state_; }
    // Has it made its first connection and sent its first request (or opened its stream)?
    bool joined() const noexcept { return joined_; }
    std::uint64_t last_id() const noexcept { return last_id_; }
    const ClientCounters& counters() const noexcept { return counters_; }

private:
    asio::awaitable<void> follow();
    asio::awaitable<void> follow_poll();
    asio::awaitable<void> follow_sse();
    asio::awaitable<void> follow_ws();
    asio::awaitable<void> connect_tcp();
    asio::awaitable<HttpResponse> exchange(const std::string& target, std::chrono::milliseconds timeout);
    asio::awaitable<void> write(std::string_view bytes);
    asio::awaitable<std::size_t> read_some();
    asio::awaitable<void> read_response(bool stream_expected);
    asio::awaitable<void> pause(std::chrono::steady_clock::time_point until);
    asio::awaitable<void> write_ws_output();

    std::string request_head(std::string_view target, std::string_view extra_headers) const;
    std::vector<FeedEvent> events_from(const HttpResponse& response, std::string_view target) const;
    HttpResponse last_response_;
    void deliver(const FeedEvent& event);
    void on_joined();  // the first connection works: joined(), and said once
    void set_deadline(std::chrono::steady_clock::duration from_now, const char* what);
    void clear_deadline();
    void on_deadline();
    void close_socket();
    std::chrono::milliseconds retry_delay() const;
    bool lost(const std::exception& e);  // a lost connection to make again (true), or fatal

    asio::any_io_executor executor_;
    FeedClientOptions options_;
    OnEvent on_event_;
    asio::ip::tcp::socket socket_;
    asio::ip::tcp::resolver resolver_;
    asio::steady_timer deadline_;   // the watchdog closes the socket when it expires
    asio::steady_timer pause_;      // the poll interval and the reconnect delay
    const char* waiting_for_ = "";  // what the deadline guards, for the timeout's message
    bool timed_out_ = false;
    bool ping_due_ = false;   // ws: silent for stream_idle_timeout: ask with a ping
    bool ping_sent_ = false;  // ws: and the answer is awaited within read_timeout
    State state_ = State::idle;
    bool joined_ = false;
    bool ever_connected_ = false;
    std::uint64_t last_id_ = 0;
    std::string host_header_;
    ResponseReader responses_;
    std::string input_;  // bytes read but not parsed yet (between the answers of one connection)
    std::vector<char> buffer_;
    std::optional<std::chrono::milliseconds> retry_hint_;  // sse: the server's retry:
    std::unique_ptr<lesson04::WebSocketConnector> connector_;
    std::unique_ptr<ws::Connection> conn_;
    bool writing_ = false;
    ClientCounters counters_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // for the watchdog after destruction
};

}  // namespace lesson07
