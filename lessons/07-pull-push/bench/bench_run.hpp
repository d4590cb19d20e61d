#pragma once
// 07-feed-bench's measurement: for each mode in turn, N clients follow a running feed server
// while nothing happens (the idle phase), then while the benchmark publishes events at a fixed
// rate on its own connection (the traffic phase); then the poll-interval sweep. One thread, one
// io_context: the clients are coroutines (client/feed_client.hpp).
//
// Every client starts at the id the server reported just before (after=ID), so an event is
// never missed because a stream was registered late; a missing event is a real loss. Each mode
// runs alone (its clients are closed before the next mode connects), so the server's CPU time
// over a traffic phase, from /stats, is that mode's.

#include "bench/bench_report.hpp"

#include "common/logger.hpp"

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lesson07 {

struct BenchOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7007;
    std::vector<FeedMode> modes{FeedMode::poll, FeedMode::long_poll, FeedMode::sse, FeedMode::ws};
    std::size_t clients = 100;                     // per mode
    double rate = 100;                             // events published per second
    std::chrono::milliseconds duration{10'000};    // of publishing, per mode
    std::chrono::milliseconds idle{30'000};        // the idle phase, per mode
    std::chrono::milliseconds interval{1000};      // poll
    std::chrono::milliseconds wait{25'000};        // longpoll
    std::vector<std::chrono::milliseconds> sweep;  // poll intervals; empty: no sweep
    std::size_t sweep_clients = 20;
    std::chrono::milliseconds sweep_duration{10'000};
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds linger{5000};  // after the last publish, at most this (+ the interval)
    course::Logger* log = nullptr;
};

// Runs every mode, then the sweep, on `io` until they are done (then calls `finished`, so the
// caller can cancel what else keeps `io` running, such as its signal handler) or `io` is
// stopped. Throws std::runtime_error if the server cannot be reached. A mode that fails (clients
// that cannot join) gives a row with its error; the others still run.
std::vector<ModeRun> run_bench(asio::io_context& io, const BenchOptions& options,
                               const std::function<void()>& finished);

}  // namespace lesson07
