#pragma once
// Many chat clients in one thread, on asio and lesson 04's ws::Connection, for the load test
// (load_test.cpp: correctness, not speed; lesson 06's 06-loadgen is the measuring tool). They
// connect (a bounded number at a time), wait until every one has its hello, then `senders` of
// them each send `per_sender` messages at once ("load S K ..."), and every client counts what
// comes back: each message exactly once, in each sender's order. Bounded: everything ends at
// `timeout`, finished or not.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace lesson05::testing {

struct LoadOptions {
    std::uint16_t port = 0;
    std::size_t clients = 1000;
    std::size_t senders = 10;
    std::size_t per_sender = 20;
    std::size_t payload = 32;                   // bytes of filler per message
    std::size_t max_connecting = 100;           // handshakes in flight at once
    std::chrono::milliseconds timeout{60'000};  // for the whole run
};

struct LoadReport {
    std::size_t connected = 0;     // clients whose handshake succeeded
    std::size_t greeted = 0;       // clients that got their hello
    std::size_t complete = 0;      // clients that received every message of the burst
    std::uint64_t deliveries = 0;  // burst messages received, all clients together
    std::size_t out_of_order = 0;  // messages that broke a sender's order (or came twice)
    bool timed_out = false;
    double connect_seconds = 0;  // first connect to last hello
    double burst_seconds = 0;    // first send to the last client complete
    std::string first_error;
};

LoadReport run_load(const LoadOptions& options);

// Raises this process's soft limit on open files to the hard limit (1,000 clients need 1,000
// descriptors).
void raise_file_limit();

}  // namespace lesson05::testing
