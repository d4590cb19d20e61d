#include "redis/backoff.hpp"

#include <algorithm>

namespace lesson08 {

Backoff::Backoff(duration initial, duration max, std::uint32_t seed)
    : initial_(std::max(initial, duration(1))), max_(std::max(max, initial_)), base_(initial_),
      random_(seed) {}

Backoff::duration Backoff::next() {
    // TASK 08.backoff: compute the next reconnect delay: doubled each time, capped, with equal jitter
    const duration delay = base_;
    base_ = std::min(base_ * 2, max_);
    std::uniform_int_distribution<duration::rep> half_to_full(delay.count() / 2, delay.count());
    return duration(half_to_full(random_));
    // END TASK 08.backoff
}

}  // namespace lesson08
