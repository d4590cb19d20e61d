#pragma once
// The feed's built-in source of events: currency prices that wander, one line per event,
//
//   EURUSD 1.08423 +0.00012
//
// PriceWalk makes the lines (sans-IO, deterministic: the same seed gives the same feed, so a
// benchmark run can be repeated); Ticker publishes them at --rate events per second on the
// server's io_context. Above 100 per second the timer fires every 10 ms with a batch, so a
// high rate does not cost one wake-up per event.

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace lesson07 {

class PriceWalk {
public:
    explicit PriceWalk(std::uint32_t seed = 7);
    // The next line: a symbol picked at random moves by -15..+15 of its smallest unit.
    std::string next();

private:
    struct Pair {
        const char* symbol;
        std::int64_t units;  // the price in units of 10^-decimals
        int decimals;
    };
    std::vector<Pair> pairs_;
    std::mt19937 random_;  // its output is fixed by the standard: the same on every machine
};

class Ticker {
public:
    // `rate` events per second; 0 never publishes.
    Ticker(asio::io_context& io, double rate, std::function<void(std::string)> publish);
    void start();
    void stop();

private:
    void schedule();
    void on_tick();

    asio::steady_timer timer_;
    double rate_;
    std::function<void(std::string)> publish_;
    PriceWalk walk_;
    std::chrono::steady_clock::time_point start_;
    std::uint64_t published_ = 0;  // since start_
    bool stopped_ = false;
};

}  // namespace lesson07
