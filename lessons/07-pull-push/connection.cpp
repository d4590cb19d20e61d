// The life of a connection: its coroutine from the first byte to the last (run), its phases
// (enter), the closing drain, the end, and its part in the sweep and in shutdown. HTTP is in
// connection_http.cpp, long polling in connection_long_poll.cpp, the streams in
// connection_stream.cpp, the write queue in connection_write.cpp.
#include "connection.hpp"

#include "common/endpoint.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <cassert>

namespace lesson07 {

using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t max_drain_bytes = 1024 * 1024;  // read and dropped while draining, at most

}  // namespace

Connection::Connection(tcp::socket socket, std::shared_ptr<FeedServer::State> server, std::uint64_t id)
    : socket_(std::move(socket)), server_(std::move(server)), id_(id), wakeup_(socket_.get_executor()),
      reader_(std::make_unique<feed::RequestReader>()), queue_(server_->config.backpressure) {
    ++server_->stats[mode_].open;
}

std::string Connection::label() const { return "connection " + std::to_string(id_); }

void Connection::start() {
    enter(Phase::request);
    std::error_code ec;
    socket_.non_blocking(true, ec);               // read_some() and flush() try first, wait if they must
    socket_.set_option(tcp::no_delay(true), ec);  // an event is small and must go at once
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

awaitable<void> Connection::run(std::shared_ptr<Connection> self) {
    course::Logger& log = server_->log;
    if (log.enabled(course::LogLevel::verbose)) {
        std::error_code ec;
        log.verbose(label(), ": connected from ", course::format_endpoint(socket_.remote_endpoint(ec)));
    }
    // The keep-alive loop, long polls inside it; then the stream a request may have opened.
    Handoff stream = co_await serve_requests();
    if (stream.kind == Handoff::Kind::sse) co_await serve_sse(stream.after);
    if (stream.kind == Handoff::Kind::websocket) co_await serve_websocket(std::move(stream.response));
    if (phase_ != Phase::done) co_await drain();
    finish();
    log.verbose(label(), ": gone");
    (void)self;  // kept us alive until here
}

void Connection::enter(Phase next) {
    phase_ = next;
    const auto now = clock::now();
    switch (next) {
    case Phase::request:
        if (!reader_->mid_request()) idle_since_ = now;
        break;
    case Phase::websocket: last_input_ = now; break;
    case Phase::sse: last_queued_ = now; break;
    case Phase::closing:
    case Phase::draining: deadline_ = now + server_->config.close_timeout; break;
    case Phase::answering:
    case Phase::long_poll:
    case Phase::done: break;
    }
}

awaitable<std::size_t> Connection::read_some(std::error_code& ec) {
    // Try first (the bytes are often there already), wait for readability only when there are
    // none. While waiting the connection holds no read buffer.
    std::vector<char>& buffer = server_->read_buffer;
    for (;;) {
        const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
        if (ec != asio::error::would_block && ec != asio::error::try_again) co_return n;
        co_await socket_.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return 0;
    }
}

awaitable<void> Connection::drain() {
    // Our FIN goes after the last queued byte (flush() sends it while draining); then what the
    // client still sends is read and dropped until its FIN, so closing never turns into a reset
    // that could destroy the answer we just sent (RFC 9112 9.6).
    if (phase_ != Phase::draining) enter(Phase::draining);
    flush();
    std::error_code ec;
    for (std::size_t drained = 0; !ec && phase_ != Phase::done && drained < max_drain_bytes;) {
        drained += co_await read_some(ec);
        if (ec == asio::error::operation_aborted && phase_ != Phase::done) ec = {};
    }
}

void Connection::finish() {
    // Also called if run() ended with an exception. Each step may run twice harmlessly.
    leave_waiters();
    std::error_code ec;
    socket_.close(ec);
    wakeup_.cancel();
    if (phase_ != Phase::done) enter(Phase::done);
    auto& connections = server_->connections;
    if (registry_index < connections.size() && connections[registry_index].get() == this) {
        --server_->stats[mode_].open;
        connections[registry_index] = std::move(connections.back());
        connections[registry_index]->registry_index = registry_index;
        connections.pop_back();
    }
    if (server_->stopping && connections.empty()) server_->sweep_timer.cancel();  // the last: stop now
}

void Connection::abort(const char* why) {
    if (phase_ == Phase::done) return;
    if (why) server_->log.info(label(), ": ", why, ": dropped");
    enter(Phase::done);
    std::error_code ec;
    socket_.close(ec);  // a pending read or wait wakes with an error
    wakeup_.cancel();
}

void Connection::set_mode(feed::Mode mode) {
    if (mode == mode_) return;
    server_->stats.move_open(mode_, mode);
    mode_ = mode;
}

// ---- the sweep and shutdown ---------------------------------------------------------------

void Connection::on_tick(clock::time_point now) {
    const FeedServerConfig& config = server_->config;
    switch (phase_) {
    case Phase::request:
        if (reader_->mid_request()) {
            if (now - request_started_ >= config.request_timeout) time_out_request();
        } else if (now - idle_since_ >= config.idle_timeout) {
            server_->log.verbose(label(), ": idle for longer than the idle timeout: closed");
            abort(nullptr);  // quietly: a keep-alive connection nobody uses
        }
        break;
    case Phase::answering:
        // A client that does not read its answer: the stall rule is the write timeout.
        if (const auto verdict = queue_.check(now); verdict != course::Backpressure::ok)
            evict(course::describe(verdict, queue_.limits()));
        break;
    case Phase::long_poll: break;  // its own timer
    case Phase::sse:
        if (const auto verdict = queue_.check(now); verdict != course::Backpressure::ok) {
            evict(course::describe(verdict, queue_.limits()));
        } else if (now - last_queued_ >= config.heartbeat) {
            send(Piece{server_->heartbeat, 0, 0, mode_, false});  // keeps proxies and idle timers awake
            flush();
        }
        break;
    case Phase::websocket: {
        if (const auto verdict = queue_.check(now); verdict != course::Backpressure::ok) {
            evict(course::describe(verdict, queue_.limits()));
            break;
        }
        // A client whose socket is full is not read from, so its silence means nothing: the
        // stall rule watches it instead.
        if (write_waiting_) break;
        const auto silence = std::max(config.idle_timeout, 2 * config.heartbeat);
        if (now - last_input_ >= silence) {
            abort("silent for longer than the idle timeout (dead peer?)");
        } else if (!ping_sent_ && now - last_input_ >= config.heartbeat) {
            ping_sent_ = true;  // a live client answers with a pong, which counts as input
            send(Piece{server_->ping_frame, 0, 0, mode_, false});
            flush();
        }
        break;
    }
    case Phase::closing:
    case Phase::draining:
        if (now >= deadline_) abort("the peer did not finish closing in time");
        break;
    case Phase::done: break;
    }
}

void Connection::stop() {
    switch (phase_) {
    case Phase::request: abort(nullptr); break;
    case Phase::answering:  // the answer goes out, then our FIN, within the close timeout
        enter(Phase::draining);
        wakeup_.cancel();
        break;
    case Phase::long_poll: wakeup_.cancel(); break;  // answered at once, with Connection: close
    case Phase::sse:                                 // what is queued, then our FIN
        enter(Phase::draining);
        socket_.cancel();  // wake the stream's reader
        flush();
        break;
    case Phase::websocket:
        close_with(ws::close_code::going_away, "server shutting down");
        flush();
        break;
    case Phase::closing:
    case Phase::draining:
    case Phase::done: break;  // on its way out already, under the close timeout
    }
}

}  // namespace lesson07
