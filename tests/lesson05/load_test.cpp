// Load, for correctness and not for timing: 1,000 concurrent clients in one room, a burst of
// messages from ten of them, and every client must receive every message, in each sender's
// order, nothing lost and nothing twice.
#include "load_client.hpp"

#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace {

TEST(ChatLoadTest, ThousandClientsEachReceiveEveryMessageOfABurst) {
    lesson05::testing::raise_file_limit();  // the server inherits it, and raises its own too
    auto server = course::testing::start_server("05-chat-server");
    lesson05::testing::LoadOptions options;
    options.port = server.port;
    options.clients = 1000;
    options.senders = 10;
    options.per_sender = 20;
    options.timeout = std::chrono::seconds(60);
    const auto report = lesson05::testing::run_load(options);
    EXPECT_EQ(report.first_error, "");
    EXPECT_FALSE(report.timed_out);
    EXPECT_EQ(report.connected, options.clients);
    EXPECT_EQ(report.greeted, options.clients);
    EXPECT_EQ(report.complete, options.clients);
    EXPECT_EQ(report.deliveries, options.clients * options.senders * options.per_sender);
    EXPECT_EQ(report.out_of_order, 0u);
    std::cerr << "connect " << report.connect_seconds << " s, burst of " << report.deliveries
              << " deliveries in " << report.burst_seconds
              << " s (not a benchmark: lesson 06's 06-loadgen is)\n";
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(std::chrono::seconds(20)), 0);
}

}  // namespace
