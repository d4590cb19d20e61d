// The built-in feed (see ticker.hpp).
#include "ticker.hpp"

#include <algorithm>
#include <cmath>

namespace lesson07 {

namespace {

constexpr auto min_period = std::chrono::milliseconds(10);  // at most 100 wake-ups per second
constexpr std::uint64_t max_batch = 10'000;                 // events per wake-up; a late timer skips the rest

std::string format_units(std::int64_t units, int decimals, bool sign) {
    std::int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    const std::int64_t magnitude = units < 0 ? -units : units;
    std::string fraction = std::to_string(magnitude % scale);
    fraction.insert(0, static_cast<std::size_t>(decimals) - fraction.size(), '0');
    std::string text = sign ? (units < 0 ? "-" : "+") : "";
    return text + std::to_string(magnitude / scale) + "." + fraction;
}

}  // namespace

PriceWalk::PriceWalk(std::uint32_t seed)
    : pairs_{{"EURUSD", 108'420, 5},
             {"GBPUSD", 126'710, 5},
             {"USDJPY", 151'230, 3},
             {"AUDUSD", 65'530, 5},
             {"USDCHF", 88'210, 5}},
      random_(seed) {}

std::string PriceWalk::next() {
    Pair& pair = pairs_[random_() % pairs_.size()];
    const std::int64_t change = static_cast<std::int64_t>(random_() % 31) - 15;
    pair.units = std::max<std::int64_t>(1, pair.units + change);  // a price stays positive
    return std::string(pair.symbol) + " " + format_units(pair.units, pair.decimals, false) + " " +
           format_units(change, pair.decimals, true);
}

Ticker::Ticker(asio::io_context& io, double rate, std::function<void(std::string)> publish)
    : timer_(io), rate_(rate), publish_(std::move(publish)) {}

void Ticker::start() {
    if (rate_ <= 0) return;
    start_ = std::chrono::steady_clock::now();
    schedule();
}

void Ticker::stop() {
    stopped_ = true;
    timer_.cancel();
}

void Ticker::schedule() {
    // The next event is due at start + (published + 1) / rate: no drift over a long run.
    const auto due =
        start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>((static_cast<double>(published_) + 1) / rate_));
    const std::chrono::steady_clock::duration gap = rate_ > 100
                                                        ? std::chrono::steady_clock::duration(min_period)
                                                        : std::chrono::steady_clock::duration::zero();
    timer_.expires_at(std::max(due, std::chrono::steady_clock::now() + gap));
    // `this` is safe: the ticker is part of the server's state, which outlives io.run().
    timer_.async_wait([this](const std::error_code& ec) {
        if (!ec && !stopped_) on_tick();
    });
}

void Ticker::on_tick() {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    const auto due = static_cast<std::uint64_t>(std::floor(elapsed.count() * rate_));
    if (due > published_ + max_batch) published_ = due - max_batch;  // far behind: skip, don't flood
    while (published_ < due) {
        ++published_;
        publish_(walk_.next());
    }
    schedule();
}

}  // namespace lesson07
