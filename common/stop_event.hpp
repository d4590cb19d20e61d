#pragma once
// How a blocking server learns that it should stop.
//
// StopEvent is a file descriptor (Linux eventfd) that becomes readable once stop is requested
// and stays readable. A thread blocked in poll() on its socket and on this descriptor wakes up
// at once, so even a blocking server shuts down promptly, and every thread of a threaded one
// sees the same request. request() may be called from any thread.
//
// SignalStopper turns SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal closed, e.g. a tmux
// pane killed) into a stop request, with StopSignals (stop_signals.hpp) on a small thread of
// its own. Create it in main before starting other threads.

#include <atomic>
#include <memory>

namespace course {

class Logger;

class StopEvent {
public:
    StopEvent();
    ~StopEvent();
    StopEvent(const StopEvent&) = delete;
    StopEvent& operator=(const StopEvent&) = delete;

    void request() noexcept;
    // Also orders memory: what a thread wrote before request() is visible to a thread that
    // saw requested() return true (the descriptor alone is invisible to ThreadSanitizer).
    bool requested() const noexcept { return requested_.load(std::memory_order_acquire); }
    int fd() const noexcept { return fd_; }

private:
    int fd_;
    std::atomic<bool> requested_{false};
};

class SignalStopper {
public:
    SignalStopper(StopEvent& stop, Logger& log);
    ~SignalStopper();
    SignalStopper(const SignalStopper&) = delete;
    SignalStopper& operator=(const SignalStopper&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace course
