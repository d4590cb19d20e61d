#include "common/stop_event.hpp"

#include "common/logger.hpp"
#include "common/stop_signals.hpp"

#include <sys/eventfd.h>
#include <unistd.h>
#include <asio/io_context.hpp>
#include <cerrno>
#include <cstdint>
#include <system_error>
#include <thread>

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
    StopSignals signals{io};
    std::thread thread;
};

SignalStopper::SignalStopper(StopEvent& stop, Logger& log) : impl_(std::make_unique<Impl>()) {
    impl_->signals.async_wait(log, [&stop] { stop.request(); });
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

SignalStopper::~SignalStopper() {
    impl_->io.stop();
    impl_->thread.join();
}

}  // namespace course
