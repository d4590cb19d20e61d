#pragma once
// The byte stream under a chat session: plain TCP here (PlainStream), TLS in lesson 09
// (lesson09::TlsStream, OpenSSL driven by hand). A Session speaks HTTP and WebSocket to a Stream
// and never to a socket, so the one chat (the room, the session's states, its write queue and
// its backpressure) serves ws:// and wss:// alike.
//
// The contract is the one the session had with its socket, in five verbs:
//   handshake   what comes before the first HTTP byte: nothing for TCP, the TLS handshake for TLS;
//   read_some   the bytes that arrived, waiting only if there are none (they stay valid until
//               the next call: PlainStream reads into the server's one shared buffer);
//   write_some  takes what it can now and never waits (the write queue's writer): would_block
//               when it can take nothing, and then on_writable()/writable() say when it can;
//   shutdown_send  our end of the stream after the last byte: a FIN (TLS: close_notify first);
//   cancel      wakes a waiting reader (an evicted client leaves the room from its own coroutine).
// One thread uses a stream (the server's): nothing here locks.

#include "common/logger.hpp"
#include "common/write_queue.hpp"

#include <sys/uio.h>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace lesson05 {

class Stream {
public:
    virtual ~Stream() = default;

    // The TCP connection underneath: its endpoints, options and executor.
    virtual asio::ip::tcp::socket& socket() noexcept = 0;
    // Before the first HTTP byte. Empty on success, else why it failed (the session logs it in
    // one line, prefixed with `label`, and drops the connection).
    virtual asio::awaitable<std::string> handshake(course::Logger& log, std::string label) = 0;
    // Some bytes, at least one, unless `ec` is set (eof at the end of the stream).
    virtual asio::awaitable<std::string_view> read_some(std::error_code& ec) = 0;
    // As course::send_gathered: all (with the bytes taken, maybe fewer than given), would_block
    // (nothing taken) or failed.
    virtual course::GatheredWrite write_some(const iovec* buffers, std::size_t count,
                                             std::error_code& ec) = 0;
    // `ready` runs once write_some can take bytes again (an error if the stream failed).
    virtual void on_writable(std::function<void(const std::error_code&)> ready) = 0;
    // The same, for a coroutine. operation_aborted if cancel() woke it.
    virtual asio::awaitable<void> writable(std::error_code& ec) = 0;
    virtual void shutdown_send() = 0;
    virtual void cancel() = 0;
    virtual void close() = 0;
};

// Makes the stream of an accepted connection: the server's choice of plain TCP or TLS.
using StreamFactory = std::function<std::shared_ptr<Stream>(asio::ip::tcp::socket socket)>;

// Plain TCP. Reads go into `shared_read_buffer` (the server's one buffer: the bytes are handed
// on before the next wait), writes are one gathered sendmsg() (course::send_gathered).
std::shared_ptr<Stream> make_plain_stream(asio::ip::tcp::socket socket,
                                          std::vector<char>& shared_read_buffer);

}  // namespace lesson05
