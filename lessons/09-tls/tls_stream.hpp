#pragma once
// TLS under a chat session: lesson 05's Stream (stream.hpp) on asio::ssl::stream, so lesson 05's
// Session, room and write queue serve wss:// unchanged.
//
// Reading. asio::ssl decrypts into a buffer of the stream's own (4 KiB: a TLS record holds up to
// 16 KiB, the rest waits inside OpenSSL for the next read); the server's shared read buffer cannot
// be used, because an asynchronous TLS read fills the buffer before its completion runs, when
// another session may be using it.
//
// Writing. write_some() takes up to 16 KiB (one record) of what the write queue offers, copied,
// and starts one asynchronous write of it; until that is sent it takes nothing (would_block) and
// on_writable() waits for it. The queue's backpressure rules see the bytes as sent once taken:
// at most one record per connection sits outside the queue.
//
// Closing. shutdown_send() waits for the record in flight, then the reader sends our
// close_notify and reads until the client's (or its FIN): TLS's own closing handshake, inside
// the session's draining state and its close timeout. Then a TCP FIN.
//
// Handshake. Within the session's handshake timeout (its sweep closes the socket). A failure is
// described in one line with the alert we sent; --trace shows each handshake step as OpenSSL's
// info callback reports it, and the result (version, cipher, ALPN, SNI, resumption).

#include "stream.hpp"

#include <array>
#include <asio/cancellation_signal.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <memory>

namespace lesson09 {

class TlsStream final : public lesson05::Stream, public std::enable_shared_from_this<TlsStream> {
public:
    TlsStream(asio::ip::tcp::socket socket, asio::ssl::context& context);

    asio::ip::tcp::socket& socket() noexcept override { return ssl_.next_layer(); }
    asio::awaitable<std::string> handshake(course::Logger& log, std::string label) override;
    asio::awaitable<std::string_view> read_some(std::error_code& ec) override;
    course::GatheredWrite write_some(const iovec* buffers, std::size_t count, std::error_code& ec) override;
    void on_writable(std::function<void(const std::error_code&)> ready) override;
    asio::awaitable<void> writable(std::error_code& ec) override;
    void shutdown_send() override;
    void cancel() override;
    void close() override;

private:
    static constexpr std::size_t read_chunk = 4 * 1024;   // plaintext bytes per read
    static constexpr std::size_t max_record = 16 * 1024;  // plaintext bytes per write (one record)
    enum class Writer { idle, writing, failed };          // the one write in flight
    enum class Ending { open, close_wanted, closed };     // our close_notify: not yet, asked, sent

    static void on_step(const SSL* ssl, int where, int ret);  // OpenSSL's info callback
    void on_written(const std::error_code& ec);
    void wake_reader();  // ends a pending read with operation_aborted

    asio::ssl::stream<asio::ip::tcp::socket> ssl_;
    asio::cancellation_signal read_cancel_;  // wakes the reader (cancel(), or to send close_notify)
    asio::steady_timer write_done_;          // writable(): waits on it, on_written() cancels it
    std::array<char, read_chunk> read_buffer_{};
    std::string out_;  // the record being written; empty (no memory) while idle
    Writer writer_ = Writer::idle;
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
