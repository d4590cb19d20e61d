#pragma once
// The slow-consumer policy of the course's chat servers: when is a client that does not keep up
// with its send queue closed? It has the shape of Redis' limit for pub/sub clients
// (`client-output-buffer-limit pubsub 32mb 8mb 60`), because a single byte bound cannot tell a
// client that is slow from one that is busy reading a burst:
//
//   hard bound   more than hard_bytes waiting: closed at once. Large, because a chat server
//                shares each broadcast frame between all its receivers, so a queue costs
//                pointers, not copies; it only stops memory growing without end.
//   soft bound   more than soft_bytes waiting for longer than soft_time without a break: closed.
//                A burst that the client reads through drains below the bound in time.
//   stall        bytes waiting but none of them written to the socket for soft_time: closed,
//                however few. A client that stopped reading is found even with a small queue.
//
// A client that keeps reading is therefore never closed for a burst smaller than the hard bound.
//
// BackpressureMeter is sans-IO: the server reports the bytes waiting and the time whenever they
// change, and calls check() now and then (a sweep timer); the meter answers with a verdict. It is
// not thread-safe: guard it with whatever guards the queue it measures.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace course {

struct BackpressureLimits {
    std::size_t hard_bytes = std::size_t{32} << 20;  // 32 MiB
    std::size_t soft_bytes = std::size_t{1} << 20;   // 1 MiB ...
    std::chrono::milliseconds soft_time{10'000};     // ... for 10 s; also the stall time
};

enum class Backpressure {
    ok,
    over_hard_bound,  // more than hard_bytes waiting
    over_soft_bound,  // more than soft_bytes waiting for longer than soft_time
    stalled,          // bytes waiting, none written for soft_time
};

// "more than 1048576 bytes waiting for 10 s" and the like, for logs and close reasons.
std::string describe(Backpressure verdict, const BackpressureLimits& limits);

class BackpressureMeter {
public:
    using clock = std::chrono::steady_clock;

    explicit BackpressureMeter(BackpressureLimits limits) : limits_(limits) {}

    // Bytes were queued: `waiting` is the new total. Over the hard bound is the only verdict
    // that can come at once; the timed ones come from check().
    Backpressure queued(std::size_t waiting, clock::time_point now);
    // Bytes reached the socket, counted or not (either way the client reads, so the stall clock
    // restarts): `waiting` is what is left.
    void sent(std::size_t waiting, clock::time_point now);
    // The timed rules, for a sweep: over the soft bound too long, or stalled.
    Backpressure check(clock::time_point now) const;

    std::size_t waiting() const noexcept { return waiting_; }
    const BackpressureLimits& limits() const noexcept { return limits_; }

private:
    void track_soft_bound(clock::time_point now);

    BackpressureLimits limits_;
    std::size_t waiting_ = 0;
    std::optional<clock::time_point> over_soft_since_;  // since when waiting_ > soft_bytes
    clock::time_point progress_at_{};                   // when bytes last started waiting or were written
};

}  // namespace course
