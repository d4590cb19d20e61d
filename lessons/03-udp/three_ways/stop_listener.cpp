#include "stop_listener.hpp"

#include <fcntl.h>
#include <cerrno>
#include <system_error>

namespace lesson03::three_ways {

namespace {

int duplicate(int fd) {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) throw std::system_error(errno, std::generic_category(), "dup of the stop event");
    return copy;
}

}  // namespace

StopListener::StopListener(asio::io_context& io, const course::StopEvent& stop)
    : descriptor_(io, duplicate(stop.fd())) {}

void StopListener::async_wait(std::function<void()> on_stop) {
    descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                           [on_stop = std::move(on_stop)](const std::error_code& ec) {
                               if (!ec) on_stop();  // else operation_aborted: cancel() was called
                           });
}

void StopListener::cancel() {
    std::error_code ignored;
    descriptor_.cancel(ignored);
}

}  // namespace lesson03::three_ways
