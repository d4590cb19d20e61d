#include "bench/bench_run.hpp"

#include "bench/http_link.hpp"
#include "bench/stats_json.hpp"

#include "json.hpp"
#include "proc_stats.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace lesson07 {

using asio::awaitable;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

constexpr auto check_every = milliseconds(10);  // how often a wait looks at the clients
constexpr auto stop_timeout = std::chrono::seconds(10);

// A plausible feed line: a price with its change.
std::string event_text(std::uint64_t n) {
    char text[64];
    const double price = 1.08 + static_cast<double>(n % 500) * 0.00001;
    std::snprintf(text, sizeof text, "EURUSD %.5f %+.5f bench #%llu", price, n % 2 ? 0.00012 : -0.00007,
                  static_cast<unsigned long long>(n));
    return text;
}

double seconds(steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// What the clients of one mode share with their completion handlers and callbacks; shared, so
// that it outlives a client whose run() ends after the mode's coroutine has moved on.
struct Fleet {
    enum class Phase { joining, idle, traffic, done };
    Phase phase = Phase::joining;
    std::vector<std::unique_ptr<FeedClient>> clients;
    std::size_t finished = 0;
    std::string first_error;
    lesson06::LatencyHistogram latency;

    ClientCounters sum() const {
        ClientCounters total;
        for (const auto& c : clients) total += c->counters();
        return total;
    }
    std::size_t joined() const {
        return static_cast<std::size_t>(
            std::count_if(clients.begin(), clients.end(), [](const auto& c) { return c->joined(); }));
    }
    bool all_have(std::uint64_t id) const {
        return std::all_of(clients.begin(), clients.end(),
                           [id](const auto& c) { return c->last_id() >= id; });
    }
};

class Bench {
public:
    Bench(asio::io_context& io, const BenchOptions& options)
        : io_(io), options_(options),
          link_(io.get_executor(), options.host, options.port, milliseconds(10'000)), timer_(io) {}

    awaitable<void> run(std::vector<ModeRun>& out) {
        (void)co_await stats();  // the server is there, and it is the feed's
        for (const FeedMode mode : options_.modes) {
            const milliseconds interval = mode == FeedMode::poll ? options_.interval : milliseconds(0);
            out.push_back(
                co_await run_mode(mode, options_.clients, interval, options_.idle, options_.duration, false));
        }
        for (const milliseconds interval : options_.sweep) {
            out.push_back(co_await run_mode(FeedMode::poll, options_.sweep_clients, interval, milliseconds(0),
                                            options_.sweep_duration, true));
        }
        link_.close();
    }

private:
    template <class... Parts> void say(const Parts&... parts) {
        if (options_.log) options_.log->info(parts...);
    }

    awaitable<void> sleep_until(steady_clock::time_point at) {
        timer_.expires_at(at);
        std::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    // Waits until done() or the deadline, looking every check_every; true if done().
    template <class Done> awaitable<bool> wait_until(Done done, steady_clock::time_point deadline) {
        while (!done()) {
            if (steady_clock::now() >= deadline) co_return false;
            co_await sleep_until(std::min(deadline, steady_clock::now() + check_every));
        }
        co_return true;
    }

    awaitable<StatsJson> stats() {
        const HttpResponse response = co_await link_.request("GET", "/stats");
        StatsJson parsed = parse_stats_json(response.body);
        if (response.head.status != 200 || !parsed.ok() || !parsed.values.contains("cpu_us")) {
            throw std::runtime_error("GET /stats: not a feed server's answer (" +
                                     std::to_string(response.head.status) +
                                     (parsed.ok() ? "" : ", " + parsed.error) + ")");
        }
        co_return parsed;
    }

    awaitable<std::uint64_t> publish(std::uint64_t n) {
        const std::string body = event_text(n);
        const HttpResponse response = co_await link_.request("POST", "/publish", body);
        const auto parsed = lesson05::json::parse_object(response.body);
        const auto* id = parsed.object ? parsed.object->find("id") : nullptr;
        if (response.head.status != 202 || !id || id->kind != lesson05::json::Value::Kind::integer) {
            throw std::runtime_error("POST /publish answered " + std::to_string(response.head.status) + " " +
                                     response.body.substr(0, 100));
        }
        co_return static_cast<std::uint64_t>(id->integer);
    }

    awaitable<ModeRun> run_mode(FeedMode mode, std::size_t count, milliseconds interval, milliseconds idle,
                                milliseconds duration, bool sweep) {
        ModeRun run;
        run.mode = mode;
        run.sweep = sweep;
        run.clients = count;
        run.interval_seconds = seconds(interval);
        char sweep_name[48];
        std::snprintf(sweep_name, sizeof sweep_name, "poll every %g s", run.interval_seconds);
        const std::string name = sweep ? sweep_name : std::string(mode_name(mode));
        const StatsJson before_join = co_await stats();
        const std::uint64_t start_id = before_join.get("last_id");

        auto fleet = std::make_shared<Fleet>();
        fleet->clients.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            FeedClientOptions o;
            o.mode = mode;
            o.host = options_.host;
            o.port = options_.port;
            if (interval.count() > 0) o.interval = interval;
            o.wait = options_.wait;
            o.connect_timeout = options_.connect_timeout;
            o.after = start_id;
            fleet->clients.push_back(std::make_unique<FeedClient>(
                io_.get_executor(), o,
                [f = fleet.get()](const FeedEvent&, std::chrono::microseconds latency) {
                    if (f->phase != Fleet::Phase::traffic) return;
                    f->latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())) *
                                      1000);
                }));
        }
        for (auto& client : fleet->clients) {
            asio::co_spawn(io_, client->run(), [fleet](std::exception_ptr e) {
                ++fleet->finished;
                if (!e || !fleet->first_error.empty()) return;
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& error) {
                    fleet->first_error = error.what();
                }
            });
        }

        // Join: every client connected (and asked, or opened its stream).
        const auto join_deadline = steady_clock::now() + options_.connect_timeout + std::chrono::seconds(5);
        const bool joined = co_await wait_until(
            [&] { return fleet->joined() == count || fleet->finished > 0; }, join_deadline);
        if (!joined || fleet->finished > 0) {
            run.error = "only " + std::to_string(fleet->joined()) + " of " + std::to_string(count) +
                        " clients joined" + (fleet->first_error.empty() ? "" : ": " + fleet->first_error);
            co_await stop_all(fleet);
            say(name, ": ", run.error);
            co_return run;
        }
        say(name, ": ", count, " clients joined");

        if (idle.count() > 0) {
            fleet->phase = Fleet::Phase::idle;
            const ClientCounters before = fleet->sum();
            co_await sleep_until(steady_clock::now() + idle);
            run.idle = fleet->sum() - before;
            run.idle_seconds = seconds(idle);
        }

        const StatsJson server_before = co_await stats();
        const ClientCounters before = fleet->sum();
        fleet->phase = Fleet::Phase::traffic;
        const auto events = static_cast<std::uint64_t>(std::llround(options_.rate * seconds(duration)));
        say(name, ": publishing ", events, " events at ", options_.rate, "/s");
        const auto start = steady_clock::now();
        const double cpu_before = lesson06::own_cpu_seconds();
        const auto period = std::chrono::duration<double>(1.0 / options_.rate);
        std::uint64_t last_id = start_id;
        std::string error;
        try {
            for (std::uint64_t i = 0; i < events; ++i) {
                co_await sleep_until(start + std::chrono::duration_cast<steady_clock::duration>(
                                                 period * static_cast<double>(i)));
                last_id = co_await publish(i + 1);
                ++run.published;
            }
        } catch (const std::runtime_error& e) {
            error = e.what();
        }
        run.publish_seconds = seconds(steady_clock::now() - start);
        const bool all = co_await wait_until([&] { return fleet->all_have(last_id) || fleet->finished > 0; },
                                             steady_clock::now() + options_.linger + interval);
        run.traffic_seconds = seconds(steady_clock::now() - start);
        run.bench_cpu_seconds = lesson06::own_cpu_seconds() - cpu_before;
        fleet->phase = Fleet::Phase::done;
        run.traffic = fleet->sum() - before;
        const StatsJson server_after = co_await stats();
        const std::string key = "modes." + std::string(mode_name(mode)) + ".";
        auto delta = [&](const std::string& field) {
            return server_after.get(key + field) -
                   std::min(server_after.get(key + field), server_before.get(key + field));
        };
        run.server_cpu_us =
            server_after.get("cpu_us") - std::min(server_after.get("cpu_us"), server_before.get("cpu_us"));
        run.server_events = delta("events");
        run.server_bytes = delta("head_bytes") + delta("body_bytes");
        run.latency = fleet->latency;
        if (!error.empty()) run.error = error;
        else if (fleet->finished > 0) run.error = "a client failed: " + fleet->first_error;
        else if (!all) run.error = "not every client had the last event after the linger time";
        co_await stop_all(fleet);
        say(name, ": ", run.traffic.events, " deliveries", run.error.empty() ? "" : "; " + run.error);
        co_return run;
    }

    awaitable<void> stop_all(std::shared_ptr<Fleet> fleet) {
        for (auto& client : fleet->clients) client->stop();
        const std::size_t count = fleet->clients.size();
        if (!co_await wait_until([&] { return fleet->finished == count; },
                                 steady_clock::now() + stop_timeout)) {
            // A client whose run() has not ended must not be destroyed under it: kept, and said.
            say("warning: ", count - fleet->finished, " clients did not stop within 10 s");
            for (auto& client : fleet->clients) (void)client.release();
        }
        fleet->clients.clear();
    }

    asio::io_context& io_;
    const BenchOptions& options_;
    HttpLink link_;
    asio::steady_timer timer_;
};

}  // namespace

std::vector<ModeRun> run_bench(asio::io_context& io, const BenchOptions& options,
                               const std::function<void()>& finished) {
    std::vector<ModeRun> out;
    Bench bench(io, options);
    std::exception_ptr failure;
    asio::co_spawn(io, bench.run(out), [&](std::exception_ptr e) {
        failure = e;
        finished();
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return out;
}

}  // namespace lesson07
