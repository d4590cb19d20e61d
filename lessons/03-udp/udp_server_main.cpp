// 03-udp-server: the UDP datagram reflector. See udp_server.hpp and README.md.
#include "udp_server.hpp"

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/stop_signals.hpp"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 03: a UDP datagram reflector that can drop, duplicate and delay on purpose",
                 "03-udp-server"};
    course::CommonOptions options;
    options.port = 7003;
    course::add_common_options(app, options, course::Role::server);
    lesson03::ServerConfig config;
    auto& faults = config.faults;
    app.add_option("--drop-rate", faults.drop_rate, "probability (0..1) that a datagram is not sent back")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--duplicate-rate", faults.duplicate_rate, "probability (0..1) that it is sent back twice")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--delay-ms", faults.delay_ms, "hold every reply back this many milliseconds")
        ->capture_default_str()
        ->check(CLI::Range(0, 60'000));
    app.add_option("--jitter-ms", faults.jitter_ms, "plus 0..MS more per copy, so replies can overtake")
        ->capture_default_str()
        ->check(CLI::Range(0, 60'000));
    app.add_option("--seed", faults.seed, "seed of the fault decisions: the same seed, the same faults")
        ->capture_default_str();
    app.add_option("--buffer-size", config.buffer_size,
                   "receive buffer in bytes; longer datagrams are truncated")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{65'536}));
    app.add_option("--queue-datagrams", config.max_queued_datagrams, "most delayed copies held at once")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
    app.add_option("--queue-bytes", config.max_queued_bytes, "most payload bytes held for delayed copies")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
    course::add_seconds_option(app, "--summary-interval", config.summary_interval,
                               "at most one summary line per interval, when anything happened "
                               "(--verbose: a line per datagram too)");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        asio::io_context io;  // one thread: the socket and the delay timer take turns on it
        const auto address = course::resolve_listen_endpoint(options.host, options.port);
        auto server = lesson03::UdpServer::create(io, {address.address(), address.port()}, config, log);

        // Catch the signals before announcing: whoever reads "listening on" may send one at once.
        course::StopSignals signals(io);  // SIGINT, SIGTERM, SIGHUP
        signals.async_wait(log, [server] { server->stop(); });
        server->start();
        // For UDP "listening" means bound and receiving: there is no listen() call.
        course::announce_listening(std::cout, course::format_endpoint(server->local_endpoint()));
        io.run();  // returns once the socket is closed and no timer is pending
        log.info("server stopped");
        return EXIT_SUCCESS;
    });
}
