// 02-chat-client: the two-thread chat client. One thread prints whatever the server sends,
// the main thread sends what you type. Two threads, because both can happen at any moment:
// a client that waited for your next line before reading would show nobody else's messages
// while you think, and one that only read would never let you speak.
//
// Ends with exit code 0 after /quit, end of input (Ctrl-D) or Ctrl-C; if the server goes away
// first it says so on stderr and exits with 1.

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/fd_wait.hpp"
#include "common/hex_dump.hpp"
#include "common/line_splitter.hpp"
#include "common/socket_io.hpp"
#include "common/stdin_lines.hpp"
#include "common/stop_event.hpp"
#include "common/terminal_text.hpp"
#include "protocol.hpp"

#include <unistd.h>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

namespace {

using asio::ip::tcp;
using namespace std::chrono;

constexpr std::size_t max_server_line = 64 * 1024;  // longer lines from a server are skipped
constexpr auto goodbye_timeout = seconds(5);        // for the server to answer /quit

tcp::socket connect_to(asio::io_context& io, const std::string& host, std::uint16_t port,
                       course::Logger& log) {
    tcp::resolver resolver(io);
    std::error_code ec;
    const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) throw std::runtime_error("cannot resolve host '" + host + "': " + ec.message());
    tcp::socket socket(io);
    const tcp::endpoint connected = asio::connect(socket, endpoints, ec);
    if (ec) {
        const std::string hint = ec == asio::error::connection_refused ? " (is the server running?)" : "";
        throw std::runtime_error("cannot connect to " +
                                 course::format_endpoint(endpoints.begin()->endpoint()) + ": " +
                                 ec.message() + hint);
    }
    socket.set_option(tcp::no_delay(true));
    // Before the second thread exists: afterwards both threads only read the socket's flags.
    socket.non_blocking(true);
    log.verbose("connected to ", course::format_endpoint(connected));
    return socket;
}

// The receiving thread: prints each line from the server until the server closes the
// connection or `stop` is requested. Returns why it ended.
course::IoResult print_incoming(tcp::socket& socket, const course::StopEvent& stop, course::Logger& log) {
    course::LineSplitter lines(max_server_line);
    char buffer[4096];
    for (;;) {
        const auto got = course::read_some(socket, asio::buffer(buffer), stop, course::no_timeout);
        if (got.status != course::IoStatus::ok) return got;
        if (log.tracing()) {
            log.trace(course::hex_dump("recv " + std::to_string(got.bytes) + " bytes", {buffer, got.bytes}));
        }
        lines.push({buffer, got.bytes});
        while (auto event = lines.pop()) {
            // Our server relays only terminal-safe text, but a client does not bet its user's
            // terminal on that (another server, `nc -l`); safe text passes unchanged.
            if (event->kind == course::LineEvent::Kind::line) {
                std::cout << course::terminal_safe(event->text) << '\n';
            }
        }
        std::cout << std::flush;  // once per read, not per line: fast when lines pour in
    }
}

bool send_line(tcp::socket& socket, const std::string& line, const course::StopEvent& stop,
               course::Logger& log) {
    const std::string bytes = line + "\n";
    const auto sent = course::write_all(socket, asio::buffer(bytes), stop, seconds(10));
    if (log.tracing()) log.trace(course::hex_dump("sent " + std::to_string(sent.bytes) + " bytes", bytes));
    return sent.status == course::IoStatus::ok;
}

int run(tcp::socket& socket, const std::optional<std::string>& name, course::StopEvent& wake_main,
        course::Logger& log) {
    course::StopEvent stop_reader;         // main -> reader: give up waiting for the server
    std::atomic<bool> server_left{false};  // reader -> main: the connection ended by itself
    // The reader wakes the main thread when it ends, so a vanished server is noticed even
    // while the main thread waits for you to type.
    auto reader = std::async(std::launch::async, [&] {
        const auto result = print_incoming(socket, stop_reader, log);
        if (result.status != course::IoStatus::stopped) server_left = true;
        wake_main.request();
        return result;
    });

    if (name) send_line(socket, *name, stop_reader, log);
    bool sent_quit = false;
    course::LineSplitter lines(lesson02::protocol::max_line);
    while (const auto line = course::next_stdin_line(lines, wake_main)) {
        if (!send_line(socket, *line, stop_reader, log)) break;
        if (lesson02::protocol::parse_command(*line).kind == lesson02::protocol::Command::Kind::quit) {
            sent_quit = true;
            break;
        }
    }
    // End of input or Ctrl-C: leave politely. The server answers "* bye" and closes.
    if (!sent_quit && !server_left) sent_quit = send_line(socket, "/quit", stop_reader, log);
    if (reader.wait_for(goodbye_timeout) != std::future_status::ready) {
        log.info("no answer from the server within ", goodbye_timeout.count(), " s; closing");
        stop_reader.request();
    }
    const auto ended = reader.get();
    if (sent_quit && ended.status != course::IoStatus::failed) return EXIT_SUCCESS;
    std::cerr << "02-chat-client: the server closed the connection"
              << (ended.error ? " (" + ended.error.message() + ")" : std::string()) << std::endl;
    return EXIT_FAILURE;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 02: chat client. Prints what others say; sends each line you type",
                 "02-chat-client"};
    course::CommonOptions options;
    options.port = 7002;
    course::add_common_options(app, options, course::Role::client);
    std::optional<std::string> name;
    app.add_option("--name,-n", name, "join with this name instead of typing it first");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        course::StopEvent wake_main;
        course::SignalStopper on_signal(wake_main, log);  // Ctrl-C: leave politely, exit 0
        asio::io_context io;
        tcp::socket socket = connect_to(io, options.host, options.port, log);
        return run(socket, name, wake_main, log);
    });
}
