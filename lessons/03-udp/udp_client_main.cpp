// 03-udp-client: talks to 03-udp-server in three ways.
//   --count N      ping: N numbered, timestamped datagrams, then loss/duplicate/reorder counts
//                  and round-trip times;
//   --message TEXT one datagram, and its reply or "no reply";
//   (neither)      each line you type is one datagram.
// See udp_client.hpp for the socket and README.md for what to try.

#include "ping_packet.hpp"
#include "ping_stats.hpp"
#include "udp_client.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/fd_wait.hpp"
#include "common/line_splitter.hpp"
#include "common/stdin_lines.hpp"

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace {

using namespace std::chrono;
using lesson03::ReceiveStatus;
using lesson03::UdpClient;

constexpr std::size_t max_stdin_line = 65'536;   // longer typed lines are skipped
constexpr std::uint32_t max_count = 10'000'000;  // pings per run: bounds the statistics' memory

std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(
        duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count());
}

void explain_silence(const UdpClient& client, course::Logger& log) {
    log.info(
        "UDP cannot tell why: the request may have been lost, or the reply, or nothing is "
        "listening at ",
        course::format_endpoint(client.server()),
        client.connected() ? "" : " (an unconnected socket is never told; try --connect)");
}

// Sends one datagram and prints the reply. Exit status 0 if a reply came, 1 if none did.
int exchange(UdpClient& client, const std::string& text, milliseconds timeout, course::Logger& log) {
    client.send(text);
    const auto result = client.receive(timeout);
    if (result.status == ReceiveStatus::stopped) return EXIT_SUCCESS;
    if (result.status == ReceiveStatus::timed_out) {
        std::cout << "no reply within " << timeout.count() << " ms" << std::endl;
        explain_silence(client, log);
        return EXIT_FAILURE;
    }
    const auto& datagram = result.datagram;
    std::cout << client.payload(datagram) << std::endl;
    if (datagram.truncated()) {
        std::cout << "reply truncated: the datagram had " << datagram.length << " bytes, the "
                  << datagram.kept << "-byte receive buffer kept only the first " << datagram.kept
                  << " (the rest is gone)" << std::endl;
    }
    return EXIT_SUCCESS;
}

int run_interactive(UdpClient& client, milliseconds timeout, const course::StopEvent& stop,
                    course::Logger& log) {
    course::LineSplitter lines(max_stdin_line);
    while (auto line = course::next_stdin_line(lines, stop)) {
        if (*line == "exit") break;
        exchange(client, *line, timeout, log);  // no reply is worth a line, not the end
    }
    return EXIT_SUCCESS;
}

struct PingOptions {
    std::uint32_t count = 0;
    milliseconds interval{200};
    std::size_t size = 32;
    milliseconds timeout{1000};
};

std::string reply_line(const lesson03::ReceivedDatagram& datagram, std::string_view bytes,
                       lesson03::PingStats& stats) {
    std::ostringstream out;
    out << datagram.length << " bytes from " << course::format_endpoint(datagram.from) << ": ";
    const auto packet = lesson03::decode_ping(bytes);
    if (!packet) {
        stats.on_invalid();
        out << "not a ping reply (" << *lesson03::ping_problem(bytes) << "), ignored";
        return out.str();
    }
    const auto info = stats.on_reply(*packet, now_ns());
    out << "seq=" << packet->sequence;
    if (info.kind == lesson03::ReplyKind::invalid) {
        out << ": not a ping we sent, ignored";
        return out.str();
    }
    out << " rtt=" << std::fixed << std::setprecision(3) << duration<double, std::milli>(info.rtt).count()
        << " ms";
    if (info.kind == lesson03::ReplyKind::duplicate) out << " (duplicate)";
    if (info.reordered) out << " (out of order)";
    if (datagram.truncated()) out << " (truncated to " << datagram.kept << " bytes)";
    return out.str();
}

