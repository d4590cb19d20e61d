#include "common/socket_io.hpp"

#include "common/fd_wait.hpp"
#include "common/stop_event.hpp"

#include <asio/error.hpp>

namespace course {

namespace {

void make_non_blocking(asio::ip::tcp::socket& socket) {
    if (!socket.non_blocking()) socket.non_blocking(true);
}

IoStatus status_of(WaitResult wait) {
    return wait == WaitResult::stopped ? IoStatus::stopped : IoStatus::timed_out;
}

bool is_would_block(const std::error_code& ec) {
    return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

IoResult read_some(asio::ip::tcp::socket& socket, asio::mutable_buffer buffer, const StopEvent& stop,
                   std::chrono::milliseconds timeout) {
    make_non_blocking(socket);
    for (;;) {
        const WaitResult wait = wait_readable(socket.native_handle(), stop, timeout);
        if (wait != WaitResult::ready) return {status_of(wait)};
        std::error_code ec;
        const std::size_t n = socket.read_some(buffer, ec);
        if (!ec) return {IoStatus::ok, n};
        if (ec == asio::error::eof) return {IoStatus::closed};
        if (!is_would_block(ec)) return {IoStatus::failed, 0, ec};
        // Readable but nothing to read (it happens): wait again.
    }
}

IoResult read_exactly(asio::ip::tcp::socket& socket, asio::mutable_buffer buffer, const StopEvent& stop,
                      std::chrono::milliseconds timeout) {
    std::size_t done = 0;
    while (done < buffer.size()) {
        const IoResult part = read_some(socket, buffer + done, stop, timeout);
        if (part.status != IoStatus::ok) return {part.status, done, part.error};
        done += part.bytes;
    }
    return {IoStatus::ok, done};
}

IoResult write_all(asio::ip::tcp::socket& socket, asio::const_buffer data, const StopEvent& stop,
                   std::chrono::milliseconds timeout) {
    make_non_blocking(socket);
    std::size_t done = 0;
    while (done < data.size()) {
        std::error_code ec;
        done += socket.write_some(data + done, ec);  // may take only part of what is left
        if (!ec) continue;
        if (!is_would_block(ec)) return {IoStatus::failed, done, ec};
        // The kernel's send buffer is full: the peer is not reading fast enough. Wait.
        const WaitResult wait = wait_writable(socket.native_handle(), stop, timeout);
        if (wait != WaitResult::ready) return {status_of(wait), done};
    }
    return {IoStatus::ok, done};
}

const char* describe(IoStatus status) noexcept {
    switch (status) {
    case IoStatus::ok: return "ok";
    case IoStatus::closed: return "closed by peer";
    case IoStatus::stopped: return "stopped";
    case IoStatus::timed_out: return "timed out";
    case IoStatus::failed: return "failed";
    }
    return "unknown";
}

}  // namespace course
