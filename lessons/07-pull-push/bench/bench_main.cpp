// 07-feed-bench: pull against push, measured. Connects N clients per mode (poll, longpoll, sse,
// ws) to a running 07-feed-server, one mode after the other, publishes events at a fixed rate
// on its own connection, and prints per mode the delivery latency, the requests and bytes per
// event (counted by the clients at their sockets), the server's CPU per event and the idle
// cost; then a sweep of poll intervals (polling's latency is about half its interval).
//
//   07-feed-bench --port 7007 --clients 100 --rate 100 --duration 10 --tsv results.tsv
//
// It starts no server: scripts/bench push-pull does, on a free port, pinned to its own CPU.

#include "bench/bench_run.hpp"

#include "common/cli.hpp"
#include "common/open_files.hpp"
#include "common/stop_signals.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
    CLI::App app{
        "Lesson 07: measures polling, long polling, SSE and WebSocket against a running 07-feed-server",
        "07-feed-bench"};
    course::CommonOptions common;
    common.port = 7007;
    course::add_common_options(app, common, course::Role::client);
    lesson07::BenchOptions options;
    std::vector<std::string> modes{"poll", "longpoll", "sse", "ws"};
    std::vector<double> sweep;
    std::string tsv;
    app.add_option("--modes", modes, "the modes to measure, in order")
        ->check(CLI::IsMember({"poll", "longpoll", "sse", "ws"}))
        ->delimiter(',')
        ->capture_default_str();
    app.add_option("-c,--clients", options.clients, "clients per mode")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
        ->capture_default_str();
    app.add_option("--rate", options.rate, "events published per second")
        ->check(CLI::Range(0.1, 100'000.0))
        ->capture_default_str();
    course::add_seconds_option(app, "--duration", options.duration, "publishing time per mode");
    course::add_seconds_option(app, "--idle", options.idle,
                               "the idle phase per mode, before the events (measures the cost of waiting)");
    app.add_flag_callback(
        "--no-idle", [&] { options.idle = std::chrono::milliseconds(0); }, "skip the idle phase");
    course::add_seconds_option(app, "--interval", options.interval, "poll: time between two requests");
    course::add_seconds_option(app, "--wait", options.wait, "longpoll: the wait= the clients ask for");
    app.add_option("--sweep", sweep,
                   "poll intervals to sweep, in seconds (e.g. 0.1,0.5,1,2; none by default)")
        ->delimiter(',')
        ->check(CLI::Range(0.001, 3600.0));
    app.add_option("--sweep-clients", options.sweep_clients, "poll clients per sweep point")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
        ->capture_default_str();
    course::add_seconds_option(app, "--sweep-duration", options.sweep_duration,
                               "publishing time per sweep point");
    course::add_seconds_option(app, "--connect-timeout", options.connect_timeout,
                               "time for a client to connect");
    course::add_seconds_option(
        app, "--linger", options.linger,
        "after the last publish, how long to wait for the last deliveries (plus the interval)");
    app.add_option("--tsv", tsv, "also write the results as tab-separated values to this file");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(common.log_level());
        options.host = common.host;
        options.port = common.port;
        options.log = &log;
        options.modes.clear();
        for (const auto& m : modes) options.modes.push_back(*lesson07::parse_mode(m));
        for (const double s : sweep)
            options.sweep.push_back(std::chrono::milliseconds(std::llround(s * 1000)));
        // Every client is a socket: a thousand of them need more than the usual 1,024 descriptors.
        const std::size_t files = course::raise_open_file_limit();
        const std::size_t largest =
            std::max(options.clients, options.sweep.empty() ? 0 : options.sweep_clients);
        if (largest + 32 > files) {
            throw std::runtime_error(std::to_string(largest) +
                                     " clients need more open files than the limit of " +
                                     std::to_string(files) + " (raise it: ulimit -Hn)");
        }
        asio::io_context io(1);
        course::StopSignals signals(io);
        bool interrupted = false;
        signals.async_wait(log, [&] {
            interrupted = true;
            io.stop();  // the measurement is abandoned: nothing half-measured is printed
        });
        const auto runs = lesson07::run_bench(io, options, [&] { signals.cancel(); });
        if (interrupted) return EXIT_SUCCESS;
        std::vector<lesson07::ModeRow> rows;
        for (const auto& run : runs) rows.push_back(lesson07::summarize(run));
        std::cout << lesson07::format_table(rows) << std::flush;
        if (!tsv.empty()) {
            std::ofstream file(tsv);
            file << lesson07::format_tsv(rows);
            if (!file.flush()) throw std::runtime_error("cannot write " + tsv);
        }
        bool failed = false;
        for (const auto& row : rows) failed = failed || !row.error.empty();
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
    });
}
