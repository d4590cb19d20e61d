// 04-ws-server: serves a small page on GET / and echoes every WebSocket message on /ws.
// See echo_server.hpp and README.md.
#include "echo_server.hpp"
#include "serve.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/open_files.hpp"

#include <malloc.h>
#include <cstdlib>

namespace {

constexpr std::size_t large_allocation = 256 * 1024;  // bytes from which malloc uses mmap (see main)

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 04: WebSocket echo server (RFC 6455 by hand); open http://HOST:PORT/ in a browser",
                 "04-ws-server"};
    course::CommonOptions options;
    options.port = 7004;
    course::add_common_options(app, options, course::Role::server);
    lesson04::EchoServerConfig config;
    std::size_t max_connections = 0;
    app.add_option("--max-message", config.max_message,
                   "largest message in bytes (larger ones get close 1009)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
    lesson04::add_max_connections_option(app, max_connections);
    app.add_option("--allowed-origin", config.allowed_origins,
                   "accept only handshakes with this Origin (repeat for several; default: any)");
    app.add_option("--protocol", config.subprotocols,
                   "a subprotocol to accept (repeat, in order of preference)");
    course::add_seconds_option(app, "--handshake-timeout", config.handshake_timeout,
                               "time a client has to send its request");
    course::add_seconds_option(app, "--idle-timeout", config.idle_timeout,
                               "silence after which a WebSocket client is dropped");
    course::add_seconds_option(app, "--write-timeout", config.write_timeout,
                               "time a client may take none of the bytes we send it before it is dropped");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        // Every connection is a descriptor: raise the soft limit (often 1024) to the hard one,
        // and keep a few descriptors for the listener, the signals and the logs.
        config.max_connections = course::connection_cap(max_connections);
        // A freed buffer of a large message goes back to the kernel only if malloc took it
        // with mmap. glibc does that from 128 KiB up, but after the first such free it raises
        // the threshold to that buffer's size (up to 32 MiB) and serves the next ones from its
        // heap, which it keeps. Setting the threshold fixes it: every large buffer is mmapped,
        // and freeing it lowers the resident memory at once.
        ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(large_allocation));
        asio::io_context io(1);  // one thread: no locks anywhere
        lesson04::EchoServer server(io, course::resolve_listen_endpoint(options.host, options.port), config,
                                    log);
        // Until SIGINT, SIGTERM or SIGHUP: then every WebSocket is closed with 1001.
        lesson04::serve_until_stopped(io, server, config.max_connections, log);
        return EXIT_SUCCESS;
    });
}
