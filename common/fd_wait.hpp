#pragma once
// Waiting on a socket with a timeout, and with a way out when the program is asked to stop.
//
// A plain blocking recv() or accept() can wait forever: for a peer that never sends, or while
// Ctrl-C is pressed. poll() waits on several descriptors at once with a timeout, so the lesson
// servers wait on the socket *and* the StopEvent, and give up after a deadline.

#include <chrono>

namespace course {

class StopEvent;

enum class WaitResult { ready, stopped, timed_out };

// Pass no_timeout to wait for as long as it takes (a server waiting for its next client).
inline constexpr std::chrono::milliseconds no_timeout{-1};

WaitResult wait_readable(int fd, const StopEvent& stop, std::chrono::milliseconds timeout);
WaitResult wait_writable(int fd, const StopEvent& stop, std::chrono::milliseconds timeout);

}  // namespace course
