// The session's coroutines: the HTTP request, the WebSocket loop, the closing drain. The only
// translation unit of the server with per-connection coroutine code (coroutines are slow to
// compile). The write queue is in session_write.cpp.
#include "session.hpp"

#include "trace.hpp"
#include "ws/http.hpp"
#include "ws/route.hpp"

#include "common/endpoint.hpp"

#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

// GCC 12 false positive in asio's coroutine frames (see lesson 04's echo_server.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace lesson05 {

using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t max_drain_bytes = 1024 * 1024;  // read and dropped while closing, at most

}  // namespace

Session::Session(tcp::socket socket, std::shared_ptr<ChatServer::State> server, std::uint64_t id)
    : socket_(std::move(socket)), server_(std::move(server)), id_(id), meter_(server_->config.backpressure) {}

std::string Session::label() const { return "connection " + std::to_string(id_) + (name().empty() ? "" : " (" + name() + ")"); }

void Session::start() {
    deadline_ = clock::now() + server_->config.handshake_timeout;
    std::error_code ec;
    socket_.non_blocking(true, ec);  // read_some() and flush() try first, and wait only if they must
    socket_.set_option(tcp::no_delay(true), ec);  // chat lines are small: send them at once
    auto self = shared_from_this();
    asio::co_spawn(socket_.get_executor(), run(self), [self](const std::exception_ptr& error) {
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            self->server_->log.info(self->label(), ": internal error: ", e.what());
        }
        self->finish();
    });
}

// ---- reading ----------------------------------------------------------------------------

awaitable<std::size_t> Session::read_some(std::error_code& ec) {
    // Try first (the bytes are often there already), wait for readability only when there are
    // none. While waiting the session owns no buffer at all.
    std::vector<char>& buffer = server_->read_buffer;
    for (;;) {
        const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
        if (ec != asio::error::would_block && ec != asio::error::try_again) co_return n;
        co_await socket_.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return 0;
    }
}

awaitable<void> Session::run(std::shared_ptr<Session> self) {
    course::Logger& log = server_->log;
    if (log.enabled(course::LogLevel::verbose)) {
        std::error_code ec;
        log.verbose(label(), ": connected from ", course::format_endpoint(socket_.remote_endpoint(ec)));
    }
    // Two steps, so that the HTTP parser (and the request's headers) is gone before the
    // WebSocket's long life begins: only the frames of run() and serve_websocket() stay.
    std::optional<std::string> leftover = co_await serve_http();
    if (leftover) co_await serve_websocket(std::move(*leftover));
    else co_await drain();
    finish();
    log.verbose(label(), ": gone");
    (void)self;  // kept us alive until here
}

void Session::finish() {
    // Also called if run() ended with an exception: the room must never keep a pointer to a
    // session that is about to be destroyed. Each step may run twice harmlessly.
    if (in_room()) server_->room.leave(*this, server_->stopping);
    server_->room.flush();
    std::error_code ec;
    socket_.close(ec);
    dead_ = true;
    // Out of the registry: swap with the last entry (O(1)).
    auto& sessions = server_->sessions;
    if (registry_index < sessions.size() && sessions[registry_index].get() == this) {
        sessions[registry_index] = std::move(sessions.back());
        sessions[registry_index]->registry_index = registry_index;
        sessions.pop_back();
    }
    if (server_->stopping && sessions.empty()) server_->sweep_timer.cancel();  // the last one: stop now
}

awaitable<std::optional<std::string>> Session::serve_http() {
    course::Logger& log = server_->log;
    ws::HttpParser parser(ws::HttpParser::Kind::request);
    for (;;) {
        std::error_code ec;
        const std::size_t n = co_await read_some(ec);
        if (ec) {
            if (!dead_) log.verbose(label(), ": gone before the request was complete (", ec.message(), ")");
            co_return std::nullopt;
        }
        std::string_view in(server_->read_buffer.data(), n);
        const std::string_view received = in;
        const auto result = parser.push(in);
        if (log.tracing()) log.trace(label(), ": request bytes\n", lesson04::describe_http_head("  > ", received.substr(0, received.size() - in.size())));
        if (result == ws::HttpParser::Result::incomplete) continue;
        const ws::Route route = result == ws::HttpParser::Result::error
                                    ? ws::refuse_bad_request(parser.error_status(), parser.error_reason())
                                    : ws::route_request(parser.head(), server_->site);
        if (log.tracing() && route.handshake) {
            std::string text = label() + ": opening handshake, checks in order:";
            for (const auto& step : route.handshake->steps) text += "\n  " + step;
            log.trace(text);
        }
        if (route.kind == ws::Route::Kind::page) log.verbose(label(), ": ", route.summary);
        else if (route.kind == ws::Route::Kind::refuse) log.info(label(), ": ", route.summary);
        push(route.response, true);
        if (route.kind == ws::Route::Kind::upgrade)
            co_return std::string(in);  // bytes after the head: the first frame
        break;
    }
    co_return std::nullopt;
}

