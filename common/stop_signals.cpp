#include "common/stop_signals.hpp"

#include <csignal>
#include <string>

namespace course {

StopSignals::StopSignals(asio::io_context& io) : signals_(io, SIGINT, SIGTERM, SIGHUP) {}

void StopSignals::async_wait(Logger& log, std::function<void()> on_stop) {
    signals_.async_wait([&log, on_stop = std::move(on_stop)](const std::error_code& ec, int signal) {
        if (ec) return;  // operation_aborted: cancelled, or the io_context is going away
        log.info("received ", stop_signal_name(signal), ", shutting down");
        on_stop();
    });
}

void StopSignals::cancel() {
    std::error_code ignored;
    signals_.cancel(ignored);
}

std::string stop_signal_name(int signal) {
    switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "signal " + std::to_string(signal);
    }
}

}  // namespace course
