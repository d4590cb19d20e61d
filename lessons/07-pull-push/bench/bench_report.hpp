#pragma once
// What 07-feed-bench measured for one mode, and the numbers it prints from it: a table for
// people and a TSV for gnuplot. Pure arithmetic and formatting, no sockets, unit tested.
//
// Per mode (its clients alone against the server, one mode after the other):
//   latency        delivery latency of every event to every client: now - the event's `us`
//   requests/event HTTP requests the clients sent in the traffic phase / events delivered
//   bytes/event    bytes the clients wrote (up) and read (down) at their sockets in the traffic
//                  phase, HTTP heads included / events delivered
//   server CPU     the server's CPU time over the traffic phase (from /stats) / events delivered
//   idle cost      in a phase without events: requests and bytes per client per minute
//   bottleneck     the publish rate reached, the server's and the benchmark's CPU in % of a core
//                  over the traffic phase (near 100 %: that side limited the run)

#include "client/feed_client.hpp"
#include "latency.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lesson07 {

struct ModeRun {
    FeedMode mode = FeedMode::poll;
    bool sweep = false;  // a point of the poll-interval sweep (no idle phase)
    std::size_t clients = 0;
    double interval_seconds = 0;  // poll: the interval; 0 for the others
    std::string error;            // empty if the run went through
    double idle_seconds = 0;      // 0: no idle phase
    ClientCounters idle;          // what the clients did in the idle phase
    std::uint64_t published = 0;
    double publish_seconds = 0;          // from the first publish to the answer to the last
    double bench_cpu_seconds = 0;        // this process' CPU time over the traffic phase
    double traffic_seconds = 0;          // from the first publish until the last client had the last event
    ClientCounters traffic;              // what the clients did in the traffic phase
    std::uint64_t server_cpu_us = 0;     // the server's CPU time over the traffic phase
    std::uint64_t server_events = 0;     // events the server says it delivered in this mode
    std::uint64_t server_bytes = 0;      // bytes the server says it sent in this mode (head + body)
    lesson06::LatencyHistogram latency;  // nanoseconds, one value per delivery
};

struct ModeRow {
    std::string kind;  // "mode" or "sweep"
    std::string mode;
    std::size_t clients = 0;
    double interval_seconds = 0;
    std::uint64_t published = 0, expected = 0, delivered = 0, missing = 0, duplicates = 0, reconnects = 0;
    double p50_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
    double requests_per_event = 0, bytes_up_per_event = 0, bytes_down_per_event = 0;
    double server_bytes_per_event = 0, server_cpu_us_per_event = 0;
    // Who was the bottleneck: the rate the events were published at (below the asked rate when
    // the server or the benchmark could not keep up), and both CPUs in % of one core.
    double publish_rate = 0, server_cpu_pct = 0, bench_cpu_pct = 0;
    double idle_requests_per_client_min = 0, idle_bytes_up_per_client_min = 0,
           idle_bytes_down_per_client_min = 0;
    bool has_idle = false;
    std::string error;
};

ModeRow summarize(const ModeRun& run);

// The table for a terminal: one row per mode, then the sweep's rows.
std::string format_table(const std::vector<ModeRow>& rows);
// One header line, then one line per row; tab-separated, NaN where a number does not apply.
std::string format_tsv(const std::vector<ModeRow>& rows);

}  // namespace lesson07
