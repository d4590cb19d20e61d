#include "ws_connect.hpp"

#include "trace.hpp"
#include "ws/random.hpp"

#include "common/endpoint.hpp"

#include <array>
#include <asio/connect.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace lesson04 {

using asio::ip::tcp;

namespace {

constexpr std::size_t answer_read_size = 4096;  // the answer's head is small; the rest is returned

std::string seconds_text(std::chrono::steady_clock::duration d) {
    const double s = std::chrono::duration<double>(d).count();
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return text;
}

}  // namespace

WebSocketConnector::WebSocketConnector(tcp::socket& socket)
    : socket_(socket), resolver_(socket.get_executor()), deadline_(socket.get_executor()) {}

void WebSocketConnector::abort(Abort why) {
    if (!connecting()) return;
    abort_ = why;
    // Whatever step is pending fails at once: the resolver's wait, or any socket operation.
    resolver_.cancel();
    std::error_code ignored;
    socket_.close(ignored);
}

void WebSocketConnector::cancel() { abort(Abort::cancelled); }

void WebSocketConnector::fail(const std::string& what, const std::error_code& ec) const {
    if (abort_ == Abort::cancelled) throw ConnectCancelled();
    if (abort_ == Abort::timeout)
        throw ConnectError("no WebSocket connection within " + seconds_text(timeout_) + " (" + what + ")");
    throw ConnectError(what + ": " + ec.message());
}

asio::awaitable<void> WebSocketConnector::write_request(const std::string& request, std::size_t chunk) {
    // --chunk N: N bytes per write, each its own TCP segment (the caller sets TCP_NODELAY), to
    // show that a server copes however the stream is cut.
    const std::size_t step = chunk == 0 ? request.size() : chunk;
    for (std::size_t at = 0; at < request.size(); at += step) {
        std::error_code ec;
        co_await asio::async_write(socket_,
                                   asio::buffer(request.data() + at, std::min(step, request.size() - at)),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) fail("sending the handshake", ec);
    }
}

asio::awaitable<Connected> WebSocketConnector::connect(ws::WsUrl url, ConnectOptions options) {
    course::Logger* log = options.log && options.log->tracing() ? options.log : nullptr;
    abort_ = Abort::none;
    timeout_ = options.timeout;
    phase_ = Phase::resolving;
    // The handler may run after connect() has returned, even after the connector is gone (an
    // expiry already queued when the last step completed): it checks that it is still wanted.
    deadline_.expires_after(options.timeout);
    deadline_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const std::error_code& ec) {
        if (!ec && !alive.expired()) abort(Abort::timeout);
    });
    struct Finish {  // however connect() ends, the deadline goes
        WebSocketConnector& self;
        ~Finish() {
            self.phase_ = Phase::done;
            self.deadline_.cancel();
        }
    } finish{*this};

    std::error_code ec;
    const auto endpoints = co_await resolver_.async_resolve(url.host, std::to_string(url.port),
                                                            asio::redirect_error(asio::use_awaitable, ec));
    if (ec || abort_ != Abort::none) fail("cannot resolve host '" + url.host + "'", ec);

    phase_ = Phase::connecting;
    Connected out;
    out.peer =
        co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    // async_connect opens the socket itself, so a cancel() during the resolve is checked again.
    if (ec || abort_ != Abort::none) {
        fail("cannot connect to " + course::format_endpoint(endpoints.begin()->endpoint()) +
                 (ec == asio::error::connection_refused ? " (is the server running?)" : ""),
             ec);
    }
    socket_.set_option(tcp::no_delay(true), ec);  // small frames go out at once
    if (options.log) options.log->verbose("connected to ", course::format_endpoint(out.peer));

    phase_ = Phase::handshaking;
    ws::RandomSource random;
    ws::ClientHandshakeOptions handshake_options;
    handshake_options.subprotocols = options.subprotocols;
    handshake_options.origin = options.origin;
    ws::ClientHandshaker handshake(url, random.bytes(16), std::move(handshake_options));
    if (log) {
        log->trace("opening handshake: key = Base64 of 16 random bytes = ", handshake.key(), "\n",
                   describe_http_head("  > ", handshake.request()));
    }
    co_await write_request(handshake.request(), options.chunk);

    std::array<char, answer_read_size> buffer;
    std::string_view in;
    while (handshake.state() == ws::ClientHandshaker::State::waiting) {
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer),
                                                               asio::redirect_error(asio::use_awaitable, ec));
        if (abort_ != Abort::none) fail("waiting for the server's answer", ec);
        if (ec) {
            handshake.receive_eof();
            break;
        }
        in = std::string_view(buffer.data(), n);
        handshake.receive(in);
    }
    if (log && !handshake.answer_bytes().empty()) {
        log->trace("server's answer\n", describe_http_head("  < ", handshake.answer_bytes()));
    }
    if (log && !handshake.steps().empty()) {
        std::string text = "checks of the answer:";
        for (const auto& step : handshake.steps()) text += "\n  " + step;
        log->trace(text);
    }
    if (handshake.state() == ws::ClientHandshaker::State::refused) {
        throw ConnectError("handshake rejected: " + handshake.reason());
    }
    out.leftover = std::string(in);  // whatever followed the blank line is the first frame's start
    out.subprotocol = handshake.subprotocol();
    co_return out;
}

}  // namespace lesson04