awaitable<void> Session::serve_websocket(std::string leftover) {
    course::Logger& log = server_->log;
    conn_.emplace(ws::Role::server, ws::ConnectionOptions{server_->config.max_message});
    if (log.tracing()) {
        conn_->set_frame_observer([this](const ws::FrameTrace& frame) {
            server_->log.trace(label(), ": ", lesson04::describe_frame(frame));
        });
    }
    phase_ = Phase::open;
    last_input_ = clock::now();
    if (server_->stopping) {  // shut down while we read the request
        close_with(ws::close_code::going_away, "server shutting down");
    } else {
        server_->room.join(*this);
        log.verbose(label(), ": joined (", server_->room.size(), " online)");
    }
    std::string_view in = leftover;
    for (;;) {
        while (const ws::Event event = conn_->receive(in)) handle(event);
        // A pong or a close that ws::Connection queued counts toward the bounds too.
        if (conn_->has_output() && meter_.queued(counted_bytes(), clock::now()) == course::Backpressure::over_hard_bound) {
            evict(course::Backpressure::over_hard_bound);
        }
        if (!accepting_ && in_room()) server_->room.leave(*this, server_->stopping);
        server_->room.flush();
        flush();
        if (conn_->should_close_tcp()) break;  // the closing handshake is done, or failed
        std::error_code ec;
        std::size_t n = 0;
        if (write_waiting_) {
            // Backpressure: the client's socket buffer is full, so it is not reading what we
            // send. Read nothing more from it until it drains (lesson 04 does the same): it can
            // neither flood the room nor make us answer pings it will never read.
            co_await socket_.async_wait(tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, ec));
        } else {
            n = co_await read_some(ec);
        }
        if (ec == asio::error::operation_aborted && !dead_) continue;  // woken on purpose (evicted)
        if (ec) {
            // The stream ended (or failed) before the closing handshake did: ws::Connection
            // names it, a close 1006 (RFC 6455 7.1.5). Not logged if we dropped the client.
            const ws::Event end = conn_->receive_eof();
            if (end && !dead_) log.verbose(label(), ": ", end.data, " (", end.code, "): ", ec.message());
            co_return;
        }
        if (n == 0) continue;  // the socket drained: flush() and try again
        last_input_ = clock::now();
        ping_sent_ = false;
        in = std::string_view(server_->read_buffer.data(), n);
    }
    co_await drain();
}

awaitable<void> Session::drain() {
    // The server closes TCP first (RFC 6455 7.1.1): our FIN goes after the last queued byte
    // (flush() sends it), then we read and drop what the client still sends until its FIN,
    // so that closing never turns into a reset that could destroy our last bytes.
    phase_ = Phase::closing;
    deadline_ = clock::now() + server_->config.close_timeout;
    shutdown_when_flushed_ = true;
    flush();
    std::error_code ec;
    for (std::size_t drained = 0; !ec && !dead_ && drained < max_drain_bytes;) {
        drained += co_await read_some(ec);
        if (ec == asio::error::operation_aborted && !dead_) ec = {};
    }
}

void Session::handle(const ws::Event& event) {
    course::Logger& log = server_->log;
    using Kind = ws::Event::Kind;
    switch (event.kind) {
    case Kind::text: handle_text(event.data); break;
    case Kind::binary:
        log.info(label(), ": binary message: close 1003");
        close_with(ws::close_code::unsupported_data, "binary messages are not part of the chat");
        break;
    case Kind::ping:
    case Kind::pong: break;  // the pong is queued by ws::Connection; any input counts as alive
    case Kind::close:
        log.verbose(label(), ": client closed with ", event.code, " (", ws::close_code_name(event.code), ")");
        accepting_ = false;
        break;
    case Kind::error:
        log.info(label(), ": protocol violation, closing with ", event.code, " (", ws::close_code_name(event.code), "): ", event.data);
        accepting_ = false;
        break;
    case Kind::none: break;
    }
}

void Session::handle_text(std::string_view text) {
    if (!accepting_ || !in_room()) return;
    Room& room = server_->room;
    const ClientCommand command = parse_client_message(text);
    switch (command.kind) {
    case ClientCommand::Kind::message:
        if (command.text.empty()) room.error(*this, "an empty message is not sent");
        else room.say(*this, command.text);
        break;
    case ClientCommand::Kind::nick: {
        const std::string before = name();
        room.rename(*this, command.text);
        if (name() != before) server_->log.verbose("connection ", id_, ": ", before, " is now ", name());
        break;
    }
    case ClientCommand::Kind::who: room.who(*this); break;
    case ClientCommand::Kind::invalid: room.error(*this, command.text); break;
    }
}

void Session::close_with(std::uint16_t code, std::string_view reason) {
    // The close frame waits in ws::Connection until everything queued before it is sent.
    if (conn_ && conn_->close(code, reason)) accepting_ = false;
}

}  // namespace lesson05
