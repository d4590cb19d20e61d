#pragma once
// Reading and writing a TCP socket with a deadline and a way out, for the blocking lessons.
//
// The socket is put in non-blocking mode, so read_some() and write_some() return at once, and
// all the waiting happens in poll() (common/fd_wait.hpp), where a timeout and a stop request
// can interrupt it. Two things tutorials get wrong are handled here:
// - a read returns whatever has arrived, which may be less than the peer sent;
// - a write may accept only part of the buffer, so write_all() loops until all of it is sent.

#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <system_error>

namespace course {

class StopEvent;

enum class IoStatus {
    ok,         // `bytes` were transferred
    closed,     // the peer closed the connection (end of stream)
    stopped,    // the StopEvent was requested while waiting
    timed_out,  // nothing could be transferred before the timeout
    failed,     // a socket error: see `error` (connection reset, broken pipe, ...)
};

struct IoResult {
    IoStatus status;
    std::size_t bytes = 0;
    std::error_code error{};
};

// Waits up to `timeout` for data, then reads what is there (at least 1 byte when ok).
IoResult read_some(asio::ip::tcp::socket& socket, asio::mutable_buffer buffer, const StopEvent& stop,
                   std::chrono::milliseconds timeout);

// Reads exactly buffer.size() bytes; `timeout` applies to each wait, not to the whole.
IoResult read_exactly(asio::ip::tcp::socket& socket, asio::mutable_buffer buffer, const StopEvent& stop,
                      std::chrono::milliseconds timeout);

// Writes every byte of `data`; `timeout` applies to each wait for buffer space, so a peer
// that stops reading is detected instead of blocking us forever.
IoResult write_all(asio::ip::tcp::socket& socket, asio::const_buffer data, const StopEvent& stop,
                   std::chrono::milliseconds timeout);

const char* describe(IoStatus status) noexcept;

}  // namespace course
