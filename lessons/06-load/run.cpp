#include "run.hpp"

#include "proc_stats.hpp"
#include "receipts.hpp"
#include "tls_client.hpp"
#include "worker.hpp"

#include "common/logger.hpp"
#include "common/open_files.hpp"
#include "common/stop_event.hpp"

#include <asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace lesson06 {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto poll_interval = std::chrono::milliseconds(50);  // how often the coordinator samples /proc
constexpr auto probe_first_interval = std::chrono::milliseconds(50);  // --join probe: then 100, 200, ...
constexpr auto probe_max_interval = std::chrono::milliseconds(1'000);
constexpr double max_receipts_bytes = 1 << 30;  // 1 GiB: every broadcast receiver's Receipts together

std::size_t total_connections(const LoadOptions& options) {
    return options.connections + (options.mode == Mode::broadcast ? options.senders : 0);
}

// Refuses, before opening anything, a run this process could not hold: more connections than
// open files, or (broadcast) receipts too large: each receiver keeps one bit per message sent,
// to count duplicates exactly (receipts.hpp).
void check_limits(const LoadOptions& options) {
    const std::uint64_t file_limit = course::raise_open_file_limit();
    const std::size_t total = total_connections(options);
    if (total + 16 > file_limit) {
        throw std::runtime_error(std::to_string(total) +
                                 " connections need more than the open-file limit of " +
                                 std::to_string(file_limit) + " (raise it with ulimit -Hn)");
    }
    if (options.mode == Mode::broadcast &&
        static_cast<double>(options.connections) *
                static_cast<double>(Receipts::bytes_for(options.senders, options.messages)) >
            max_receipts_bytes) {
        throw std::runtime_error(
            "receivers x senders x messages is too large (over 1 GiB of receipts); send fewer");
    }
}

std::vector<asio::ip::tcp::endpoint> resolve(const std::vector<Target>& targets) {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    std::vector<asio::ip::tcp::endpoint> endpoints;
    for (const Target& target : targets) {
        std::error_code ec;
        const auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
        if (ec || results.empty())
            throw std::runtime_error("cannot resolve " + target.host + ": " + ec.message());
        endpoints.push_back(results.begin()->endpoint());
    }
    return endpoints;
}

// Watches the server's memory while the coordinator waits, to report its peak.
struct ServerWatch {
    explicit ServerWatch(pid_t server) : pid(server) {}

    pid_t pid;  // 0: no server to watch
    std::optional<ProcSample> last;
    std::uint64_t peak_rss = 0;

    void sample() {
        if (pid == 0) return;
        if (auto s = sample_process(pid)) {
            last = s;
            peak_rss = std::max(peak_rss, s->rss_bytes);
        }
    }
};

// Where CPU time is counted from: the whole run at first, the traffic once it starts.
struct CpuMark {
    Clock::time_point at;
    double own_cpu_seconds = 0;
    std::optional<ProcSample> server;
};

// One run, phase by phase, on the caller's thread (the coordinator). Each phase sets the stage,
// starts what it needs and waits until its work is done, the deadline passes or a stop is
// requested. The first two return false when the run cannot go on (also when a connection
// failed); run_load then goes straight to finish(), which reports the stage the run had reached.
class LoadRun {
public:
    LoadRun(const LoadOptions& options, const std::vector<asio::ip::tcp::endpoint>& endpoints,
            TlsClient* tls);
    ~LoadRun() { stop_workers(); }
    LoadRun(const LoadRun&) = delete;
    LoadRun& operator=(const LoadRun&) = delete;

    bool open_connections();   // connecting: every connection open, none failed
    bool join_room();          // joining (broadcast): every member has seen its "joined" message
    void hold();               // holding (idle): keep them open for --hold
    void run_traffic();        // traffic (echo, broadcast): go, wait until all is back or delivered
    void churn();              // traffic (connect): open and close, until every set-up is done
    RunMeasurements finish();  // stop the threads, add up what they counted

private:
    template <class Done> bool wait_until(Clock::time_point deadline, Done done);
    bool stop_requested() const { return options_.stop && options_.stop->requested(); }
    CpuMark mark_now();
    bool broadcast_settled(std::int64_t go_nanos) const;
    void stop_workers();

    const LoadOptions& options_;
    const std::size_t total_;
    ServerWatch watch_;
    const CpuMark start_;
    const Clock::time_point deadline_;
    Stage stage_ = Stage::connecting;
    bool complete_ = false;
    Clock::time_point connected_at_;
    CpuMark window_;  // CPU is compared from here: start_, then the start of the traffic
    SharedProgress progress_;
    std::vector<std::unique_ptr<Worker>> workers_;
};

LoadRun::LoadRun(const LoadOptions& options, const std::vector<asio::ip::tcp::endpoint>& endpoints,
                 TlsClient* tls)
    : options_(options), total_(total_connections(options)), watch_(options.server_pid), start_(mark_now()),
      deadline_(start_.at + options.timeout), connected_at_(start_.at), window_(start_) {
    for (std::size_t i = 0; i < options.threads; ++i) {
        workers_.push_back(std::make_unique<Worker>(options, progress_, i, endpoints, tls));
    }
}

CpuMark LoadRun::mark_now() {
    watch_.sample();
    return {Clock::now(), own_cpu_seconds(), watch_.last};
}

// Waits until `done` holds, the deadline passes or a stop is requested (seen within one
// poll_interval), sampling the server meanwhile. True if done.
template <class Done> bool LoadRun::wait_until(Clock::time_point deadline, Done done) {
    std::unique_lock lock(progress_.mutex);
    while (!done()) {
        const auto now = Clock::now();
        if (now >= deadline || stop_requested()) return false;
        progress_.changed.wait_until(lock, std::min(deadline, now + poll_interval));
        lock.unlock();
        watch_.sample();
        lock.lock();
    }
    return true;
}

bool LoadRun::open_connections() {
    stage_ = Stage::connecting;
    for (auto& worker : workers_) worker->start_thread();
    for (auto& worker : workers_) worker->connect_all();
    if (options_.log) {
        options_.log->info("opening ", total_, " connections to ", urls_of(options_.targets), " on ",
                           options_.threads, options_.threads == 1 ? " thread" : " threads");
    }
    const bool settled = wait_until(deadline_, [&] { return progress_.opened + progress_.failed >= total_; });
    connected_at_ = Clock::now();
    return settled && progress_.failed == 0;
}

// Lesson 02 says "* you are NAME", lesson 05 {"type":"hello",...}: until a member has seen it,
// the server may not relay to it yet. A connection lost meanwhile is not waited for.
// With --join probe (servers that greet nobody, such as FastAPI's ConnectionManager chat) the
// first sender sends a probe into the room, and again, each time twice as late (50 ms up to
// 1 s), until every receiver has seen one: a server may add a connection to its room a little
// after the handshake, so one probe sent at once could miss it. Bounded by the run's deadline.
bool LoadRun::join_room() {
    if (options_.mode != Mode::broadcast) return true;
    stage_ = Stage::joining;
    const auto all_joined = [&] { return progress_.ready + progress_.lost >= total_; };
    bool joined = false;
    if (options_.join == JoinRule::greeting) {
        joined = wait_until(deadline_, all_joined);
    } else {
        auto interval = probe_first_interval;
        std::size_t probes = 0;
        while (!joined && Clock::now() < deadline_ && !stop_requested()) {
            for (auto& worker : workers_) worker->send_probe();
            ++probes;
            joined = wait_until(std::min(deadline_, Clock::now() + interval), all_joined);
            interval = std::min(interval * 2, probe_max_interval);
        }
        if (options_.log) options_.log->verbose("joined after ", probes, probes == 1 ? " probe" : " probes");
    }
    connected_at_ = Clock::now();
    return joined;
}

// Idle sends nothing: the connections are the load, and the server's memory is read while
// they are all open. Complete if none was lost and the hold ran its full time.
void LoadRun::hold() {
    stage_ = Stage::holding;
    wait_until(std::min(deadline_, connected_at_ + options_.hold), [] { return false; });
    complete_ = Clock::now() < deadline_ && !stop_requested() && progress_.lost == 0;
}

void LoadRun::run_traffic() {
    stage_ = Stage::traffic;
    if (options_.log) options_.log->info("all ", total_, " connections ready; sending");
    window_ = mark_now();
    const auto go_nanos = static_cast<std::int64_t>(now_nanos());
    for (auto& worker : workers_) worker->go();
    if (options_.mode == Mode::echo) {
        const bool all_back = wait_until(deadline_, [&] {
            return progress_.finished + progress_.lost >= options_.connections;  // lost: will never finish
        });
        complete_ = all_back && progress_.lost == 0;
    } else {
        const bool settled = wait_until(deadline_, [&] { return broadcast_settled(go_nanos); });
        complete_ = settled && progress_.finished >= options_.connections;
    }
}

// The set-ups are the traffic: the clock and the CPU count from the first connect. A set-up that
// fails ends its connection's part (no retry); the run is complete if none did.
void LoadRun::churn() {
    stage_ = Stage::traffic;
    window_ = mark_now();
    for (auto& worker : workers_) worker->start_thread();
    for (auto& worker : workers_) worker->connect_all();
    if (options_.log) {
        options_.log->info("opening and closing ", options_.connections, " connections ", options_.messages,
                           options_.messages == 1 ? " time" : " times", " each to ",
                           urls_of(options_.targets), " on ", options_.threads,
                           options_.threads == 1 ? " thread" : " threads");
    }
    const bool settled =
        wait_until(deadline_, [&] { return progress_.finished + progress_.failed >= options_.connections; });
    connected_at_ = Clock::now();
    complete_ = settled && progress_.failed == 0;
}

// Done when every receiver has every token, or when all is sent and nothing more has arrived
// for --linger (some deliveries are lost: wait no longer).
bool LoadRun::broadcast_settled(std::int64_t go_nanos) const {
    if (progress_.finished >= options_.connections) return true;
    if (progress_.senders_done < options_.senders) return false;
    const auto last = std::max(progress_.last_receipt_ns.load(std::memory_order_relaxed), go_nanos);
    return static_cast<std::int64_t>(now_nanos()) - last > std::chrono::nanoseconds(options_.linger).count();
}

void LoadRun::stop_workers() {
    for (auto& worker : workers_) worker->stop();
    for (auto& worker : workers_) worker->join();
}

RunMeasurements LoadRun::finish() {
    const auto end = Clock::now();
    RunMeasurements run;
    run.complete = complete_;
    run.timed_out = end >= deadline_;
    run.stopped = !complete_ && stop_requested();
    if (options_.log) {
        const char* outcome = complete_       ? "done"
                              : run.stopped   ? "stopped"
                              : run.timed_out ? "timed out"
                                              : "incomplete";
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(end - start_.at).count();
        options_.log->info(outcome, " after ", ms, " ms");
    }
    watch_.sample();  // idle: with every connection still open
    run.loadgen_cpu_seconds = own_cpu_seconds() - window_.own_cpu_seconds;
    stop_workers();

    run.stage = complete_ ? Stage::done : stage_;
    run.opened = progress_.opened;
    run.failed = progress_.failed;
    run.lost = progress_.lost;
    run.connect_seconds = std::chrono::duration<double>(connected_at_ - start_.at).count();
    // Idle: the whole run. Echo and broadcast: the traffic, if it ever started.
    const bool measured = options_.mode == Mode::idle || stage_ == Stage::traffic;
    run.seconds = measured ? std::chrono::duration<double>(end - window_.at).count() : 0;
    run.cpu_window_seconds = std::chrono::duration<double>(end - window_.at).count();
    for (const auto& worker : workers_) {
        run.counters += worker->counters();
        run.latency.merge(worker->latency());
        run.handshakes.merge(worker->handshake_latency());
    }
    run.server = {start_.server, window_.server, watch_.last, watch_.peak_rss};
    std::lock_guard lock(progress_.mutex);
    run.first_error = progress_.first_error;
    return run;
}

}  // namespace

RunResult run_load(const LoadOptions& options) {
    check_limits(options);
    std::optional<TlsClient> tls;
    if (options.targets.front().scheme == Target::Scheme::wss)
        tls.emplace(options.tls, options.targets.size());
    LoadRun run(options, resolve(options.targets), tls ? &*tls : nullptr);
    if (options.mode == Mode::connect) {
        run.churn();
    } else if (run.open_connections() && run.join_room()) {
        if (options.mode == Mode::idle) {
            run.hold();
        } else {
            run.run_traffic();
        }
    }
    return build_report(options, run.finish());
}

}  // namespace lesson06
