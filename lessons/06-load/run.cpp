#include "run.hpp"

#include "proc_stats.hpp"
#include "worker.hpp"

#include "common/open_files.hpp"

#include <asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace lesson06 {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto poll_interval = std::chrono::milliseconds(50);  // how often the coordinator samples /proc

asio::ip::tcp::endpoint resolve(const Target& target) {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    std::error_code ec;
    const auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
    if (ec || results.empty()) throw std::runtime_error("cannot resolve " + target.host + ": " + ec.message());
    return results.begin()->endpoint();
}

// Watches the server's memory while the coordinator waits, to report its peak.
struct ServerWatch {
    pid_t pid = 0;
    std::optional<ProcSample> first, last;
    std::uint64_t peak_rss = 0;

    void sample() {
        if (pid == 0) return;
        if (auto s = sample_process(pid)) {
            if (!first) first = s;
            last = s;
            peak_rss = std::max(peak_rss, s->rss_bytes);
        }
    }
};

bool stop_requested(const LoadOptions& options) { return options.stop && options.stop->requested(); }

// Waits until `done` holds, the deadline passes or a stop is requested (seen within one
// poll_interval), sampling the server meanwhile. True if done.
template <class Done>
bool wait_until(const LoadOptions& options, SharedProgress& progress, Clock::time_point deadline, ServerWatch& watch,
                Done done) {
    std::unique_lock lock(progress.mutex);
    while (!done()) {
        const auto now = Clock::now();
        if (now >= deadline || stop_requested(options)) return false;
        progress.changed.wait_until(lock, std::min(deadline, now + poll_interval));
        lock.unlock();
        watch.sample();
        lock.lock();
    }
    return true;
}

double per_second(std::uint64_t count, double seconds) { return seconds > 0 ? static_cast<double>(count) / seconds : 0; }

}  // namespace

const char* mode_name(Mode mode) noexcept {
    switch (mode) {
    case Mode::echo: return "echo";
    case Mode::broadcast: return "broadcast";
    case Mode::idle: return "idle";
    }
    return "?";
}

