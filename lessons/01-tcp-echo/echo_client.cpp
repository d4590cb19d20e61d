// 01-echo-client: sends lines (or one --message, or --count timed messages) to an echo server
// and prints what comes back. TCP is a byte stream: the echo of one send can arrive in several
// pieces, so the client keeps reading until it has got back as many bytes as it sent.

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/fd_wait.hpp"
#include "common/hex_dump.hpp"
#include "common/line_splitter.hpp"
#include "common/socket_io.hpp"
#include "common/stdin_lines.hpp"
#include "common/stop_event.hpp"

#include <unistd.h>
#include <algorithm>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using asio::ip::tcp;
using namespace std::chrono;

// Send at most this much before reading its echo back. If we sent a whole 1 MiB first, the
// server's replies would fill our receive buffer while we are still sending, the server would
// stop reading, and both sides would wait for each other forever.
constexpr std::size_t chunk_size = 64 * 1024;
constexpr std::size_t max_stdin_line = 1024 * 1024;

tcp::socket connect_to(asio::io_context& io, const std::string& host, std::uint16_t port,
                       course::Logger& log) {
    tcp::resolver resolver(io);
    std::error_code ec;
    const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) throw std::runtime_error("cannot resolve host '" + host + "': " + ec.message());
    tcp::socket socket(io);
    const tcp::endpoint connected = asio::connect(socket, endpoints, ec);
    if (ec) {
        const std::string where = course::format_endpoint(endpoints.begin()->endpoint());
        const std::string hint = ec == asio::error::connection_refused ? " (is the server running?)" : "";
        throw std::runtime_error("cannot connect to " + where + ": " + ec.message() + hint);
    }
    socket.set_option(tcp::no_delay(true));  // send each message at once (see echo_server.cpp)
    log.verbose("connected to ", course::format_endpoint(connected), " from ",
                course::format_endpoint(socket.local_endpoint()));
    return socket;
}

class EchoClient {
public:
    EchoClient(tcp::socket socket, milliseconds timeout, const course::StopEvent& stop, course::Logger& log)
        : socket_(std::move(socket)), timeout_(timeout), stop_(stop), log_(log) {}

    // Sends `message` and returns its echo; throws if the server does not send it all back.
    std::string round_trip(std::string_view message) {
        // TASK 01.round-trip: send a message and read back exactly as many bytes as were sent
        // STUB: (void)message;
        std::string echo(message.size(), '\0');
        for (std::size_t done = 0; done < message.size(); done += chunk_size) {
            const std::size_t n = std::min(chunk_size, message.size() - done);
            const std::string_view piece = message.substr(done, n);
            check(course::write_all(socket_, asio::buffer(piece), stop_, timeout_), "send");
            if (log_.tracing()) log_.trace(course::hex_dump("sent " + std::to_string(n) + " bytes", piece));
            check(course::read_exactly(socket_, asio::buffer(echo.data() + done, n), stop_, timeout_),
                  "read echo");
            if (log_.tracing()) {
                log_.trace(course::hex_dump("echo " + std::to_string(n) + " bytes",
                                            std::string_view(echo).substr(done, n)));
            }
        }
        return echo;
        // END TASK 01.round-trip
    }

private:
    void check(const course::IoResult& result, const char* what) const {
        switch (result.status) {
        case course::IoStatus::ok: return;
        case course::IoStatus::closed:
            throw std::runtime_error(std::string(what) + ": server closed the connection");
        case course::IoStatus::timed_out:
            throw std::runtime_error(std::string(what) + ": no answer within " +
                                     std::to_string(timeout_.count()) + " ms");
        case course::IoStatus::stopped: throw std::runtime_error(std::string(what) + ": interrupted");
        case course::IoStatus::failed:
            throw std::runtime_error(std::string(what) + ": " + result.error.message());
        }
    }

    tcp::socket socket_;
    milliseconds timeout_;
    const course::StopEvent& stop_;
    course::Logger& log_;
};

int run_interactive(EchoClient& client, const course::StopEvent& stop) {
    course::LineSplitter lines(max_stdin_line);
    while (auto line = course::next_stdin_line(lines, stop)) {
        if (*line == "exit") break;
        const std::string echo = client.round_trip(*line + "\n");
        std::cout << echo << std::flush;
    }
    return EXIT_SUCCESS;
}

int run_timed(EchoClient& client, int count, std::size_t size) {
    std::string payload(size, '\0');
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + i % 26);
    std::vector<double> micros;
    for (int i = 0; i < count; ++i) {
        const auto start = steady_clock::now();
        const std::string echo = client.round_trip(payload);
        micros.push_back(duration<double, std::micro>(steady_clock::now() - start).count());
        if (echo != payload) throw std::runtime_error("echo differs from what was sent");
    }
    std::sort(micros.begin(), micros.end());
    std::cout << count << " round trips of " << size << " bytes: min " << micros.front() << " us, median "
              << micros[micros.size() / 2] << " us, max " << micros.back() << " us" << std::endl;
    return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 01: echo client. Sends each stdin line (or --message) and prints the echo",
                 "01-echo-client"};
    course::CommonOptions options;
    options.port = 7001;
    course::add_common_options(app, options, course::Role::client);
    std::optional<std::string> message;
    int count = 0;
    std::size_t size = 32;
    milliseconds timeout = std::chrono::seconds(5);
    app.add_option("--message,-m", message, "send this text once, print the echo and exit");
    app.add_option("--count,-n", count, "send N messages of --size bytes and print round-trip times")
        ->check(course::positive_number());
    app.add_option("--size,-s", size, "bytes per message with --count")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{64} << 20));
    course::add_seconds_option(app, "--timeout", timeout, "how long to wait for the server at each step");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        course::StopEvent stop;
        course::SignalStopper on_signal(stop, log);
        asio::io_context io;
        EchoClient client(connect_to(io, options.host, options.port, log), timeout, stop, log);
        if (count > 0) return run_timed(client, count, size);
        if (message) {
            std::cout << client.round_trip(*message) << std::endl;
            return EXIT_SUCCESS;
        }
        return run_interactive(client, stop);
    });
}
