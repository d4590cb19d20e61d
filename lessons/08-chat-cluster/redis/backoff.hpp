#pragma once
// Exponential backoff with jitter, for reconnecting: the first retry after `initial`, each
// next one after twice as long, never more than `max`; reset() once a connection works again.
//
// Jitter: each delay is drawn at random from [d/2, d] ("equal jitter"), not d itself. When
// Redis restarts, every node's link breaks in the same millisecond; without jitter they would
// all retry in the same millisecond again, and again after each doubling (a thundering herd).
// Half of the delay stays fixed, so a retry never comes sooner than d/2.
//
// Sans-IO: it only computes delays; the caller waits. The random generator is seeded by the
// caller, so that a test can replay a sequence.

#include <chrono>
#include <cstdint>
#include <random>

namespace lesson08 {

class Backoff {
public:
    using duration = std::chrono::milliseconds;

    Backoff(duration initial, duration max, std::uint32_t seed);

    // The delay before the next attempt; doubles the base for the one after, up to max.
    duration next();
    // Back to `initial` (after a success).
    void reset() noexcept { base_ = initial_; }

    duration base() const noexcept { return base_; }

private:
    duration initial_;
    duration max_;
    duration base_;
    std::minstd_rand random_;
};

}  // namespace lesson08
