#pragma once
// TLS under a chat session: lesson 05's Stream (stream.hpp) on OpenSSL driven by hand
// (TlsEngine, common/tls/tls_engine.hpp), so lesson 05's Session, room and write queue serve wss://
// unchanged, and an idle connection keeps no buffer: what it costs is its SSL object, its socket
// and its session (not asio::ssl::stream, which keeps four 17 KiB buffers per connection).
//
// Reading. Like lesson 05's plain stream: try a non-blocking read, and wait for readability
// (socket.async_wait) only when nothing is there. The ciphertext goes into a buffer every
// TlsStream of the server shares (TlsBuffers), OpenSSL reads it from there and decrypts into a
// second shared buffer, and read_some returns a view of that: valid until the next call, as the
// contract says. Both are used only between two waits, never across one, so one thread's
// connections can share them. What OpenSSL keeps between reads (a record cut in two by TCP,
// plaintext that did not fit) stays in the engine for the next read.
//
// Writing. write_some() encrypts up to 16 KiB (one record) of what the write queue offers and
// sends it at once with a non-blocking send. What the kernel does not take waits in a string that
// is freed once sent; until then write_some takes nothing (would_block) and on_writable() and
// writable() wait for it. So the queue's backpressure rules see the bytes as sent once taken: at
// most one record per connection sits outside the queue.
//
// Closing. shutdown_send() queues our close_notify after what is unsent; the reader then reads
// until the client's close_notify (or its FIN), and sends a TCP FIN once everything is sent: TLS's
// own closing handshake, inside the session's draining state and its close timeout.
//
// Handshake. Within the session's handshake timeout (its sweep closes the socket). A failure is
// described in one line with the alert we sent; --trace shows each handshake step as OpenSSL's
// info callback reports it, and the result (version, cipher, ALPN, SNI, resumption).

#include "stream.hpp"

#include "common/tls/tls_engine.hpp"

#include <asio/cancellation_signal.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <span>
#include <vector>

namespace lesson09 {

// The buffers all TlsStreams of one server (one thread) share: a connection uses them only while
// it reads or writes, never while it waits, so while it waits it holds none.
struct TlsBuffers {
    static constexpr std::size_t max_record = 16 * 1024;  // plaintext bytes in one TLS record
    static constexpr std::size_t read_chunk = 32 * 1024;  // ciphertext bytes per read from a socket
    // Plaintext: one chunk's worth, plus a record begun by the previous chunk (ciphertext is
    // never shorter than its plaintext), so a chunk is always decrypted whole.
    std::vector<char> ciphertext = std::vector<char>(read_chunk);
    std::vector<char> plaintext = std::vector<char>(read_chunk + max_record);
    std::vector<char> record = std::vector<char>(max_record);  // write_some gathers a record here
};

class TlsStream final : public lesson05::Stream, public std::enable_shared_from_this<TlsStream> {
public:
    // `context`: the server's (tls_context.hpp); `buffers`: shared with the server's other streams.
    TlsStream(asio::ip::tcp::socket socket, SSL_CTX* context, std::shared_ptr<TlsBuffers> buffers);

    asio::ip::tcp::socket& socket() noexcept override { return socket_; }
    asio::awaitable<std::string> handshake(course::Logger& log, std::string label) override;
    asio::awaitable<std::string_view> read_some(std::error_code& ec) override;
    course::GatheredWrite write_some(const iovec* buffers, std::size_t count, std::error_code& ec) override;
    void on_writable(std::function<void(const std::error_code&)> ready) override;
    asio::awaitable<void> writable(std::error_code& ec) override;
    void shutdown_send() override;
    void cancel() override;
    void close() override;

private:
    static constexpr std::size_t max_unsent = 64 * 1024;  // ciphertext waiting, past which the reader waits
    enum class Sender { idle, waiting, failed };          // unsent ciphertext: none, waiting for the socket
    enum class Ending { open, close_wanted, closed };     // our close_notify: not yet, queued, handled

    static void on_step(const SSL* ssl, int where, int ret);  // OpenSSL's info callback
    // Ciphertext from the socket into the shared buffer, waiting for readability if none is there.
    asio::awaitable<std::span<const char>> read_ciphertext(std::error_code& ec);
    asio::awaitable<void> finish_closing(std::error_code& ec);  // after our close_notify
    void send_output();                                         // what the engine has to send
    void on_sent(const std::error_code& ec);                    // all sent, or the send failed
    void wake_reader();                                         // ends a pending read with operation_aborted

    asio::ip::tcp::socket socket_;
    course::tls::TlsEngine engine_;
    std::shared_ptr<TlsBuffers> buffers_;
    asio::cancellation_signal read_cancel_;  // wakes the reader (cancel(), or to close)
    asio::steady_timer write_done_;          // writable(): waits on it, on_sent() cancels it
    Sender sender_ = Sender::idle;
    std::error_code write_error_;
    std::vector<std::function<void(const std::error_code&)>> waiting_;  // on_writable() callers
    Ending ending_ = Ending::open;
    // For the handshake's log lines.
    course::Logger* log_ = nullptr;
    std::string label_;
    std::string alert_sent_;
    std::string last_step_;  // --trace: the handshake step logged last
};

}  // namespace lesson09
