#include "bench/http_link.hpp"

#include "ws/url.hpp"

#include <array>
#include <asio/connect.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <stdexcept>

namespace lesson07 {

using asio::awaitable;
using asio::ip::tcp;

HttpLink::HttpLink(asio::any_io_executor executor, std::string host, std::uint16_t port,
                   std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout), socket_(executor), resolver_(executor),
      deadline_(executor) {
    host_header_ = ws::parse_ws_url(ws::make_ws_url(host_, port_)).host_header;
}

void HttpLink::close() {
    std::error_code ignored;
    socket_.close(ignored);
}

awaitable<HttpResponse> HttpLink::attempt(const std::string& bytes) {
    std::error_code ec;
    if (!socket_.is_open()) {
        const auto endpoints = co_await resolver_.async_resolve(
            host_, std::to_string(port_), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) throw std::system_error(ec, "resolving " + host_);
        co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) throw std::system_error(ec, "connecting");
        socket_.set_option(tcp::no_delay(true), ec);
        responses_ = ResponseReader();
        input_.clear();
    }
    co_await asio::async_write(socket_, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw std::system_error(ec, "sending");
    std::array<char, 8192> buffer;
    for (;;) {
        std::string_view in = input_;
        const auto result = responses_.push(in);
        input_.erase(0, input_.size() - in.size());
        if (result == ResponseReader::Result::response) {
            HttpResponse response = responses_.take();
            if (!response.keep_alive) close();
            co_return response;
        }
        if (result != ResponseReader::Result::incomplete) {
            close();
            throw std::runtime_error("bad answer: " + (result == ResponseReader::Result::stream
                                                           ? std::string("no Content-Length")
                                                           : responses_.error()));
        }
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer),
                                                               asio::redirect_error(asio::use_awaitable, ec));
        if (ec) throw std::system_error(ec, "reading the answer");
        input_.append(buffer.data(), n);
    }
}

awaitable<HttpResponse> HttpLink::request(std::string_view method, std::string_view target,
                                          std::string_view body) {
    std::string bytes = std::string(method) + " " + std::string(target) +
                        " HTTP/1.1\r\nHost: " + host_header_ + "\r\nUser-Agent: 07-feed-bench\r\n";
    if (!body.empty() || method == "POST") {
        bytes += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
                 "\r\n";
    }
    bytes += "\r\n";
    bytes += body;
    timed_out_ = false;
    deadline_.expires_after(timeout_);
    deadline_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const std::error_code& ec) {
        if (ec || alive.expired()) return;
        timed_out_ = true;
        close();
    });
    struct Disarm {
        asio::steady_timer& timer;
        ~Disarm() { timer.cancel(); }
    } disarm{deadline_};
    const std::string what = std::string(method) + " " + std::string(target);
    // A kept-alive connection the server closed while idle fails at once: asked again, once.
    for (int attempt_number = 0;; ++attempt_number) {
        const bool reused = socket_.is_open();
        try {
            co_return co_await attempt(bytes);
        } catch (const std::system_error& e) {
            close();
            if (timed_out_) throw std::runtime_error(what + ": no answer within the timeout");
            if (!reused || attempt_number > 0) throw std::runtime_error(what + ": " + e.what());
        }
    }
}

}  // namespace lesson07
