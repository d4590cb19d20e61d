// 01-echo-server: the blocking echo server on asio. See echo_server.hpp and README.md.
#include "echo_flags.hpp"
#include "echo_server.hpp"

#include "common/announce.hpp"
#include "common/endpoint.hpp"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 01: a blocking TCP echo server (asio), one client at a time", "01-echo-server"};
    lesson01::EchoServerFlags flags;
    lesson01::add_echo_server_flags(app, flags);
    CLI11_PARSE(app, argc, argv);
    const course::CommonOptions& options = flags.common;

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        course::StopEvent stop;
        course::SignalStopper on_signal(stop, log);  // Ctrl-C / SIGTERM request a clean stop

        lesson01::EchoServerConfig config;
        config.idle_timeout = flags.idle_timeout;
        asio::io_context io;
        lesson01::EchoServer server(io, course::resolve_listen_endpoint(options.host, options.port), config,
                                    log, stop);
        course::announce_listening(std::cout, course::format_endpoint(server.local_endpoint()));
        server.run();
        log.info("server stopped");
        return EXIT_SUCCESS;
    });
}
