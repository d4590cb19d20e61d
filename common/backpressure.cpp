#include "common/backpressure.hpp"

namespace course {

std::string describe(Backpressure verdict, const BackpressureLimits& limits) {
    const auto seconds = [](std::chrono::milliseconds time) {
        const auto ms = time.count();
        return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
    };
    switch (verdict) {
    case Backpressure::ok: return "keeping up";
    case Backpressure::over_hard_bound:
        return "more than " + std::to_string(limits.hard_bytes) + " bytes waiting";
    case Backpressure::over_soft_bound:
        return "more than " + std::to_string(limits.soft_bytes) + " bytes waiting for " +
               seconds(limits.soft_time);
    case Backpressure::stalled: return "nothing read for " + seconds(limits.soft_time);
    }
    return "unknown";
}

Backpressure BackpressureMeter::queued(std::size_t waiting, clock::time_point now) {
    if (waiting_ == 0 && waiting > 0) progress_at_ = now;  // the stall clock starts now
    waiting_ = waiting;
    track_soft_bound(now);
    return waiting_ > limits_.hard_bytes ? Backpressure::over_hard_bound : Backpressure::ok;
}

void BackpressureMeter::sent(std::size_t waiting, clock::time_point now) {
    // Progress even if `waiting` did not shrink: the bytes written may be ones the bounds do not
    // count (lesson 05 sends a newcomer's greeting ahead of what is counted).
    progress_at_ = now;
    waiting_ = waiting;
    track_soft_bound(now);
}

Backpressure BackpressureMeter::check(clock::time_point now) const {
    if (waiting_ > limits_.hard_bytes) return Backpressure::over_hard_bound;
    if (over_soft_since_ && now - *over_soft_since_ >= limits_.soft_time)
        return Backpressure::over_soft_bound;
    if (waiting_ > 0 && now - progress_at_ >= limits_.soft_time) return Backpressure::stalled;
    return Backpressure::ok;
}

void BackpressureMeter::track_soft_bound(clock::time_point now) {
    // The soft clock runs while the queue stays above the bound; dipping below resets it.
    if (waiting_ <= limits_.soft_bytes) over_soft_since_.reset();
    else if (!over_soft_since_) over_soft_since_ = now;
}

}  // namespace course
