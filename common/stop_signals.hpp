#pragma once
// The signals that ask a program of the course to stop, for programs built on an
// asio::io_context: SIGINT (Ctrl-C), SIGTERM (`kill`, a service manager) and SIGHUP (the
// terminal went away: a closed window, a killed tmux pane, a dropped ssh session). Left to
// their default action, each kills the process at once with status 128 + N (130, 143, 129),
// before it can say goodbye to anyone. Caught here, each becomes one call to `on_stop` on the
// io_context's thread: the program closes its connections properly and exits 0.
//
//   course::StopSignals signals(io);   // before "listening on": a signal from then on is kept
//   signals.async_wait(log, [&] { server.shutdown(); });  // logs "received SIGHUP, shutting down"
//
// The blocking programs (lessons 01-03) use SignalStopper (stop_event.hpp), built on this.

#include "common/logger.hpp"

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <functional>
#include <string>

namespace course {

class StopSignals {
public:
    // Catches the signals from here on; one that arrives before async_wait() is kept for it.
    explicit StopSignals(asio::io_context& io);

    // On the first of the signals: logs "received NAME, shutting down" and calls on_stop.
    // Neither happens after cancel().
    void async_wait(Logger& log, std::function<void()> on_stop);
    void cancel();

private:
    asio::signal_set signals_;
};

// "SIGINT", "SIGTERM", "SIGHUP" (or "signal N").
std::string stop_signal_name(int signal);

}  // namespace course
