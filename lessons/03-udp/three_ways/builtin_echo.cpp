#include "builtin_echo.hpp"

#include <asio/post.hpp>
#include <cstdint>
#include <future>
#include <stdexcept>

namespace lesson03::three_ways {

namespace {

ServerConfig server_config(const EchoConfig& echo) {
    ServerConfig config;
    config.faults.delay_ms = static_cast<std::uint32_t>(echo.delay.count());
    config.faults.drop_rate = echo.drop_rate;
    config.max_queued_datagrams = echo.max_held;
    return config;
}

// A reply comes from the address the request was sent to: send to 127.0.0.1, not 0.0.0.0.
asio::ip::address reachable(const asio::ip::address& bound) {
    if (!bound.is_unspecified()) return bound;
    if (bound.is_v6()) return asio::ip::address_v6::loopback();
    return asio::ip::address_v4::loopback();
}

}  // namespace

BuiltinEcho::BuiltinEcho(const asio::ip::address& address, const EchoConfig& config, course::Logger& log)
    : server_(UdpServer::create(io_, {address, 0}, server_config(config), log)) {
    const auto bound = server_->local_endpoint();
    endpoint_ = {reachable(bound.address()), bound.port()};
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
}

ThreadUsage BuiltinEcho::usage() {
    // Shared: if we give up waiting, the posted function may still run, and needs its promise.
    auto answer = std::make_shared<std::promise<ThreadUsage>>();
    auto future = answer->get_future();
    asio::post(io_, [answer] { answer->set_value(this_thread_usage()); });
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        throw std::runtime_error("the built-in echo's thread did not answer within 5 s");
    }
    return future.get();
}

BuiltinEcho::~BuiltinEcho() {
    // The server lives on its own thread: stop() must run there, so post it.
    asio::post(io_, [server = server_] { server->stop(); });
    thread_.join();  // run() returns once the server has nothing pending
}

}  // namespace lesson03::three_ways
