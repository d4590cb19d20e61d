// 03-three-ways: one tiny job, run N times at once in three styles (blocking threads,
// completion handlers, coroutines), measured side by side. The job: send a datagram to a UDP
// echo, wait for it to come back, with a timeout. See job.hpp, styles.hpp and README.md
// ("Three ways to wait").

#include "builtin_echo.hpp"
#include "style_report.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/open_files.hpp"
#include "common/stop_event.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace {

using namespace lesson03::three_ways;

constexpr std::size_t max_jobs = 10'000;       // a thread each in the blocking style
constexpr std::size_t spare_descriptors = 64;  // besides one socket per job: echo, logs, epoll

std::vector<Style> styles_for(const std::string& choice) {
    if (choice == "all") return {Style::blocking, Style::handlers, Style::coroutine};
    return {*parse_style(choice)};  // CLI11 checked the name
}

asio::ip::udp::endpoint resolve_server(const std::string& host, std::uint16_t port) {
    asio::io_context io;
    asio::ip::udp::resolver resolver(io);
    std::error_code ec;
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve host '" + host + "': " + (ec ? ec.message() : "no address"));
    }
    return results.begin()->endpoint();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Lesson 03: one job (a datagram to an echo and its reply, with a timeout) done N times at "
        "once in three styles, blocking, completion handlers and coroutines, and what each costs",
        "03-three-ways"};
    course::CommonOptions options;
    options.port = 0;
    course::add_common_options(app, options, course::Role::client);
    auto* port = app.get_option("--port");
    port->description("a UDP echo server's port (03-udp-server: 7003); 0: start a built-in echo on --host");
    app.get_option("--host")->description("the echo's address (IPv6 literals work: ::1)");
    std::string style = "all";
    std::size_t jobs = 200;  // a burst the echo's receive buffer holds (about 256 small datagrams)
    std::chrono::milliseconds timeout{1'000};
    EchoConfig echo;
    app.add_option("--style", style, "which style to run")
        ->capture_default_str()
        ->check(CLI::IsMember({"blocking", "handlers", "coroutine", "all"}));
    app.add_option("--jobs,-n", jobs, "jobs run at once, in each style")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, max_jobs));
    course::add_seconds_option(app, "--timeout", timeout, "how long each job waits for its reply");
    course::add_seconds_option(app, "--echo-delay", echo.delay,
                               "the built-in echo holds each reply this long")
        ->excludes(port);
    app.add_option("--drop-rate", echo.drop_rate,
                   "the built-in echo answers none of this share of requests (0..1)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0))
        ->excludes(port);
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        const std::size_t open_files = course::raise_open_file_limit();
        if (jobs + spare_descriptors > open_files) {
            throw std::runtime_error("--jobs " + std::to_string(jobs) +
                                     " needs a socket per job, and the open-file "
                                     "limit is " +
                                     std::to_string(open_files) + " (ulimit -n)");
        }
        course::StopEvent stop;
        course::SignalStopper on_signal(stop, log);  // SIGINT, SIGTERM, SIGHUP: stop and exit 0

        // The echo logs each datagram with --verbose (a hex dump with --trace), else nothing.
        course::Logger echo_log(options.verbose || options.trace ? options.log_level()
                                                                 : course::LogLevel::quiet);
        std::unique_ptr<BuiltinEcho> builtin;
        JobPlan plan;
        plan.timeout = timeout;
        if (options.port == 0) {
            echo.delay = std::min(echo.delay, std::chrono::milliseconds(60'000));
            echo.max_held = std::max<std::size_t>(1'024, 2 * jobs);  // this run's and a late previous run's
            builtin = std::make_unique<BuiltinEcho>(
                course::resolve_listen_endpoint(options.host, 0).address(), echo, echo_log);
            plan.echo = builtin->endpoint();
        } else {
            plan.echo = resolve_server(options.host, options.port);
        }

        std::cout << "03-three-ways: " << jobs << (jobs == 1 ? " job" : " jobs")
                  << " per style, each sends a datagram to " << course::format_endpoint(plan.echo)
                  << " and waits up to " << std::chrono::duration<double>(timeout).count()
                  << " s for it to come back";
        if (builtin) {
            std::cout << " (the built-in echo holds each reply " << echo.delay.count() << " ms";
            if (echo.drop_rate > 0) std::cout << " and drops " << echo.drop_rate * 100 << "% of them";
            std::cout << ")";
        }
        std::cout << std::endl;

        std::vector<StyleReport> reports;
        for (const Style each : styles_for(style)) {
            if (stop.requested()) break;
            std::function<ThreadUsage()> echo_usage;
            if (builtin) echo_usage = [&builtin] { return builtin->usage(); };
            reports.push_back(run_style(each, plan, jobs, stop, log, echo_usage));
        }
        std::cout << '\n' << comparison_table(reports) << '\n';
        for (const StyleReport& report : reports) std::cout << summary_line(report) << '\n';
        std::cout << std::flush;
        return EXIT_SUCCESS;
    });
}
