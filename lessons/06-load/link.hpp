#pragma once
// One load generator connection, tcp:// (lines), ws:// (WebSocket text messages) or wss:// (the
// same over TLS), driven by asio callbacks on the io_context of the thread that owns it.
//
// Reading waits for readability and then drains the socket into the thread's shared read buffer
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
// wss:// puts TLS between the socket and the rest: a TlsEngine (common/tls/tls_engine.hpp, the
// same sans-IO OpenSSL driver as lesson 09's server) per link. After the TCP connect comes the TLS
// handshake (tls_client.hpp: verification, SNI, a session to resume), timed and reported to
// on_tls_handshake, then the WebSocket handshake inside TLS. Reading drains the socket into the
// shared buffer as for ws://, and OpenSSL decrypts from there into a second shared buffer:
// one read and no copy per batch of records, and an idle wss:// link holds no buffer either
// (its SSL object is what it costs). Writes are encrypted when they go out, the batch at once.
//
// Any failure (refused, reset, bad handshake, close frame) ends the link once, with
// on_closed(reason). A Link is owned by shared_ptr: pending operations keep it alive.

#include "target.hpp"
#include "tls_client.hpp"

#include "common/line_splitter.hpp"
#include "common/logger.hpp"
#include "common/tls/tls_engine.hpp"
#include "ws/client_handshake.hpp"
#include "ws/connection.hpp"
#include "ws/random.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lesson06 {

class Link;

// The read buffers a thread's links share: a read drains the socket into `bytes` and hands them
// on at once, so an idle link holds no buffer at all.
struct ReadBuffers {
    static constexpr std::size_t chunk = 64 * 1024;       // bytes per read from a socket
    static constexpr std::size_t max_record = 16 * 1024;  // plaintext bytes in one TLS record
    std::vector<char> bytes = std::vector<char>(chunk);
    // wss://: what `bytes` decrypt to: a chunk's worth, plus a record the chunk before began
    // (ciphertext is never shorter than its plaintext), so a chunk is decrypted in one go.
    std::vector<char> plaintext = std::vector<char>(chunk + max_record);
};

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
    // `buffers` are the owning thread's, shared by all its links.
    // `log`, if tracing, gets every connect, handshake and read and write as a hex dump (for a
    // look at a handful of connections: a million messages make a very long trace).
    // `tls` (wss:// only) is the run's client context; `target_index` names the target's slot in it.
    Link(asio::io_context& io, const Target& target, LinkHandler& handler, ReadBuffers& buffers,
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
    void tls_handshake(std::span<const char> input);  // wss://: the next step
    void wait_readable();
    void on_readable();
    void decrypt(std::span<const char> ciphertext);  // wss://: to received()
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
    ReadBuffers& buffers_;
    std::string out_;      // queued, not yet handed to the kernel
    std::string writing_;  // in flight
    bool write_pending_ = false;

    std::optional<course::LineSplitter> lines_;      // tcp://
    std::optional<ws::Connection> ws_;               // ws://, once open
    std::optional<ws::ClientHandshaker> handshake_;  // ws://, until the server's 101
    ws::RandomSource random_;

    TlsClient* tls_client_;  // wss:// only
    std::size_t target_index_;
    std::optional<course::tls::TlsEngine> tls_;  // wss://, from the TCP connect on
    std::uint64_t tls_started_ns_ = 0;           // when its handshake began
};

}  // namespace lesson06
