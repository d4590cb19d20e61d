#include "datagram_io.hpp"

#include "common/fd_wait.hpp"
#include "common/stop_event.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <algorithm>
#include <asio/error.hpp>
#include <cerrno>

namespace lesson03 {

ReceiveResult receive_datagram(asio::ip::udp::socket& socket, std::span<char> buffer,
                               const course::StopEvent& stop, std::chrono::milliseconds timeout) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
        const auto wait = course::wait_readable(socket.native_handle(), stop,
                                                std::max(left, std::chrono::milliseconds::zero()));
        if (wait == course::WaitResult::stopped) return {ReceiveStatus::stopped, {}, {}};
        if (wait == course::WaitResult::timed_out) return {ReceiveStatus::timed_out, {}, {}};

        ReceiveResult result;
        iovec data{buffer.data(), buffer.size()};
        msghdr message{};
        message.msg_name = result.datagram.from.data();  // recvfrom's "who sent it"
        message.msg_namelen = static_cast<socklen_t>(result.datagram.from.capacity());
        message.msg_iov = &data;
        message.msg_iovlen = 1;
        const ssize_t n = ::recvmsg(socket.native_handle(), &message, MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;  // wait again
            result.error =
                std::error_code(errno, asio::error::get_system_category());  // as asio reports errors
            return result;
        }
        result.status = ReceiveStatus::ok;
        result.datagram.from.resize(message.msg_namelen);
        result.datagram.length = static_cast<std::size_t>(n);  // the real length, thanks to MSG_TRUNC
        result.datagram.kept = std::min(result.datagram.length, buffer.size());
        return result;
    }
}

}  // namespace lesson03
