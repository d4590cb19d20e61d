#include "common/stop_event.hpp"

#include "common/logger.hpp"

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <cerrno>
#include <cstdint>
#include <sys/eventfd.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace course {

StopEvent::StopEvent() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

StopEvent::~StopEvent() { ::close(fd_); }

void StopEvent::request() noexcept {
    requested_.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    // Nobody ever reads the counter, so the descriptor stays readable for every poller.
    [[maybe_unused]] const auto written = ::write(fd_, &one, sizeof one);
}

struct SignalStopper::Impl {
    asio::io_context io;
    asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};  // HUP: the terminal went away
    std::thread thread;
};

SignalStopper::SignalStopper(StopEvent& stop, Logger& log) : impl_(std::make_unique<Impl>()) {
    impl_->signals.async_wait([&stop, &log](const std::error_code& ec, int signal) {
        if (ec) return;  // operation_aborted: we are being destroyed
        const char* name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGHUP";
        log.info("received ", name, ", shutting down");
        stop.request();
    });
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

SignalStopper::~SignalStopper() {
    impl_->io.stop();
    impl_->thread.join();
}

}  // namespace course
