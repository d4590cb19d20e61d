#pragma once
// One client connection of the chat server: the HTTP request, then the WebSocket, as one
// coroutine (run) that reads, and a write queue that the room fills and flush() empties.
//
// Reading: the session waits until its socket is readable, then reads into the server's one
// shared buffer and feeds the bytes to its ws::Connection at once, so an idle connection holds
// no read buffer. Messages are handled as they complete (room.say, rename, who).
//
// Writing: the queue holds shared, already-encoded frames (FramePtr). flush() sends as much as
// the kernel takes with one sendmsg() of up to 256 pieces (a gathered write), and waits for
// the socket to become writable only when the kernel's buffer is full. The connection's own
// frames (pongs, our close) wait in ws::Connection until everything queued before them is sent;
// there a newer ping's pong replaces an unsent one, so a ping flood costs one pong.
//
// Backpressure (common/backpressure.hpp, the policy Redis has for pub/sub clients): the bytes
// waiting for the client, its own frames included, are measured. Past the hard bound it is
// closed at once with 1008; above the soft bound for the soft time, or with nothing written
// for that long, the sweep closes it. Its unsent frames are dropped, so a slow reader costs
// neither memory nor the others' time, while a client that reads through a burst is never
// closed for it. While its socket buffer is full the session does not read from it either
// (as lesson 04 does): a client that does not read can neither flood the room nor pile up
// answers. A newcomer's greeting (101, hello, history, its own join) is exempt: never counted,
// never dropped.
//
// Timeouts: the server's sweep calls on_tick() for every session; a session has no timer.

#include "room.hpp"
#include "server_state.hpp"

#include "ws/connection.hpp"

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lesson05 {

class Session : public Member, public std::enable_shared_from_this<Session> {
public:
    using clock = std::chrono::steady_clock;

    Session(asio::ip::tcp::socket socket, std::shared_ptr<ChatServer::State> server, std::uint64_t id);

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
    enum class Phase { http, open, closing };

    asio::awaitable<void> run(std::shared_ptr<Session> self);
    // The request; the bytes after its head if it opened a WebSocket, else nullopt (answered).
    asio::awaitable<std::optional<std::string>> serve_http();
    asio::awaitable<void> serve_websocket(std::string leftover);
    asio::awaitable<void> drain();
    // Out of the room and the registry, socket closed: the end of every session.
    void finish();
    asio::awaitable<std::size_t> read_some(std::error_code& ec);
    void handle(const ws::Event& event);
    void handle_text(std::string_view text);
    // Moves what ws::Connection queued (pongs, our close) into the write queue once everything
    // before it is sent; false if there was nothing.
    bool take_connection_output();
    void close_with(std::uint16_t code, std::string_view reason);
    // Closes a client that is too slow with 1008, dropping what it has not started to receive.
    void evict(course::Backpressure why);
    void push(FramePtr frame, bool exempt);
    // The bytes the backpressure bounds apply to: the queue without the unsent part of the
    // greeting, plus ws::Connection's own output.
    std::size_t counted_bytes() const noexcept;
    void wait_writable();
    void abort(const char* why);
    std::string label() const;

    asio::ip::tcp::socket socket_;
    std::shared_ptr<ChatServer::State> server_;
    std::uint64_t id_;
    std::optional<ws::Connection> conn_;  // from the handshake on

    std::vector<FramePtr> queue_;   // frames to send; queue_[head_] is the one being sent
    std::size_t head_ = 0;
    std::size_t head_offset_ = 0;   // bytes of queue_[head_] already sent
    std::size_t queued_bytes_ = 0;  // bytes in queue_ not yet sent
    std::uint64_t sent_bytes_ = 0;    // bytes of the queue written to the socket so far
    std::uint64_t greeting_end_ = 0;  // the first greeting_end_ bytes of the queue are exempt
    course::BackpressureMeter meter_;

    Phase phase_ = Phase::http;
    clock::time_point deadline_;    // http and closing phases: when we give up
    clock::time_point last_input_;  // open phase: the last byte from the client
    bool ping_sent_ = false;        // since last_input_
    bool accepting_ = true;         // false once our close is queued: no data frames after it
    bool write_waiting_ = false;    // waiting for the socket to become writable
    bool shutdown_when_flushed_ = false;  // send our FIN after the last queued byte
    bool dead_ = false;             // the socket is closed or failed: stop everything
};

}  // namespace lesson05
