// 01-plain-echo-server: the simplest TCP echo server, and the first program of the course.
// Accept a client, read what it sends, write it back, until it hangs up; then the next client.
// It is Python's socket.accept(), recv(), sendall() loop, on asio's synchronous API.
//
// Deliberately plain: every call blocks, with no timeout, and only a signal's default action
// ends it. README.md shows, command by command, what that gets wrong, and then how
// 01-echo-server (echo_server.cpp) fixes each thing.

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/hex_dump.hpp"
#include "common/listener.hpp"
#include "common/logger.hpp"

#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

using asio::ip::tcp;

// Echoes everything `client` sends until it hangs up. Whatever goes wrong with this client
// (a reset, a broken pipe) ends this client only: the caller goes back to accept the next.
void serve(tcp::socket& client, const std::string& peer, course::Logger& log) {
    // TASK 01.echo-loop: echo every byte a client sends until it hangs up
    // STUB: (void)client;
    // STUB: (void)peer;
    // STUB: (void)log;
    std::array<char, 4096> buffer;  // bytes per read
    std::size_t total = 0;
    for (;;) {
        std::error_code ec;
        // Sleeps until at least one byte has arrived, then returns how many it got: anything
        // from 1 to 4096, however the client's sends were cut up on the way. Not a message.
        const std::size_t n = client.read_some(asio::buffer(buffer), ec);
        if (ec == asio::error::eof) {  // the client closed its side: nothing more will come
            log.info("client ", peer, " disconnected after ", total, " bytes");
            return;
        }
        if (ec) {
            log.info("client ", peer, " connection error: ", ec.message());
            return;
        }
        if (log.tracing()) {
            log.trace(
                course::hex_dump("recv " + std::to_string(n) + " bytes from " + peer, {buffer.data(), n}));
        }
        // asio::write loops until all n bytes are handed to the kernel: one write_some (one
        // send) may take only part of them. It sleeps while the kernel's send buffer is full.
        asio::write(client, asio::buffer(buffer.data(), n), ec);
        if (ec) {
            log.info("client ", peer, " connection error: ", ec.message());
            return;
        }
        total += n;
    }
    // END TASK 01.echo-loop
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 01: the plain blocking TCP echo server, one client at a time, no timeouts",
                 "01-plain-echo-server"};
    course::CommonOptions options;
    options.port = 7001;  // lesson 01's default port, as 01-echo-server
    course::add_common_options(app, options, course::Role::server);
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&]() -> int {
        course::Logger log(options.log_level());
        asio::io_context io;  // the synchronous calls need one too, though nothing runs it
        // open, SO_REUSEADDR, bind, listen: from here on the kernel queues connecting clients.
        tcp::acceptor acceptor =
            course::open_tcp_listener(io, course::resolve_listen_endpoint(options.host, options.port));
        course::announce_listening(std::cout, course::format_endpoint(acceptor.local_endpoint()));
        for (;;) {  // forever: only a signal (Ctrl-C) ends this program, by killing it
            tcp::socket client(io);
            // Sleeps until a client has connected. An error here is not one client's (asio
            // retries a connection aborted before we took it): it ends the program.
            acceptor.accept(client);
            std::error_code ec;
            const std::string peer = course::format_endpoint(client.remote_endpoint(ec));
            log.info("client ", peer, " connected");
            serve(client, peer, log);
        }  // `client` is destroyed here, which closes the connection
    });
}
