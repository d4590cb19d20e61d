#include "fault_plan.hpp"

#include <sstream>
#include <stdexcept>

namespace lesson03 {

namespace {

constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15;  // SplitMix64's step: 2^64 / golden ratio
constexpr unsigned draws_per_datagram = 4;                  // drop, duplicate, delay 1, delay 2

// TASK 03.fault-plan: draw each datagram's fate from the seed, exactly as the documented rule says
// STUB-ONLY
double fraction(std::uint64_t draw) noexcept {
    return static_cast<double>(draw >> 11) *
           0x1.0p-53;  // the top 53 bits: every double in [0, 1) equally likely
}
// END TASK 03.fault-plan

}  // namespace

std::uint64_t splitmix64(std::uint64_t state) noexcept {
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
}

FaultPlan::FaultPlan(FaultConfig config) : config_(config) {
    const auto is_rate = [](double p) { return p >= 0 && p <= 1; };  // also false for NaN
    if (!is_rate(config_.drop_rate)) throw std::invalid_argument("drop rate must be between 0 and 1");
    if (!is_rate(config_.duplicate_rate))
        throw std::invalid_argument("duplicate rate must be between 0 and 1");
}

std::uint64_t FaultPlan::draw(std::uint64_t k, unsigned i) const noexcept {
    // TASK 03.fault-plan: draw each datagram's fate from the seed, exactly as the documented rule says
    // STUB: (void)k;
    // STUB: (void)i;
    const std::uint64_t n = k * draws_per_datagram + i;  // unsigned arithmetic wraps, as SplitMix64 does
    return splitmix64(config_.seed + n * golden_gamma);
    // END TASK 03.fault-plan
}

FaultDecision FaultPlan::decide(std::uint64_t k) const noexcept {
    // TASK 03.fault-plan: draw each datagram's fate from the seed, exactly as the documented rule says
    // STUB: (void)k;
    FaultDecision decision;
    decision.dropped = fraction(draw(k, 1)) < config_.drop_rate;
    decision.duplicated = !decision.dropped && fraction(draw(k, 2)) < config_.duplicate_rate;
    const std::uint64_t span = std::uint64_t{config_.jitter_ms} + 1;  // 0..jitter_ms inclusive
    for (unsigned copy = 0; copy < 2; ++copy) {
        decision.delay[copy] = std::chrono::milliseconds(config_.delay_ms + draw(k, 3 + copy) % span);
    }
    return decision;
    // END TASK 03.fault-plan
}

std::string FaultPlan::describe() const {
    std::ostringstream out;
    out << "drop " << config_.drop_rate * 100 << "%, duplicate " << config_.duplicate_rate * 100
        << "%, delay " << config_.delay_ms << "+0.." << config_.jitter_ms << " ms, seed " << config_.seed;
    return out.str();
}

}  // namespace lesson03
