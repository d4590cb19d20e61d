#pragma once
// Lesson 03: what the server did, counted, for its periodic summary line. Pure code.
//
// A log line per datagram is what you want while you watch a few pings (--verbose), and what
// you must not have by default: a flood of 10,000 datagrams would write 10,000 lines, and any
// sender on the network decides how many. So the server counts instead, and logs one line
// when something happened, at most every --summary-interval (5 s):
//
//   summary seconds=5.0 datagrams_in=10000 bytes_in=320000 datagrams_out=10000 bytes_out=320000
//           dropped=0 duplicated=0 delayed=0 truncated=0 queue_full=0 send_failed=0
//
// (one line in the log). Every datagram that arrives is in datagrams_in; what became of it is
// in the rest: each copy sent back in datagrams_out, the fault plan's decisions in dropped,
// duplicated and delayed (copies held back), and the trouble in truncated (longer than the
// receive buffer), queue_full (a held-back copy refused by the full delay queue) and
// send_failed (the send buffer was full, or the send failed).

#include <cstdint>
#include <string>

namespace lesson03 {

struct TrafficCounters {
    std::uint64_t datagrams_in = 0;
    std::uint64_t bytes_in = 0;       // as long as the datagrams really were, truncated or not
    std::uint64_t datagrams_out = 0;  // copies sent back
    std::uint64_t bytes_out = 0;
    std::uint64_t dropped = 0;      // by --drop-rate
    std::uint64_t duplicated = 0;   // by --duplicate-rate: reflected twice
    std::uint64_t delayed = 0;      // copies held back by --delay-ms / --jitter-ms
    std::uint64_t truncated = 0;    // longer than --buffer-size
    std::uint64_t queue_full = 0;   // held-back copies the full delay queue refused
    std::uint64_t send_failed = 0;  // copies the kernel would not send

    bool any() const noexcept { return *this != TrafficCounters{}; }
    bool operator==(const TrafficCounters&) const = default;
};

// "summary seconds=5.0 datagrams_in=... send_failed=0": every field, always in this order.
std::string describe_summary(const TrafficCounters& counters, double seconds);

}  // namespace lesson03
