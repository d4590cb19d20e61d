// The one system call of the write queue (see write_queue.hpp).
#include "common/write_queue.hpp"

#include <sys/socket.h>
#include <cerrno>

namespace course {

GatheredWrite send_gathered(int fd, const iovec* buffers, std::size_t count, std::error_code& error) {
    msghdr message{};
    message.msg_iov = const_cast<iovec*>(buffers);
    message.msg_iovlen = count;
    for (;;) {
        const ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL);  // no SIGPIPE if the peer is gone
        if (sent >= 0) return {Flushed::all, static_cast<std::size_t>(sent)};
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return {Flushed::would_block, 0};
        error = std::error_code(errno, std::system_category());
        return {Flushed::failed, 0};
    }
}

}  // namespace course
