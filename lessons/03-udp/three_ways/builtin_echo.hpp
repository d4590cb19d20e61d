#pragma once
// The echo the jobs talk to when no --port is given: this lesson's own reflector (UdpServer,
// ../udp_server.hpp) on a thread of its own, holding each reply back for `delay` like a
// distant server would, so that the jobs really are in flight at the same time.

#include "process_sample.hpp"

#include "../udp_server.hpp"

#include "common/logger.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>

namespace lesson03::three_ways {

struct EchoConfig {
    std::chrono::milliseconds delay{100};  // every reply waits this long
    double drop_rate = 0;                  // probability that a request is never answered
    std::size_t max_held = 1'024;          // replies held back at once (the delay queue's bound)
};

class BuiltinEcho {
public:
    // Binds `address`:0 (any free port) and starts serving. Throws std::runtime_error.
    BuiltinEcho(const asio::ip::address& address, const EchoConfig& config, course::Logger& log);
    ~BuiltinEcho();  // stops the server on its own thread and joins it
    BuiltinEcho(const BuiltinEcho&) = delete;
    BuiltinEcho& operator=(const BuiltinEcho&) = delete;

    // Where to send: the bound address, or loopback if it was bound to every interface.
    asio::ip::udp::endpoint endpoint() const { return endpoint_; }

    // The echo thread's CPU time and context switches so far: the server's costs, not the
    // client's. Asks the thread itself; throws std::runtime_error if it does not answer in 5 s.
    ThreadUsage usage();

private:
    asio::io_context io_;
    std::shared_ptr<UdpServer> server_;
    asio::ip::udp::endpoint endpoint_;
    std::thread thread_;
};

}  // namespace lesson03::three_ways
