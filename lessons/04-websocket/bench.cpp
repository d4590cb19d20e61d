// 04-ws-bench: numbers for the README, not a test.
//   1. Unmasking throughput, a machine word at a time (ws::apply_mask) against the textbook
//      byte-at-a-time loop (ws::apply_mask_bytewise), on a cache-sized and a large buffer.
//   2. Echo round trips per second through the real 04-ws-server code (in-process, on its own
//      thread) for 1 and for 100 connections, each sending a small text message and waiting
//      for its echo before sending the next.
// Every loop is bounded by --seconds.

#include "echo_server.hpp"
#include "ws/connection.hpp"
#include "ws/random.hpp"
#include "ws_connect.hpp"

#include "common/cli.hpp"
#include "common/stop_event.hpp"

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>
#include "common/endpoint.hpp"

namespace {

using asio::awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// GB/s of `mask` over a buffer of `size` bytes, running for about `duration`.
template <class Mask> double mask_throughput(Mask mask, std::size_t size, std::chrono::milliseconds duration,
                                             const course::StopEvent& stop) {
    std::vector<std::uint8_t> buffer(size, 0x5a);
    const ws::MaskKey key{0x37, 0xfa, 0x21, 0x3d};
    std::size_t bytes = 0;
    const auto start = Clock::now();
    const auto end = start + duration;
    while (Clock::now() < end && !stop.requested()) {
        for (int i = 0; i < 8; ++i) mask(buffer.data() + 1, size - 1, key, 0);  // +1: unaligned on purpose
        bytes += 8 * (size - 1);
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    volatile std::uint8_t sink = buffer[size / 2];  // keep the work observable
    (void)sink;
    return static_cast<double>(bytes) / elapsed / 1e9;
}

// A fast wrong answer is worth nothing: before timing them, the two must give the same bytes,
// at each offset into the key and from an unaligned start.
bool masks_agree() {
    std::vector<std::uint8_t> word(1001), byte;
    for (std::size_t i = 0; i < word.size(); ++i) word[i] = static_cast<std::uint8_t>(i * 7);
    byte = word;
    const ws::MaskKey key{0x37, 0xfa, 0x21, 0x3d};
    for (std::uint64_t offset = 0; offset < 4; ++offset) {
        ws::apply_mask(word.data() + 1, word.size() - 1, key, offset);
        ws::apply_mask_bytewise(byte.data() + 1, byte.size() - 1, key, offset);
    }
    return word == byte;
}

struct EchoStats {
    std::uint64_t round_trips = 0;
};

// One connection: handshake, then send a text message and wait for its echo until `end`.
awaitable<void> echo_client(tcp::endpoint server, std::size_t size, Clock::time_point end, EchoStats& stats,
                            const course::StopEvent& stop) {
    tcp::socket socket(co_await asio::this_coro::executor);
    lesson04::WebSocketConnector connector(socket);
    const ws::WsUrl url = ws::parse_ws_url("ws://" + course::format_endpoint(server) + "/ws");
    const lesson04::ConnectOptions options;  // named: see WebSocketConnector::connect
    const lesson04::Connected connected = co_await connector.connect(url, options);
    ws::Connection conn(ws::Role::client);
    std::string_view leftover = connected.leftover;
    const std::string message(size, 'm');
    std::vector<char> buffer(64 * 1024);
    while (Clock::now() < end && !stop.requested()) {
        conn.send_text(message);
        co_await asio::async_write(socket, asio::buffer(conn.pending_output()), asio::use_awaitable);
        conn.consume_output(conn.pending_output().size());
        bool echoed = false;
        while (!echoed) {
            while (const ws::Event event = conn.receive(leftover)) {
                if (event.kind != ws::Event::Kind::text || event.data.size() != size)
                    throw std::runtime_error("bad echo");
                echoed = true;
            }
            if (echoed) break;
            const std::size_t n = co_await socket.async_read_some(asio::buffer(buffer), asio::use_awaitable);
            leftover = std::string_view(buffer.data(), n);
        }
        ++stats.round_trips;
    }
    conn.close();
    co_await asio::async_write(socket, asio::buffer(conn.pending_output()), asio::use_awaitable);
}

double echo_rate(tcp::endpoint server, int connections, std::size_t size, std::chrono::milliseconds duration,
                 const course::StopEvent& stop) {
    asio::io_context io(1);
    EchoStats stats;
    const auto start = Clock::now();
    const auto end = start + duration;
    std::exception_ptr failure;
    for (int i = 0; i < connections; ++i) {
        asio::co_spawn(io, echo_client(server, size, end, stats, stop), [&](std::exception_ptr e) {
            if (e && !failure) failure = e;
        });
    }
    io.run();
    if (failure) std::rethrow_exception(failure);
    return static_cast<double>(stats.round_trips) /
           std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 04: benchmarks (unmasking throughput, echo round trips)", "04-ws-bench"};
    course::CommonOptions options;
    options.port = 0;
    course::add_common_options(app, options, course::Role::server);
    std::chrono::milliseconds duration{2000};
    std::size_t size = 32;
    course::add_seconds_option(app, "--seconds", duration, "time per measurement");
    app.add_option("--size", size, "bytes per echoed message")
        ->capture_default_str()
        ->check(CLI::Range(1, 65536));
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        if (!masks_agree()) throw std::runtime_error("ws::apply_mask and ws::apply_mask_bytewise disagree");
        // Ctrl-C, SIGTERM or SIGHUP: each measurement ends early, nothing more starts, exit 0.
        course::Logger log(options.log_level());
        course::StopEvent stop;
        course::SignalStopper stopper(stop, log);
        std::cout << std::fixed << std::setprecision(2);
        for (const std::size_t buffer : {std::size_t{64} * 1024, std::size_t{16} * 1024 * 1024}) {
            if (stop.requested()) break;
            const double word = mask_throughput(ws::apply_mask, buffer, duration / 2, stop);
            const double byte = mask_throughput(ws::apply_mask_bytewise, buffer, duration / 2, stop);
            std::cout << "unmask " << buffer / 1024 << " KiB: word at a time " << word
                      << " GB/s, byte at a time " << byte << " GB/s (" << word / byte << "x)" << std::endl;
        }

        course::Logger server_log(course::LogLevel::quiet);
        asio::io_context server_io(1);
        lesson04::EchoServer server(server_io, tcp::endpoint(asio::ip::make_address(options.host), 0), {},
                                    server_log);
        server.start();
        std::thread server_thread([&] { server_io.run(); });
        const tcp::endpoint endpoint = server.local_endpoint();
        for (const int connections : {1, 100}) {
            if (stop.requested()) break;
            const double rate = echo_rate(endpoint, connections, size, duration, stop);
            std::cout << "echo " << size << "-byte text, " << connections << " connection"
                      << (connections > 1 ? "s" : "") << ": " << std::setprecision(0) << rate
                      << " round trips/s (" << std::setprecision(1) << 1e6 * connections / rate << " us each)"
                      << std::setprecision(2) << std::endl;
        }
        asio::post(server_io, [&] { server.shutdown(); });
        server_thread.join();
        if (stop.requested()) std::cout << "stopped before the end" << std::endl;
        return EXIT_SUCCESS;
    });
}
