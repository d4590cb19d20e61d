#pragma once
// Turns what a finished run measured into its Report: the fields in a fixed order, the rates, the
// CPU percentages, the server's memory, and whether the run was ok. run_load (run.cpp) gathers
// the numbers from its threads, its clock and /proc; everything computed from them is here, pure
// arithmetic with no clock, socket or /proc in sight, so each rule is unit-tested on made-up runs.
//
// The report always comes, complete or not (a timeout, Ctrl-C, a refused connection): what was
// measured by then, the stage the run had reached, and ok=0 when anything is missing.

#include "latency.hpp"
#include "options.hpp"
#include "proc_stats.hpp"
#include "report.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace lesson06 {

// How far a run got, in order; the report's `stage` field names it. A run that ends early says
// where it was, a complete one says `done`.
enum class Stage {
    connecting,  // opening connections; a run where any connection failed to open ends here
    joining,     // broadcast: every connection open, waiting for every member's "joined" message
    holding,     // idle: every connection open, held for --hold
    traffic,     // echo, broadcast: the messages are flowing
    done,        // the work is complete
};

const char* stage_name(Stage stage) noexcept;
const char* mode_name(Mode mode) noexcept;

// What the worker threads counted, each thread its own; added up at the end.
struct WorkerCounters {
    std::uint64_t sent = 0;        // messages sent (echo, broadcast senders)
    std::uint64_t received = 0;    // echo replies; broadcast: tokens found by receivers, duplicates included
    std::uint64_t unique = 0;      // broadcast: distinct tokens received
    std::uint64_t duplicates = 0;  // broadcast: tokens received twice by the same receiver
    std::uint64_t out_of_order = 0;    // broadcast: first deliveries after a later one of the same sender
    std::uint64_t bad = 0;             // echo replies that differ from what was sent; unknown tokens
    std::uint64_t tls_handshakes = 0;  // wss://: TLS handshakes completed
    std::uint64_t tls_resumed = 0;     // wss://: of them, resuming an earlier session (--tls-resume)

    WorkerCounters& operator+=(const WorkerCounters& other) noexcept;
};

// The server, read from /proc when --server-pid is given; an unset sample could not be read.
struct ServerUsage {
    std::optional<ProcSample> before;  // at the start, before the first connection
    std::optional<ProcSample> at_go;   // when the traffic started (no traffic: the same as before)
    std::optional<ProcSample> after;   // at the end (idle: with every connection still open)
    std::uint64_t peak_rss = 0;        // the largest resident size sampled during the run
};

struct RunMeasurements {
    Stage stage = Stage::connecting;  // where the run ended
    bool complete = false;            // the work was done before the deadline, with no connection lost
    bool timed_out = false;           // --timeout passed
    bool stopped = false;             // ended early because a stop was requested (a signal)
    std::size_t opened = 0;           // connections: as counted in SharedProgress (options.hpp)
    std::size_t failed = 0;
    std::size_t lost = 0;
    double connect_seconds = 0;      // from the start until every connection was open (broadcast: joined)
    double seconds = 0;              // the traffic (idle: the whole run); rates are per second of it
    double cpu_window_seconds = 0;   // what CPU percentages are of: the traffic, or the whole run without it
    double loadgen_cpu_seconds = 0;  // this process's CPU time over that window
    WorkerCounters counters;         // every thread's, added up
    LatencyHistogram latency;        // every thread's, merged
    LatencyHistogram handshakes;     // wss://: the TLS handshakes' times, every thread's merged
    ServerUsage server;
    std::string first_error;  // why the first connection failed or was lost, if one did
};

struct RunResult {
    Report report;
    bool ok = false;       // every connection opened and every message came back (or was delivered) once
    bool stopped = false;  // ended early because a stop was requested (a signal)
};

// The report of a run: what was asked (mode, url, connections, ...), what happened to the
// connections, the mode's counts and rates, latency percentiles (echo, broadcast), for wss://
// the TLS handshakes (how many, how many resumed, their p50 and p99), CPU of both sides over the
// traffic, the server's memory, then stage, timed_out, stopped, ok and the error.
RunResult build_report(const LoadOptions& options, const RunMeasurements& run);

}  // namespace lesson06
