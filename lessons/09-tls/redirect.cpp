#include "redirect.hpp"

#include "common/listener.hpp"
#include "common/report_exceptions.hpp"

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <list>

namespace lesson09 {

using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t max_open = 256;  // redirect connections at once; more are closed at once
constexpr std::string_view bad_request =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\n"
    "use https://";

// The Host header's host part: "localhost:7080" -> "localhost", "[::1]:7080" -> "[::1]".
std::string host_of(const std::string& host_header) {
    if (!host_header.empty() && host_header.front() == '[')
        return host_header.substr(0, host_header.find(']') + 1);
    return host_header.substr(0, host_header.find(':'));
}

bool plain_host(const std::string& host) {
    if (host.empty() || host.size() > 255) return false;
    for (const char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '-' || c == '[' || c == ']' || c == ':';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::string redirect_response(const ws::HttpHead& request, const std::string& fallback_host,
                              std::uint16_t https_port) {
    if (request.has_token("Connection", "upgrade") || request.target.empty() || request.target.front() != '/')
        return std::string(bad_request);
    const std::string* host_header = request.find("Host");
    std::string host = host_header ? host_of(*host_header) : std::string();
    if (!plain_host(host)) host = fallback_host;
    const std::string location = "https://" + host + ":" + std::to_string(https_port) + request.target;
    return "HTTP/1.1 301 Moved Permanently\r\nLocation: " + location +
           "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

struct HttpsRedirect::State {
    State(asio::io_context& io, const tcp::endpoint& endpoint, std::string h, std::uint16_t port,
          std::chrono::milliseconds t, course::Logger& l)
        : acceptor(course::open_tcp_listener(io, endpoint)), host(std::move(h)), https_port(port), timeout(t),
          log(l) {}
    tcp::acceptor acceptor;
    std::string host;
    std::uint16_t https_port;
    std::chrono::milliseconds timeout;
    course::Logger& log;
    std::list<tcp::socket> open;  // every connection being answered (closed by shutdown)
    bool stopping = false;
};

namespace {

awaitable<void> answer(std::shared_ptr<HttpsRedirect::State> state, std::list<tcp::socket>::iterator at) {
    tcp::socket& socket = *at;
    asio::steady_timer deadline(socket.get_executor(), state->timeout);
    deadline.async_wait([&socket](const std::error_code& ec) {
        std::error_code ignored;
        if (!ec) socket.close(ignored);  // too slow: the read below fails
    });
    ws::HttpParser parser(ws::HttpParser::Kind::request);
    std::array<char, 2048> buffer;
    auto result = ws::HttpParser::Result::incomplete;
    std::error_code ec;
    while (result == ws::HttpParser::Result::incomplete) {
        const std::size_t n = co_await socket.async_read_some(asio::buffer(buffer),
                                                              asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        std::string_view in(buffer.data(), n);
        result = parser.push(in);
    }
    if (!ec) {
        const std::string response = result == ws::HttpParser::Result::error
                                         ? std::string(bad_request)
                                         : redirect_response(parser.head(), state->host, state->https_port);
        co_await asio::async_write(socket, asio::buffer(response),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (result != ws::HttpParser::Result::error)
            state->log.verbose("http ", parser.head().method, " ", parser.head().target, " -> ",
                               response.substr(9, 3));
        socket.shutdown(tcp::socket::shutdown_send, ec);
    }
    deadline.cancel();
    std::error_code ignored;
    socket.close(ignored);
    state->open.erase(at);
}

awaitable<void> accept_loop(std::shared_ptr<HttpsRedirect::State> state) {
    for (;;) {
        std::error_code ec;
        tcp::socket socket =
            co_await state->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (state->stopping) co_return;
        if (ec) {
            state->log.info("redirect: accept failed: ", ec.message());
            asio::steady_timer pause(state->acceptor.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (state->open.size() >= max_open) continue;  // the socket closes as it goes out of scope
        state->open.push_back(std::move(socket));
        asio::co_spawn(state->acceptor.get_executor(), answer(state, std::prev(state->open.end())),
                       course::report_exceptions(state->log, "redirect"));
    }
}

}  // namespace

HttpsRedirect::HttpsRedirect(asio::io_context& io, const tcp::endpoint& endpoint, std::string host,
                             std::uint16_t https_port, std::chrono::milliseconds timeout, course::Logger& log)
    : state_(std::make_shared<State>(io, endpoint, std::move(host), https_port, timeout, log)) {}

HttpsRedirect::~HttpsRedirect() = default;

tcp::endpoint HttpsRedirect::local_endpoint() const { return state_->acceptor.local_endpoint(); }

void HttpsRedirect::start() {
    asio::co_spawn(state_->acceptor.get_executor(), accept_loop(state_),
                   course::report_exceptions(state_->log, "redirect accept loop"));
}

void HttpsRedirect::shutdown() {
    state_->stopping = true;
    std::error_code ec;
    state_->acceptor.close(ec);
    for (auto& socket : state_->open) socket.close(ec);  // each answer() ends and removes itself
}

}  // namespace lesson09