// Handles every reply that arrives before `deadline`; false if stop was requested.
bool collect_until(UdpClient& client, steady_clock::time_point deadline, lesson03::PingStats& stats) {
    for (;;) {
        // Always look once, even when the deadline has passed, so that replies already queued
        // are read before the next send (with --interval-ms 0 they would pile up otherwise).
        const auto left = std::max(ceil<milliseconds>(deadline - steady_clock::now()), milliseconds::zero());
        const auto result = client.receive(left);
        if (result.status == ReceiveStatus::stopped) return false;
        if (result.status == ReceiveStatus::timed_out) return true;
        // endl: each reply is seen the moment it arrives, even through a pipe.
        std::cout << reply_line(result.datagram, client.payload(result.datagram), stats) << std::endl;
    }
}

int run_ping(UdpClient& client, const PingOptions& options, course::Logger& log) {
    if (options.size < lesson03::ping_header_size) {
        throw std::runtime_error("--size must be at least " + std::to_string(lesson03::ping_header_size) +
                                 " bytes (the ping header)");
    }
    if (const auto problem =
            lesson03::payload_size_problem(options.size, client.server().address().is_v6())) {
        throw std::runtime_error(*problem);
    }
    std::cout << "UDP PING " << course::format_endpoint(client.server()) << ": " << options.count
              << (options.count == 1 ? " datagram of " : " datagrams of ") << options.size << " bytes"
              << std::endl;
    lesson03::PingStats stats;
    const auto start = steady_clock::now();
    bool stopped = false;
    for (std::uint32_t i = 0; i < options.count; ++i) {
        stopped = !collect_until(client, start + i * options.interval, stats);
        if (stopped) break;
        const auto sent_ns = now_ns();
        const std::uint32_t sequence = stats.on_sent(sent_ns);
        client.send(lesson03::encode_ping({sequence, sent_ns}, options.size));
    }
    // Listen for the whole timeout even when every reply is in: a late duplicate still counts.
    if (!stopped) collect_until(client, steady_clock::now() + options.timeout, stats);
    const auto summary = stats.summary();
    std::cout << "--- " << course::format_endpoint(client.server()) << " UDP ping statistics ---\n"
              << lesson03::summary_text(summary) << '\n'
              << lesson03::summary_line(summary) << std::endl;
    if (summary.lost > 0) {
        log.info(summary.lost,
                 " lost: for each, the request or the reply (or both) went missing; "
                 "the client cannot know which");
    }
    if (summary.received == 0 && !stopped) {
        explain_silence(client, log);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Lesson 03: UDP client. Ping mode (--count), one datagram (--message), or one per stdin line",
        "03-udp-client"};
    course::CommonOptions options;
    options.port = 7003;
    course::add_common_options(app, options, course::Role::client);
    std::optional<std::string> message;
    PingOptions ping;
    std::uint32_t interval_ms = 200;
    milliseconds timeout{1000};
    std::size_t receive_buffer = 65'536;
    bool connect = false;
    auto* count =
        app.add_option("--count,-n", ping.count, "ping mode: send N datagrams and count what comes back")
            ->check(CLI::Range(1u, max_count));
    app.add_option("--message,-m", message, "send this text as one datagram, print the reply and exit")
        ->excludes(count);
    app.add_option("--interval-ms", interval_ms, "ping mode: milliseconds between sends (0: all at once)")
        ->capture_default_str()
        ->check(CLI::Range(0, 60'000));
    app.add_option("--size,-s", ping.size, "ping mode: bytes per datagram (at least 16)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    course::add_seconds_option(app, "--timeout", timeout,
                               "how long to wait for a reply (ping: after the last send)");
    app.add_option("--recv-buffer", receive_buffer,
                   "bytes the client receives per datagram; longer ones are truncated")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    app.add_flag("--connect", connect,
                 "connect() the UDP socket: ICMP errors then show as 'connection refused'");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        course::StopEvent stop;
        course::SignalStopper on_signal(stop, log);
        asio::io_context io;  // only for the resolver and the socket object: every wait is poll()
        UdpClient client(io, options.host, options.port, connect, receive_buffer, stop, log);
        if (ping.count > 0) {
            ping.interval = milliseconds(interval_ms);
            ping.timeout = timeout;
            return run_ping(client, ping, log);
        }
        if (message) return exchange(client, *message, timeout, log);
        return run_interactive(client, timeout, stop, log);
    });
}
