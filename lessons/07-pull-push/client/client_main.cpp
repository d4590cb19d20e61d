// 07-feed-client: follows the feed in one mode and prints each event with its delivery latency,
//
//   #41  3.2 ms  EURUSD 1.08423 +0.00012
//
// one line per event on stdout (the text made safe for a terminal), logs on stderr. It joins at
// the present: a poll learns the newest id first, a stream takes live events. Ctrl-C, SIGTERM
// or SIGHUP end it at any moment, connecting included, with exit status 0.

#include "client/feed_client.hpp"

#include "common/cli.hpp"
#include "common/stop_signals.hpp"
#include "common/terminal_text.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <cstdio>
#include <iostream>

namespace {

void print_event(const lesson07::FeedEvent& event, std::chrono::microseconds latency) {
    char prefix[64];
    std::snprintf(prefix, sizeof prefix, "#%llu  %.1f ms  ", static_cast<unsigned long long>(event.id),
                  static_cast<double>(latency.count()) / 1000.0);
    std::cout << prefix << course::terminal_safe(event.text) << std::endl;  // a line at once, for pipes too
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Lesson 07: follows the feed by polling, long polling, SSE or WebSocket and prints each "
        "event with its latency",
        "07-feed-client"};
    course::CommonOptions options;
    options.port = 7007;
    course::add_common_options(app, options, course::Role::client);
    lesson07::FeedClientOptions client;
    std::string mode = "sse";
    std::uint64_t count = 0;
    app.add_option("--mode", mode, "how to follow the feed: poll, longpoll, sse or ws")
        ->check(CLI::IsMember({"poll", "longpoll", "sse", "ws"}))
        ->capture_default_str();
    course::add_seconds_option(app, "--interval", client.interval, "poll: time between two requests");
    course::add_seconds_option(app, "--wait", client.wait,
                               "longpoll: how long the server may hold a request");
    course::add_seconds_option(app, "--connect-timeout", client.connect_timeout,
                               "time to connect (for ws: and complete the handshake)");
    app.add_option("--count", count, "exit after this many events (0: never)");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        client.mode = *lesson07::parse_mode(mode);
        client.host = options.host;
        client.port = options.port;
        client.log = &log;
        asio::io_context io(1);
        course::StopSignals signals(io);  // first: a signal while connecting is kept for the handler
        std::uint64_t shown = 0;
        lesson07::FeedClient* self = nullptr;
        lesson07::FeedClient feed(io.get_executor(), client, [&](const auto& event, auto latency) {
            print_event(event, latency);
            if (count != 0 && ++shown == count) self->stop();
        });
        self = &feed;
        signals.async_wait(log, [&] { feed.stop(); });
        std::exception_ptr failure;
        asio::co_spawn(io, feed.run(), [&](std::exception_ptr e) {
            failure = e;
            signals.cancel();
        });
        io.run();
        if (failure) std::rethrow_exception(failure);
        return EXIT_SUCCESS;
    });
}