RunResult run_load(const LoadOptions& options) {
    const std::uint64_t file_limit = course::raise_open_file_limit();
    const std::size_t total = options.connections + (options.mode == Mode::broadcast ? options.senders : 0);
    if (total + 16 > file_limit) {
        throw std::runtime_error(std::to_string(total) + " connections need more than the open-file limit of " +
                                 std::to_string(file_limit) + " (raise it with ulimit -Hn)");
    }
    // Each receiver keeps one bit per message sent (to count duplicates exactly): bound it.
    constexpr double max_bitmap_bytes = 1 << 30;  // 1 GiB in all
    if (options.mode == Mode::broadcast &&
        static_cast<double>(options.connections) * static_cast<double>(options.senders * options.messages) / 8 >
            max_bitmap_bytes) {
        throw std::runtime_error("receivers x senders x messages is too large (over 1 GiB of bitmaps); send fewer");
    }
    const auto endpoint = resolve(options.target);
    const auto start = Clock::now();
    const auto deadline = start + options.timeout;

    ServerWatch watch;
    watch.pid = options.server_pid;
    watch.sample();
    const auto server_before = watch.first;
    const double own_before = own_cpu_seconds();

    SharedProgress progress;
    std::vector<std::unique_ptr<Worker>> workers;
    for (std::size_t i = 0; i < options.threads; ++i) {
        workers.push_back(std::make_unique<Worker>(options, progress, i, endpoint));
    }
    for (auto& worker : workers) worker->start_thread();
    for (auto& worker : workers) worker->connect_all();
    if (options.log) {
        options.log->info("opening ", total, " connections to ", options.target.url, " on ", options.threads,
                          options.threads == 1 ? " thread" : " threads");
    }

    // Phase 1: every connection open (or failed), and for broadcast every member in the room.
    const bool all_settled = wait_until(options, progress, deadline, watch, [&] {
        const std::size_t settled = progress.opened + progress.failed;
        if (settled < total) return false;
        if (options.mode == Mode::broadcast && progress.failed == 0) return progress.ready + progress.lost >= total;
        return true;
    });
    const auto connected_at = Clock::now();

    // Phase 2: the traffic. Idle holds the connections and reads the server's memory.
    // CPU is compared over this phase only (for idle: the whole run), where the work is.
    bool complete = false;
    std::optional<ProcSample> server_at_go = server_before;
    double own_at_go = own_before;
    const char* stage = progress.opened + progress.failed < total ? "connecting"
                        : !all_settled                            ? "joining"
                        : progress.failed > 0                     ? "connecting"
                                                                  : "holding";
    Clock::time_point go_at = options.mode == Mode::idle ? start : connected_at;
    if (all_settled && progress.failed == 0) {
        if (options.mode == Mode::idle) {
            wait_until(options, progress, std::min(deadline, connected_at + options.hold), watch, [] { return false; });
            complete = Clock::now() < deadline && !stop_requested(options) && progress.lost == 0;
        } else {
            if (options.log) options.log->info("all ", total, " connections ready; sending");
            go_at = Clock::now();
            watch.sample();
            server_at_go = watch.last;
            own_at_go = own_cpu_seconds();
            stage = "traffic";
            const auto go_nanos = static_cast<std::int64_t>(now_nanos());
            const auto linger_nanos = std::chrono::nanoseconds(options.linger).count();
            for (auto& worker : workers) worker->go();
            if (options.mode == Mode::echo) {
                complete = wait_until(options, progress, deadline, watch,
                                      [&] { return progress.finished + progress.lost >= options.connections; });
                complete = complete && progress.lost == 0;
            } else {
                // Done when every receiver has every token, or when all is sent and nothing more
                // has arrived for --linger (some deliveries are lost: wait no longer).
                complete = wait_until(options, progress, deadline, watch, [&] {
                    if (progress.finished >= options.connections) return true;
                    if (progress.senders_done < options.senders) return false;
                    const auto last = std::max(progress.last_receipt_ns.load(std::memory_order_relaxed), go_nanos);
                    return static_cast<std::int64_t>(now_nanos()) - last > linger_nanos;
                });
                complete = complete && progress.finished >= options.connections;
            }
        }
    }
    const auto end = Clock::now();
    const bool stopped = !complete && stop_requested(options);
    if (options.log) {
        options.log->info(complete      ? "done"
                          : stopped     ? "stopped"
                          : end >= deadline ? "timed out"
                                        : "incomplete",
                          " after ",
                          std::chrono::duration_cast<std::chrono::milliseconds>(end - start).count(), " ms");
    }
    watch.sample();
    const auto server_connected = watch.last;  // idle: after the hold, with every connection open
    const double own_cpu = own_cpu_seconds() - own_at_go;
    if (complete) stage = "done";
    for (auto& worker : workers) worker->stop();
    for (auto& worker : workers) worker->join();

    WorkerCounters sum;
    LatencyHistogram latency;
    for (const auto& worker : workers) {
        const auto& c = worker->counters();
        sum.sent += c.sent;
        sum.received += c.received;
        sum.unique += c.unique;
        sum.duplicates += c.duplicates;
        sum.bad += c.bad;
        latency.merge(worker->latency());
    }

    RunResult result;
    Report& r = result.report;
    const bool timed_out = end >= deadline;
    const double seconds = std::chrono::duration<double>(end - go_at).count();
    r.add("mode", mode_name(options.mode));
    r.add("url", options.target.url);
    r.add("connections", static_cast<std::uint64_t>(options.connections));
    if (options.mode == Mode::broadcast) r.add("senders", static_cast<std::uint64_t>(options.senders));
    r.add("threads", static_cast<std::uint64_t>(options.threads));
    r.add("opened", static_cast<std::uint64_t>(progress.opened.load()));
    r.add("failed", static_cast<std::uint64_t>(progress.failed.load()));
    r.add("lost", static_cast<std::uint64_t>(progress.lost.load()));
    r.add("connect_seconds", std::chrono::duration<double>(connected_at - start).count(), 3);
    r.add("seconds", seconds, 3);

    if (options.mode == Mode::echo) {
        const std::uint64_t expected = options.connections * options.messages;
        r.add("sent", sum.sent);
        r.add("received", sum.received);
        r.add("expected", expected);
        r.add("bad", sum.bad);
        r.add("msg_per_s", per_second(sum.received, seconds), 0);
        r.add("mb_per_s", per_second(sum.received * options.size, seconds) / 1e6, 2);
        result.ok = complete && sum.received == expected && sum.bad == 0;
    } else if (options.mode == Mode::broadcast) {
        const std::uint64_t expected = options.connections * options.senders * options.messages;
        r.add("sent", sum.sent);
        r.add("expected", expected);
        r.add("delivered", sum.unique);
        r.add("missing", expected - std::min(expected, sum.unique));
        r.add("duplicates", sum.duplicates);
        r.add("bad", sum.bad);
        r.add("deliveries_per_s", per_second(sum.unique, seconds), 0);
        result.ok = complete && sum.unique == expected && sum.duplicates == 0 && sum.bad == 0;
    } else {
        result.ok = complete && progress.opened == options.connections;
    }
    if (options.mode != Mode::idle) {
        r.add("p50_us", micros(latency.percentile(0.50)), true);
        r.add("p90_us", micros(latency.percentile(0.90)), true);
        r.add("p99_us", micros(latency.percentile(0.99)), true);
        r.add("max_us", micros(latency.max()), true);
    }
    // Before the traffic started (a timeout while connecting), CPU is compared over the whole run.
    const auto cpu_since = stage == std::string_view("connecting") || stage == std::string_view("joining") ? start : go_at;
    const double phase_seconds = std::chrono::duration<double>(end - cpu_since).count();
    r.add("loadgen_cpu_s", own_cpu, 3);
    r.add("loadgen_cpu_pct", phase_seconds > 0 ? 100 * own_cpu / phase_seconds : 0, 1);
    if (server_at_go && watch.last) {
        const double server_cpu = watch.last->cpu_seconds - server_at_go->cpu_seconds;
        r.add("server_cpu_s", server_cpu, 3);
        r.add("server_cpu_pct", phase_seconds > 0 ? 100 * server_cpu / phase_seconds : 0, 1);
        r.add("server_rss_before_kib", server_before->rss_bytes / 1024);
        r.add("server_rss_peak_kib", watch.peak_rss / 1024);
        if (options.mode == Mode::idle && server_connected && progress.opened > 0) {
            const auto grown = server_connected->rss_bytes > server_before->rss_bytes
                                   ? server_connected->rss_bytes - server_before->rss_bytes
                                   : 0;
            r.add("server_rss_connected_kib", server_connected->rss_bytes / 1024);
            r.add("server_bytes_per_conn", grown / progress.opened);
        }
    } else if (options.server_pid != 0) {
        r.add("server_stats", "unreadable");
    }
    r.add("stage", stage);  // how far the run got: connecting, joining, traffic, holding, done
    r.add("timed_out", static_cast<std::uint64_t>(timed_out ? 1 : 0));
    r.add("stopped", static_cast<std::uint64_t>(stopped ? 1 : 0));  // by a signal, before the end
    result.stopped = stopped;
    r.add("ok", static_cast<std::uint64_t>(result.ok ? 1 : 0));
    {
        std::lock_guard lock(progress.mutex);
        if (!progress.first_error.empty()) r.add("error", progress.first_error);
    }
    return result;
}

}  // namespace lesson06
