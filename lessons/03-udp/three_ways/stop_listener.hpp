#pragma once
// A stop request (course::StopEvent: SIGINT, SIGTERM, SIGHUP) as one more thing an io_context
// waits for. The StopEvent is a file descriptor that becomes readable for good, so waiting for
// it is a socket-like wait (async_wait(wait_read)); a request made before the wait started is
// seen at once. The wait is work for the io_context: cancel() it when everything else is done,
// or run() never returns.

#include "common/stop_event.hpp"

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <functional>

namespace lesson03::three_ways {

class StopListener {
public:
    StopListener(asio::io_context& io, const course::StopEvent& stop);

    // Calls on_stop on the io_context's thread when stop is requested, unless cancelled first.
    void async_wait(std::function<void()> on_stop);
    void cancel();

private:
    asio::posix::stream_descriptor descriptor_;  // a duplicate: closing it leaves the StopEvent's
};

}  // namespace lesson03::three_ways
