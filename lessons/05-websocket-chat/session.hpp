#pragma once
// One client connection of the chat server. Its life is one coroutine (run) through explicit
// states, each with the file that handles it:
//
//   http      serve_http (session_http.cpp): read the request head, with a size limit and
//             the handshake timeout, and route it (lesson 04's ws::route_request). The page
//             or an HTTP error is queued and the session goes to draining; an accepted
//             handshake is handed over, as Beast's http_session hands its socket and request
//             to a websocket_session, to
//   open      serve_websocket (session_websocket.cpp): the 101, the room's greeting, then
//             messages both ways, until a close frame is sent or received:
//   closing   no chat frames any more; waiting for the closing handshake to complete
//             (RFC 6455 7.1.2), at most close_timeout;
//   draining  drain (session.cpp): our FIN goes after the last queued byte, and what the
//             client still sends is read and dropped until its FIN, at most close_timeout;
//   done      the socket is closed: finish() takes the session out of the room and the registry.
//
// A session only moves forward through these states (enter()); any of them can jump to done
// (the client went away, a timeout, a write failed).
//
// The stream (stream.hpp): the session reads and writes through a Stream, plain TCP here, TLS in
// lesson 09, never through a socket; a TLS handshake comes first, within the handshake timeout.
//
// Reading: the session waits until its socket is readable, then reads into the server's one
// shared buffer and feeds the bytes to its ws::Connection at once, so an idle connection holds
// no read buffer. Messages are handled as they complete (room.say, rename, who).
//
// Writing (session_write.cpp): every byte goes through one write queue (common/write_queue.hpp,
// shared with lesson 07) of shared, already-encoded frames (FramePtr). flush() sends as much as
// the kernel takes with one sendmsg() of up to 256 pieces (a gathered write), and waits for the
// socket to become writable only when the kernel's buffer is full. The connection's own frames
// (pongs, our close) wait in ws::Connection until everything queued before them is sent; there
// a newer ping's pong replaces an unsent one, so a ping flood costs one pong. The HTTP answers
// go through the same queue.
//
// Backpressure (common/backpressure.hpp, the policy Redis has for pub/sub clients): the bytes
// waiting for the client, its own frames included, are measured by the queue. Past the hard
// bound it is closed at once with 1008; above the soft bound for the soft time, or with nothing
// written for that long, the sweep closes it. Its unsent frames are dropped, so a slow reader
// costs neither memory nor the others' time, while a client that reads through a burst is never
// closed for it. While its socket buffer is full the session does not read from it either
// (as lesson 04 does): a client that does not read can neither flood the room nor pile up
// answers. A newcomer's greeting (101, hello, history, its own join) is the queue's exempt
// prefix: never counted, never dropped.
//
// Timeouts: the server's sweep calls on_tick() for every session; a session has no timer.

#include "chat_room.hpp"
#include "server_state.hpp"
#include "stream.hpp"

#include "ws/connection.hpp"

#include "common/write_queue.hpp"

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace lesson05 {

class Session : public Member, public std::enable_shared_from_this<Session> {
public:
    using clock = std::chrono::steady_clock;

    Session(std::shared_ptr<Stream> stream, std::shared_ptr<ChatServer::State> server, std::uint64_t id);

    // Starts the coroutine; the session keeps itself alive until it ends.
    void start();
    // Called by the sweep: timeouts, keepalive pings, and the timed rules of the backpressure policy.
    void on_tick(clock::time_point now);
    // Server shutdown: a WebSocket is closed with 1001 after what is queued, the rest dropped.
    void stop();

    bool enqueue(const FramePtr& frame, bool exempt = false) override;
    void flush() override;

    std::size_t registry_index = 0;  // position in State::sessions

private:
    enum class State { http, open, closing, draining, done };  // in this order (see above)
    using WriteQueue = course::WriteQueue<FramePtr>;

    // What serve_http hands to serve_websocket once the handshake is accepted.
    struct Upgrade {
        FramePtr response;     // the 101, the first bytes of the greeting
        std::string leftover;  // bytes that came after the request head: the first frames
    };

    // ---- the life of the connection (session.cpp)
    asio::awaitable<void> run(std::shared_ptr<Session> self);
    // The next state, and the deadline that comes with it (handshake or close timeout).
    void enter(State next);
    asio::awaitable<void> drain();
    // Out of the room and the registry, socket closed: the end of every session.
    void finish();
    // Closes the socket at once (logging `why` if given): done.
    void abort(const char* why);
    // The bytes that arrived (valid until the next read), through the stream.
    asio::awaitable<std::string_view> read_some(std::error_code& ec);
    std::string label() const;

    // ---- the HTTP phase (session_http.cpp)
    // The request, routed; the hand-off if it opened a WebSocket, else nullopt (answer queued,
    // or the client gone).
    asio::awaitable<std::optional<Upgrade>> serve_http();

    // ---- the WebSocket phase (session_websocket.cpp)
    asio::awaitable<void> serve_websocket(Upgrade upgrade);
    void handle(const ws::Event& event);
    void handle_text(std::string_view text);
    // Queues our close frame (it waits in ws::Connection until everything queued before it is
    // sent): closing.
    void close_with(std::uint16_t code, std::string_view reason);

    // ---- writing (session_write.cpp)
    // ws::Connection's own frames (pongs, our close), which wait there but count toward the bounds.
    std::size_t connection_output() const noexcept;
    // Moves what ws::Connection queued into the write queue once everything before it is sent;
    // false if there was nothing.
    bool take_connection_output();
    // Closes a client that is too slow with 1008, dropping what it has not started to receive.
    void evict(course::Backpressure why);
    void wait_writable();

    std::shared_ptr<Stream> stream_;  // shared: a TLS stream's own writes keep it alive
    std::shared_ptr<ChatServer::State> server_;
    std::uint64_t id_;
    std::optional<ws::Connection> conn_;  // from the handshake on

    WriteQueue queue_;  // the greeting is its exempt prefix

    State state_ = State::http;
    clock::time_point deadline_;    // http, closing and draining: when we give up
    clock::time_point last_input_;  // open: the last byte from the client
    // Two flags that are not steps of the connection's life but the state of one part of it:
    bool ping_sent_ = false;      // keepalive (open only): a ping went out since last_input_
    bool write_waiting_ = false;  // the writer (any state): waiting for the socket to become writable
};

}  // namespace lesson05
