#pragma once
// One load generator connection, tcp:// (lines), ws:// (WebSocket text messages) or wss:// (the
// same over TLS), driven by asio callbacks on the io_context of the thread that owns it.
//
// Reading waits for readability and then drains the socket into the thread's scratch buffer
// until the kernel has nothing more (asio's epoll is edge-triggered, so stopping early would
// lose the wake-up): 10,000 idle connections then cost the load generator no buffers.
//
// start() connects, does the WebSocket handshake if any, and calls on_open; from then on every
// message received goes to on_message (a view valid during the call only), and send() queues a
// message. Writes are batched: whatever is queued while a write is in flight goes out in the
// next one, with one gathered buffer, so a window of 16 small messages costs one system call,
// not 16. The two buffers swap and keep their capacity: no allocation per message once warm.
//
// TCP messages are lines: send() appends "\n", and replies are cut with the common
// LineSplitter. WebSocket messages are text frames masked with a fresh key each (RFC 6455 5.3)
// by lesson 04's encoder, a machine word at a time; incoming frames go through lesson 04's
// ws::Connection, which also answers the server's pings by itself.
//
// wss:// puts asio::ssl::stream over the same socket: after the TCP connect comes the TLS
// handshake (tls_client.hpp: verification, SNI, a session to resume), timed and reported to
// on_tls_handshake, then the WebSocket handshake inside TLS. Reading cannot drain the socket
// by itself there (the bytes must go through OpenSSL), so a wss:// link keeps one read in flight
// into a buffer of its own (one TLS record, 16 KiB), and writes go through the stream too.
//
// Any failure (refused, reset, bad handshake, close frame) ends the link once, with
// on_closed(reason). A Link is owned by shared_ptr: pending operations keep it alive.

#include "target.hpp"
#include "tls_client.hpp"

#include "common/line_splitter.hpp"
#include "common/logger.hpp"
#include "ws/client_handshake.hpp"
#include "ws/connection.hpp"
#include "ws/random.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/stream.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lesson06 {

class Link;

// What a load mode does with its links; called on the link's thread only.
class LinkHandler {
public:
    virtual void on_open(Link& link) = 0;
    virtual void on_message(Link& link, std::string_view message) = 0;
    virtual void on_closed(Link& link, const std::string& reason) = 0;
    // wss:// only: the TLS handshake is done, in `nanos`, by resuming an earlier session or not.
    virtual void on_tls_handshake(Link& link, std::uint64_t nanos, bool resumed) = 0;

protected:
    ~LinkHandler() = default;
};

class Link : public std::enable_shared_from_this<Link> {
public:
    // `scratch` is the owning thread's read buffer, shared by all its links: a read drains the
    // socket into it and hands the bytes on at once, so an idle link holds no buffer at all.
    // `log`, if tracing, gets every connect, handshake and read and write as a hex dump (for a
    // look at a handful of connections: a million messages make a very long trace).
    // `tls` (wss:// only) is the run's client context; `target_index` names the target's slot in it.
    Link(asio::io_context& io, const Target& target, LinkHandler& handler, std::vector<char>& scratch,
         std::size_t index, course::Logger* log = nullptr, TlsClient* tls = nullptr,
         std::size_t target_index = 0);

    void start(const asio::ip::tcp::endpoint& endpoint);
    void send(std::string_view message);
    // Ends the link without calling on_closed (the run is over).
    void stop();

    // Its position among its thread's links (the Worker keeps per-link state by it).
    std::size_t index() const noexcept { return index_; }
    bool is_open() const noexcept { return state_ == State::open; }

private:
    enum class State { connecting, tls_handshake, handshake, open, finished };
    void on_connected(const std::error_code& ec);
    void start_websocket_handshake();
    void on_tls_handshake(const std::error_code& ec, std::uint64_t started_ns);
    void wait_readable();
    void on_readable();
    void read_tls();
    void received(std::string_view bytes);
    void deliver(std::string_view bytes);
    void deliver_handshake(std::string_view bytes);
    void flush();
    void fail(std::string reason);

    asio::ip::tcp::socket socket_;
    const Target& target_;
    LinkHandler& handler_;
    std::size_t index_;
    course::Logger* trace_;  // null unless --trace
    State state_ = State::connecting;
    std::vector<char>& scratch_;
    std::string out_;      // queued, not yet handed to the kernel
    std::string writing_;  // in flight
    bool write_pending_ = false;

    std::optional<course::LineSplitter> lines_;      // tcp://
    std::optional<ws::Connection> ws_;               // ws://, once open
    std::optional<ws::ClientHandshaker> handshake_;  // ws://, until the server's 101
    ws::RandomSource random_;

    TlsClient* tls_client_;  // wss:// only
    std::size_t target_index_;
    // wss://: TLS over socket_ (declared after it, so destroyed first) and its read buffer.
    std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
    std::vector<char> tls_in_;
};

}  // namespace lesson06
