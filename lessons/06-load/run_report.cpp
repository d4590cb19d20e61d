#include "run_report.hpp"

#include <algorithm>

namespace lesson06 {
namespace {

double per_second(std::uint64_t count, double seconds) {
    return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

double percent_of(double cpu_seconds, double window_seconds) {
    return window_seconds > 0 ? 100 * cpu_seconds / window_seconds : 0;
}

std::uint64_t count(std::size_t n) { return static_cast<std::uint64_t>(n); }
std::uint64_t flag(bool b) { return b ? 1 : 0; }

// Each add_* appends its fields and returns whether its part of the run is ok.

bool add_echo(Report& r, const LoadOptions& options, const RunMeasurements& run) {
    const WorkerCounters& c = run.counters;
    const std::uint64_t expected = count(options.connections) * count(options.messages);
    r.add("sent", c.sent);
    r.add("received", c.received);
    r.add("expected", expected);
    r.add("bad", c.bad);
    r.add("msg_per_s", per_second(c.received, run.seconds), 0);
    r.add("mb_per_s", per_second(c.received * count(options.size), run.seconds) / 1e6, 2);
    return c.received == expected && c.bad == 0;
}

bool add_broadcast(Report& r, const LoadOptions& options, const RunMeasurements& run) {
    const WorkerCounters& c = run.counters;
    const std::uint64_t expected =
        count(options.connections) * count(options.senders) * count(options.messages);
    r.add("sent", c.sent);
    r.add("expected", expected);
    r.add("delivered", c.unique);
    r.add("missing", expected - std::min(expected, c.unique));
    r.add("duplicates", c.duplicates);
    r.add("out_of_order", c.out_of_order);
    r.add("bad", c.bad);
    r.add("deliveries_per_s", per_second(c.unique, run.seconds), 0);
    return c.unique == expected && c.duplicates == 0 && c.out_of_order == 0 && c.bad == 0;
}

// connect: each connection opened and closed `messages` times.
bool add_connect(Report& r, const LoadOptions& options, const RunMeasurements& run) {
    const std::uint64_t expected = count(options.connections) * count(options.messages);
    r.add("setups", run.counters.received);
    r.add("expected", expected);
    r.add("setups_per_s", per_second(run.counters.received, run.seconds), 0);
    return run.counters.received == expected;
}

// wss://: how many TLS handshakes, how many resumed a session, and how long they took (from the
// ClientHello to the handshake's end, on the client's clock: round trips and both sides' crypto).
void add_tls(Report& r, const RunMeasurements& run) {
    r.add("tls_handshakes", run.counters.tls_handshakes);
    r.add("tls_resumed", run.counters.tls_resumed);
    r.add("tls_handshake_p50_us", micros(run.handshakes.percentile(0.50)), true);
    r.add("tls_handshake_p99_us", micros(run.handshakes.percentile(0.99)), true);
}

void add_latency(Report& r, const LatencyHistogram& latency) {
    r.add("p50_us", micros(latency.percentile(0.50)), true);
    r.add("p90_us", micros(latency.percentile(0.90)), true);
    r.add("p99_us", micros(latency.percentile(0.99)), true);
    r.add("max_us", micros(latency.max()), true);
}

// Both sides' CPU over the same window, so a reader sees which one ran out of CPU first.
void add_cpu_and_memory(Report& r, const LoadOptions& options, const RunMeasurements& run) {
    r.add("loadgen_cpu_s", run.loadgen_cpu_seconds, 3);
    r.add("loadgen_cpu_pct", percent_of(run.loadgen_cpu_seconds, run.cpu_window_seconds), 1);
    const ServerUsage& server = run.server;
    if (!server.before || !server.at_go || !server.after) {
        if (options.server_pid != 0) r.add("server_stats", "unreadable");
        return;
    }
    const double server_cpu = server.after->cpu_seconds - server.at_go->cpu_seconds;
    r.add("server_cpu_s", server_cpu, 3);
    r.add("server_cpu_pct", percent_of(server_cpu, run.cpu_window_seconds), 1);
    r.add("server_rss_before_kib", server.before->rss_bytes / 1024);
    r.add("server_rss_peak_kib", server.peak_rss / 1024);
    // Idle: the memory the connections cost, sampled while they were all still open. (It can
    // shrink: the allocator may give back what the server had used before.)
    if (options.mode == Mode::idle && run.opened > 0) {
        const std::uint64_t before = server.before->rss_bytes, with = server.after->rss_bytes;
        r.add("server_rss_connected_kib", with / 1024);
        r.add("server_bytes_per_conn", (with > before ? with - before : 0) / count(run.opened));
    }
}

}  // namespace

const char* stage_name(Stage stage) noexcept {
    switch (stage) {
    case Stage::connecting: return "connecting";
    case Stage::joining: return "joining";
    case Stage::holding: return "holding";
    case Stage::traffic: return "traffic";
    case Stage::done: return "done";
    }
    return "?";
}

const char* mode_name(Mode mode) noexcept {
    switch (mode) {
    case Mode::echo: return "echo";
    case Mode::broadcast: return "broadcast";
    case Mode::idle: return "idle";
    case Mode::connect: return "connect";
    }
    return "?";
}

WorkerCounters& WorkerCounters::operator+=(const WorkerCounters& other) noexcept {
    sent += other.sent;
    received += other.received;
    unique += other.unique;
    duplicates += other.duplicates;
    out_of_order += other.out_of_order;
    bad += other.bad;
    tls_handshakes += other.tls_handshakes;
    tls_resumed += other.tls_resumed;
    return *this;
}

RunResult build_report(const LoadOptions& options, const RunMeasurements& run) {
    RunResult result;
    Report& r = result.report;
    r.add("mode", mode_name(options.mode));
    r.add("url", urls_of(options.targets));
    r.add("connections", count(options.connections));
    if (options.mode == Mode::broadcast) r.add("senders", count(options.senders));
    r.add("threads", count(options.threads));
    r.add("opened", count(run.opened));
    r.add("failed", count(run.failed));
    r.add("lost", count(run.lost));
    r.add("connect_seconds", run.connect_seconds, 3);
    r.add("seconds", run.seconds, 3);

    bool counts_ok = false;
    switch (options.mode) {
    case Mode::echo: counts_ok = add_echo(r, options, run); break;
    case Mode::broadcast: counts_ok = add_broadcast(r, options, run); break;
    case Mode::idle: counts_ok = run.opened == options.connections; break;
    case Mode::connect: counts_ok = add_connect(r, options, run); break;
    }
    if (options.mode == Mode::echo || options.mode == Mode::broadcast) add_latency(r, run.latency);
    if (!options.targets.empty() && options.targets.front().scheme == Target::Scheme::wss) add_tls(r, run);
    add_cpu_and_memory(r, options, run);

    result.ok = run.complete && counts_ok;
    result.stopped = run.stopped;
    r.add("stage", stage_name(run.stage));
    r.add("timed_out", flag(run.timed_out));
    r.add("stopped", flag(run.stopped));  // by a signal, before the end
    r.add("ok", flag(result.ok));
    if (!run.first_error.empty()) r.add("error", run.first_error);
    return result;
}

}  // namespace lesson06
