#include "run.hpp"

#include "proc_stats.hpp"
#include "worker.hpp"

#include "common/logger.hpp"
#include "common/open_files.hpp"
#include "common/stop_event.hpp"

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

}  // namespace

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

    RunMeasurements run;
    LatencyHistogram& latency = run.latency;
    for (const auto& worker : workers) {
        run.counters += worker->counters();
        latency.merge(worker->latency());
    }
    // Before the traffic started (a timeout while connecting), CPU is compared over the whole run.
    const auto cpu_since = stage == std::string_view("connecting") || stage == std::string_view("joining") ? start : go_at;
    run.stage = stage == std::string_view("connecting") ? Stage::connecting
                : stage == std::string_view("joining")  ? Stage::joining
                : stage == std::string_view("holding")  ? Stage::holding
                : stage == std::string_view("traffic")  ? Stage::traffic
                                                        : Stage::done;
    run.complete = complete;
    run.timed_out = end >= deadline;
    run.stopped = stopped;
    run.opened = progress.opened;
    run.failed = progress.failed;
    run.lost = progress.lost;
    run.connect_seconds = std::chrono::duration<double>(connected_at - start).count();
    run.seconds = std::chrono::duration<double>(end - go_at).count();
    run.cpu_window_seconds = std::chrono::duration<double>(end - cpu_since).count();
    run.loadgen_cpu_seconds = own_cpu;
    run.server = {server_before, server_at_go, server_connected, watch.peak_rss};
    {
        std::lock_guard lock(progress.mutex);
        run.first_error = progress.first_error;
    }
    return build_report(options, run);
}

}  // namespace lesson06
