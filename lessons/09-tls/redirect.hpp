#pragma once
// --redirect-port: a plain-HTTP listener beside the TLS one that sends every visitor to https://,
// as a site's port 80 does. It reads one request head (lesson 04's parser: its size limits, and
// the handshake timeout), answers 301 with Location https://HOST:TLS_PORT/TARGET (HOST from the
// request's Host header without its port, else the listening host), and closes. A WebSocket
// upgrade is refused with 400 rather than redirected: clients do not follow redirects for
// WebSocket, and a ws:// chat from an http:// page would be a mixed-content mistake anyway.

#include "ws/http.hpp"

#include "common/logger.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace lesson09 {

// The whole answer to one request (sans-IO, unit-tested).
std::string redirect_response(const ws::HttpHead& request, const std::string& fallback_host,
                              std::uint16_t https_port);

class HttpsRedirect {
public:
    // Binds and listens at once (a port in use is reported here); accepts once start() is called.
    HttpsRedirect(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, std::string host,
                  std::uint16_t https_port, std::chrono::milliseconds timeout, course::Logger& log);
    ~HttpsRedirect();
    asio::ip::tcp::endpoint local_endpoint() const;
    void start();
    // Stops accepting and closes every connection still open.
    void shutdown();

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace lesson09
