#include "ws_connect.hpp"

#include "trace.hpp"
#include "ws/http.hpp"
#include "ws/random.hpp"

#include "common/endpoint.hpp"

#include <asio/connect.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <array>
#include <stdexcept>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // GCC 12 false positive (lesson 04)

namespace lesson05 {

using asio::ip::tcp;

asio::awaitable<std::string> connect_websocket(tcp::socket& socket, const ws::WsUrl& url, std::string_view origin,
                                               course::Logger* log) {
    std::error_code ec;
    const asio::ip::address literal = asio::ip::make_address(url.host, ec);
    if (!ec) {
        co_await socket.async_connect(tcp::endpoint(literal, url.port), asio::redirect_error(asio::use_awaitable, ec));
    } else {
        tcp::resolver resolver(socket.get_executor());
        const auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                               asio::redirect_error(asio::use_awaitable, ec));
        if (ec) throw std::runtime_error("cannot resolve host '" + url.host + "': " + ec.message());
        co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) {
        throw std::runtime_error("cannot connect to " + url.host_header + ": " + ec.message() +
                                 (ec == asio::error::connection_refused ? " (is the server running?)" : ""));
    }
    socket.set_option(tcp::no_delay(true), ec);

    ws::RandomSource random;
    const ws::ClientHandshake hs = ws::make_client_handshake(url.host_header, url.target, random.bytes(16), {}, origin);
    if (log && log->tracing()) log->trace("opening handshake\n", lesson04::describe_http_head("  > ", hs.request));
    co_await asio::async_write(socket, asio::buffer(hs.request), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw std::runtime_error("handshake failed: cannot send the request: " + ec.message());

    ws::HttpParser parser(ws::HttpParser::Kind::response);
    std::array<char, 4096> buffer;  // the answer's head is small; the rest is returned
    std::string head;
    for (;;) {
        const std::size_t n = co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) throw std::runtime_error("handshake failed: the server closed the connection (" + ec.message() + ")");
        std::string_view in(buffer.data(), n);
        const auto result = parser.push(in);
        head.append(buffer.data(), n - in.size());
        if (result == ws::HttpParser::Result::incomplete) continue;
        if (log && log->tracing()) log->trace("server's answer\n", lesson04::describe_http_head("  < ", head));
        if (result == ws::HttpParser::Result::error) {
            throw std::runtime_error("handshake failed: malformed HTTP answer: " + parser.error_reason());
        }
        const ws::ClientHandshakeCheck check = ws::check_server_response(parser.head(), hs);
        if (!check.ok) throw std::runtime_error("handshake refused: " + check.reason);
        co_return std::string(in);
    }
}

}  // namespace lesson05
