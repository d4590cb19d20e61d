// 02-chat-server: the threaded TCP chat server. See chat_server.hpp and README.md.
#include "chat_server.hpp"

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/endpoint.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace {

std::chrono::milliseconds from_seconds(double seconds) {
    return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 02: a threaded TCP chat server; every line goes to everyone else", "02-chat-server"};
    course::CommonOptions options;
    options.port = 7002;
    course::add_common_options(app, options);
    lesson02::ChatServerConfig config;
    double send_seconds = 10, name_seconds = 60, idle_seconds = 3600;
    app.add_option("--max-clients", config.max_clients, "clients at once (each costs two threads)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    app.add_option("--queue-limit", config.session.queue_limit,
                   "bytes queued for one client before it is dropped as too slow")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{8192}, std::size_t{1} << 30));
    app.add_option("--max-line", config.session.max_line, "longest line accepted, in bytes")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 20));
    app.add_option("--send-timeout", send_seconds, "seconds a client may accept nothing before it is dropped")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--name-timeout", name_seconds, "seconds from connecting to having a name (a deadline)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--idle-timeout", idle_seconds, "seconds of silence before a named client is dropped")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        // Every relayed line ("NAME: " + text) must fit in a queue several times over, or one
        // long line would overflow every outbox at once and empty the room.
        if (config.session.queue_limit < 4 * config.session.max_line) {
            throw std::runtime_error("--queue-limit must be at least 4 times --max-line");
        }
        course::Logger log(options.log_level());
        course::StopEvent stop;
        course::SignalStopper on_signal(stop, log);  // Ctrl-C / SIGTERM request a clean stop

        config.session.send_timeout = from_seconds(send_seconds);
        config.session.name_timeout = from_seconds(name_seconds);
        config.session.idle_timeout = from_seconds(idle_seconds);
        asio::io_context io;
        lesson02::ChatServer server(io, course::resolve_listen_endpoint(options.host, options.port), config,
                                    log, stop);
        course::announce_listening(std::cout, course::format_endpoint(server.local_endpoint()));
        server.run();
        log.info("server stopped");
        return EXIT_SUCCESS;
    });
}
