#pragma once
// The benchmark's own connection to the server, apart from the clients it measures: POST
// /publish and GET /stats on one keep-alive HTTP/1.1 connection, each answer read with the
// client's ResponseReader and awaited for at most `timeout`.

#include "client/response_reader.hpp"

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace lesson07 {

class HttpLink {
public:
    HttpLink(asio::any_io_executor executor, std::string host, std::uint16_t port,
             std::chrono::milliseconds timeout);

    // Sends the request (with Content-Length when there is a body) and returns the answer,
    // whatever its status. Throws std::runtime_error naming the request if there is none in time.
    asio::awaitable<HttpResponse> request(std::string_view method, std::string_view target,
                                          std::string_view body = {});
    void close();

private:
    asio::awaitable<HttpResponse> attempt(const std::string& bytes);

    std::string host_;
    std::uint16_t port_;
    std::string host_header_;
    std::chrono::milliseconds timeout_;
    asio::ip::tcp::socket socket_;
    asio::ip::tcp::resolver resolver_;
    asio::steady_timer deadline_;
    ResponseReader responses_;
    std::string input_;
    bool timed_out_ = false;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace lesson07
