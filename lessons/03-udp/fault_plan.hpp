#pragma once
// Lesson 03: the server's deliberate misbehaviour, decided from a seed before anything runs.
//
// Loopback never loses, duplicates or reorders a datagram, so to see what UDP allows, the
// server does it on purpose. What happens to the k-th datagram to arrive (k = 0, 1, 2, ...)
// is a pure function of the seed and k: the same seed gives the same faults on every run and
// every machine, and a test can work out what a client must see without running anything.
//
// The rule, exactly (README.md shows it worked by hand). Datagram k uses four draws, the
// outputs number 4k+1 .. 4k+4 of SplitMix64 started at `seed`; output n is
// mix(seed + n * 0x9e3779b97f4a7c15), see splitmix64() below. A draw d becomes a fraction
// u = (d >> 11) / 2^53 in [0, 1).
//   draw 1: dropped     if u < drop_rate        (then nothing is sent back)
//   draw 2: duplicated  if u < duplicate_rate   (two copies go back instead of one)
//   draw 3: the first copy waits  delay_ms + d % (jitter_ms + 1) milliseconds
//   draw 4: the second copy waits delay_ms + d % (jitter_ms + 1) milliseconds
// All four are drawn for every datagram, whatever the outcome, so one datagram's fate never
// shifts another's: k alone picks the draws.

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

namespace lesson03 {

struct FaultConfig {
    double drop_rate = 0;         // probability that a datagram is not reflected at all
    double duplicate_rate = 0;    // probability that it is reflected twice
    std::uint32_t delay_ms = 0;   // every copy waits at least this long
    std::uint32_t jitter_ms = 0;  // ... plus 0..jitter_ms more, drawn per copy
    std::uint64_t seed = 1;

    bool any() const noexcept { return drop_rate > 0 || duplicate_rate > 0 || delay_ms > 0 || jitter_ms > 0; }
};

struct FaultDecision {
    bool dropped = false;
    bool duplicated = false;
    std::array<std::chrono::milliseconds, 2> delay{};  // per copy; only delay[0] is used if not duplicated

    int copies() const noexcept { return dropped ? 0 : duplicated ? 2 : 1; }
};

// One output of SplitMix64 (Steele, Lea, Flood 2014): the n-th output for `seed` is
// splitmix64(seed + n * 0x9e3779b97f4a7c15). Small, fast, and the same everywhere.
std::uint64_t splitmix64(std::uint64_t state) noexcept;

class FaultPlan {
public:
    // Throws std::invalid_argument if a rate is outside [0, 1].
    explicit FaultPlan(FaultConfig config);

    const FaultConfig& config() const noexcept { return config_; }

    // The fate of the datagram that arrives k-th (counting from 0).
    FaultDecision decide(std::uint64_t k) const noexcept;

    // "drop 10%, duplicate 0%, delay 0+0..0 ms, seed 1", for the server's start-up log.
    std::string describe() const;

private:
    std::uint64_t draw(std::uint64_t k, unsigned i) const noexcept;  // i = 1..4

    FaultConfig config_;
};

}  // namespace lesson03
