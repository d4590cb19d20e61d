#include "common/fd_wait.hpp"

#include "common/stop_event.hpp"

#include <poll.h>
#include <cerrno>
#include <system_error>

namespace course {

namespace {

WaitResult wait_for(int fd, short events, const StopEvent& stop, std::chrono::milliseconds timeout) {
    using clock = std::chrono::steady_clock;
    const bool forever = timeout < std::chrono::milliseconds::zero();
    const auto deadline = clock::now() + (forever ? std::chrono::milliseconds::zero() : timeout);
    for (;;) {
        int wait_ms = -1;
        if (!forever) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
            wait_ms = left.count() > 0 ? static_cast<int>(left.count()) : 0;
        }
        pollfd fds[2] = {{stop.fd(), POLLIN, 0}, {fd, events, 0}};
        const int n = ::poll(fds, 2, wait_ms);
        if (n < 0) {
            if (errno == EINTR) continue;  // a signal arrived; wait for the rest of the time
            throw std::system_error(errno, std::generic_category(), "poll");
        }
        if (fds[0].revents != 0 && stop.requested()) return WaitResult::stopped;
        // POLLERR/POLLHUP also count as ready: the next read or write reports what happened.
        if (fds[1].revents != 0) return WaitResult::ready;
        if (n == 0) return WaitResult::timed_out;
    }
}

}  // namespace

WaitResult wait_readable(int fd, const StopEvent& stop, std::chrono::milliseconds timeout) {
    return wait_for(fd, POLLIN, stop, timeout);
}

WaitResult wait_writable(int fd, const StopEvent& stop, std::chrono::milliseconds timeout) {
    return wait_for(fd, POLLOUT, stop, timeout);
}

}  // namespace course
