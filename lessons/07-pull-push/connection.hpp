#pragma once
// One TCP connection of the feed server. Its life is one coroutine (run) through explicit
// phases, each handled in its own file:
//
//   request     connection_http.cpp: waiting for (the rest of) a request. HTTP/1.1 keeps the
//               connection for the next one; pipelined requests are answered in order, one
//               at a time. Idle here longer than --idle-timeout: closed quietly; in the middle
//               of a request longer than the request timeout: 408, then closed.
//   answering   an answer is queued; the next request is read only once it has gone out, so a
//               client that pipelines without reading holds one answer here, never a pile.
//   long_poll   connection_long_poll.cpp: held in the WaiterSet until an event after its id
//               arrives, the wait passes, or the client leaves (the socket is watched while
//               waiting: a long poll never holds a connection that is gone), then answering.
//   sse         connection_stream.cpp: the event stream, until the client leaves.
//   websocket   connection_stream.cpp: events as text frames, {"after":ID} from the client;
//   closing     our close frame is out, waiting for the client's (RFC 6455 7.1.2);
//   draining    our FIN goes after the last queued byte; what the client still sends is read and
//               dropped until its FIN, at most --close-timeout (never a reset that could destroy
//               our last bytes);
//   done        the socket is closed; finish() takes the connection out of the registry.
//
// Writing (connection_write.cpp, piece.hpp): every byte goes through one write queue of shared
// pieces (common/write_queue.hpp, shared with lesson 05) with the course's slow-consumer policy
// (common/backpressure.hpp). A stream that resumes from the log is fed from the log in batches
// as its queue empties ("catching up"), so resuming 1,000,000 events costs a batch of memory,
// not the whole backlog; it then switches to the live events publish() hands to every stream.
//
// Timeouts, heartbeats, pings and the timed backpressure rules come from the server's sweep
// (on_tick); a connection owns one timer, for its long poll and for waiting on its queue.

#include "piece.hpp"
#include "server_state.hpp"

#include "feed/request_reader.hpp"
#include "feed/response.hpp"
#include "feed/stats.hpp"
#include "ws/connection.hpp"
#include "ws/handshake.hpp"

#include "common/backpressure.hpp"

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace lesson07 {

class Connection : public std::enable_shared_from_this<Connection> {
public:
    using clock = std::chrono::steady_clock;

    Connection(asio::ip::tcp::socket socket, std::shared_ptr<FeedServer::State> server, std::uint64_t id);

    // Starts the coroutine; the connection keeps itself alive until it ends.
    void start();
    // The sweep: timeouts, heartbeats, pings, and the timed rules of the backpressure policy.
    void on_tick(clock::time_point now);
    // Server shutdown (see feed_server.hpp).
    void stop();
    // A long poll's event has arrived (its ticket is out of the WaiterSet already).
    void wake();
    // A new event, for a stream that is live.
    void deliver(const EncodedEvent& event);

    std::size_t registry_index = 0;  // position in State::connections

private:
    enum class Phase { request, answering, long_poll, sse, websocket, closing, draining, done };
    // How a stream gets its events: from the log in batches, or as they are published.
    enum class Feeding { catching_up, live };

    // ---- the life of the connection (connection.cpp)
    asio::awaitable<void> run(std::shared_ptr<Connection> self);
    void enter(Phase next);
    asio::awaitable<std::size_t> read_some(std::error_code& ec);
    asio::awaitable<void> drain();
    void finish();
    void abort(const char* why);
    // The mode this connection counts under in /stats (that of its last request).
    void set_mode(feed::Mode mode);
    std::string label() const;

    // ---- HTTP on a persistent connection (connection_http.cpp)
    // What a request leads to after its immediate answer, if anything: a long poll or a stream.
    struct Handoff {
        enum class Kind { none, long_poll, sse, websocket };
        Kind kind = Kind::none;
        std::optional<std::uint64_t> after;  // long_poll, sse
        std::chrono::milliseconds wait{0};   // long_poll
        bool keep_alive = false;             // long_poll
        std::string response;                // websocket: the 101
    };
    // The keep-alive loop: reads requests and answers them, long polls included, until the
    // connection ends or a request opens a stream, which it returns (for run() to serve).
    asio::awaitable<Handoff> serve_requests();
    // Takes the completed request and answers what can be answered at once. `keep_alive`: may
    // the connection carry another request?
    Handoff take_request(bool& keep_alive);
    // Answers what can be answered at once (plain code, no coroutine), and says what follows.
    Handoff dispatch(const feed::Request& request);
    void respond(feed::Response response, std::uint32_t events = 0);
    void publish_from(const feed::Request& request, bool keep_alive);
    // Until the queued answer has gone out; false if the connection left the answering phase.
    asio::awaitable<bool> wait_sent();
    // The sweep found a request unfinished past the request timeout: 408, then draining.
    void time_out_request();

    // ---- long polling (connection_long_poll.cpp)
    asio::awaitable<void> long_poll(std::optional<std::uint64_t> after, std::chrono::milliseconds wait,
                                    bool keep_alive);
    // Reads while a long poll waits: bytes of a pipelined request are kept, an end of stream
    // or a reset means the client left.
    asio::awaitable<void> watch_for_departure();
    void leave_waiters();

    // ---- SSE and WebSocket (connection_stream.cpp)
    asio::awaitable<void> serve_sse(std::optional<std::uint64_t> after);
    asio::awaitable<void> serve_websocket(std::string response);
    void resume_from(std::optional<std::uint64_t> after);
    // Queues the next batch of the log while catching up (the queue is empty).
    void refill();
    Bytes encode_for_stream(const feed::Event& event) const;
    void handle(const ws::Event& event);
    void close_with(std::uint16_t code, std::string_view reason);

    // ---- the write queue (connection_write.cpp)
    void send(Piece piece);
    void flush();
    void wait_writable();
    // Moves what ws::Connection queued (pongs, our close) behind everything queued so far.
    bool take_websocket_output();
    // A client too slow to read: SSE is ended, WebSocket closed with 1008, HTTP dropped.
    void evict(const std::string& reason);
    void count_sent(const Piece& piece);

    asio::ip::tcp::socket socket_;
    std::shared_ptr<FeedServer::State> server_;
    std::uint64_t id_;
    asio::steady_timer wakeup_;  // the long poll's wait; also "the queue is empty" while answering

    std::unique_ptr<feed::RequestReader> reader_;  // HTTP phases only
    std::string pending_;                          // bytes after the last request (pipelining)
    std::unique_ptr<ws::Connection> conn_;         // the WebSocket phase only
    WriteQueue queue_;

    Phase phase_ = Phase::request;
    feed::Mode mode_ = feed::Mode::other;
    Feeding feeding_ = Feeding::live;
    std::uint64_t cursor_ = 0;                       // streams: the last event id queued
    bool reset_allowed_ = false;                     // catching up: the first batch may start with a reset
    std::optional<feed::WaiterSet::Ticket> ticket_;  // long poll: while in the WaiterSet
    bool departed_ = false;                          // long poll: the client left while waiting
    bool write_waiting_ = false;                     // waiting for the socket to become writable
    bool ping_sent_ = false;                         // websocket: a ping went out since last_input_
    clock::time_point idle_since_;                   // request: when the connection last had nothing to do
    clock::time_point request_started_;              // request: the first byte of the current request
    clock::time_point last_input_;                   // websocket: the last byte from the client
    clock::time_point last_queued_;                  // sse: the last bytes queued (the heartbeat's clock)
    clock::time_point deadline_;                     // closing, draining: when we give up
};

}  // namespace lesson07
