// The life of a session: its coroutine from the first byte to the last (run), the states it
// goes through (enter), the closing drain, the end, and its part in the sweep and in shutdown.
// The HTTP phase is in session_http.cpp, the WebSocket phase in session_websocket.cpp, the
// writing in session_write.cpp.
#include "session.hpp"

#include "common/endpoint.hpp"

#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <cassert>

namespace lesson05 {

using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t max_drain_bytes = 1024 * 1024;  // read and dropped while draining, at most

}  // namespace

Session::Session(std::shared_ptr<Stream> stream, std::shared_ptr<ChatServer::State> server, std::uint64_t id)
    : stream_(std::move(stream)), server_(std::move(server)), id_(id), queue_(server_->config.backpressure) {}

std::string Session::label() const {
    return "connection " + std::to_string(id_) + (name().empty() ? "" : " (" + name() + ")");
}

void Session::start() {
    enter(State::http);
    std::error_code ec;
    tcp::socket& socket = stream_->socket();
    socket.non_blocking(true, ec);  // read_some() and flush() try first, and wait only if they must
    socket.set_option(tcp::no_delay(true), ec);  // chat lines are small: send them at once
    auto self = shared_from_this();
    asio::co_spawn(socket.get_executor(), run(self), [self](const std::exception_ptr& error) {
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            self->server_->log.info(self->label(), ": internal error: ", e.what());
        }
        self->finish();
    });
}

awaitable<void> Session::run(std::shared_ptr<Session> self) {
    course::Logger& log = server_->log;
    if (log.enabled(course::LogLevel::verbose)) {
        std::error_code ec;
        log.verbose(label(), ": connected from ",
                    course::format_endpoint(stream_->socket().remote_endpoint(ec)));
    }
    // TLS first, if the stream has it, within the handshake timeout (the http state's deadline).
    if (const std::string failed = co_await stream_->handshake(log, label()); !failed.empty()) {
        if (state_ != State::done) log.info(label(), ": ", failed, ": dropped");
        abort(nullptr);
        finish();
        co_return;
    }
    // Two phases, so that the HTTP parser (and the request's headers) is gone before the
    // WebSocket's long life begins: only the frames of run() and serve_websocket() stay.
    std::optional<Upgrade> upgrade = co_await serve_http();
    if (upgrade) co_await serve_websocket(std::move(*upgrade));
    // After an HTTP answer or a closing handshake; not if the client is gone already.
    if (state_ != State::done) co_await drain();
    finish();
    log.verbose(label(), ": gone");
    (void)self;  // kept us alive until here
}

void Session::enter(State next) {
    assert(next >= state_ && "a session only moves forward");
    state_ = next;
    const ChatServerConfig& config = server_->config;
    switch (next) {
    case State::http: deadline_ = clock::now() + config.handshake_timeout; break;
    case State::open: last_input_ = clock::now(); break;
    case State::closing:
    case State::draining: deadline_ = clock::now() + config.close_timeout; break;
    case State::done: break;
    }
}

awaitable<std::string_view> Session::read_some(std::error_code& ec) {
    // The stream tries first and waits for readability only when nothing is there (plain TCP:
    // into the server's shared buffer, so while waiting the session owns no buffer at all).
    co_return co_await stream_->read_some(ec);
}

awaitable<void> Session::drain() {
    // The server closes TCP first (RFC 6455 7.1.1): our FIN goes after the last queued byte
    // (flush() sends it while draining), then we read and drop what the client still sends
    // until its FIN, so that closing never turns into a reset that could destroy our last bytes.
    enter(State::draining);
    flush();
    std::error_code ec;
    for (std::size_t drained = 0; !ec && state_ != State::done && drained < max_drain_bytes;) {
        drained += (co_await read_some(ec)).size();
        if (ec == asio::error::operation_aborted && state_ != State::done) ec = {};
    }
}

void Session::finish() {
    // Also called if run() ended with an exception: the room must never keep a pointer to a
    // session that is about to be destroyed. Each step may run twice harmlessly.
    if (in_room()) server_->room->leave(*this, server_->stopping);
    server_->room->flush();
    stream_->close();
    enter(State::done);
    // Out of the registry: swap with the last entry (O(1)).
    auto& sessions = server_->sessions;
    if (registry_index < sessions.size() && sessions[registry_index].get() == this) {
        sessions[registry_index] = std::move(sessions.back());
        sessions[registry_index]->registry_index = registry_index;
        sessions.pop_back();
    }
    if (server_->stopping && sessions.empty()) server_->sweep_timer.cancel();  // the last one: stop now
}

void Session::abort(const char* why) {
    if (state_ == State::done) return;
    if (why) server_->log.info(label(), ": ", why, ": dropped");
    enter(State::done);
    stream_->close();  // the reader wakes with an error and leaves the room
}

// ---- the sweep and shutdown ---------------------------------------------------------------

void Session::on_tick(clock::time_point now) {
    const ChatServerConfig& config = server_->config;
    switch (state_) {
    case State::http:
        if (now >= deadline_) abort("no complete request within the handshake timeout");
        break;
    case State::open: {
        const course::Backpressure verdict = queue_.check(now);
        if (verdict != course::Backpressure::ok) {
            evict(verdict);  // above the soft bound, or nothing written, for the soft time
            break;
        }
        // A client whose socket is full is not read from (serve_websocket), so its silence
        // means nothing: the stall rule watches it instead.
        if (write_waiting_) break;
        if (now - last_input_ >= config.idle_timeout) {
            abort("silent for longer than the idle timeout (dead peer?)");
        } else if (!ping_sent_ && now - last_input_ >= config.ping_interval) {
            ping_sent_ = true;  // a live client answers with a pong, which counts as input
            if (enqueue(server_->ping_frame)) flush();
        }
        break;
    }
    case State::closing:
    case State::draining:
        if (now >= deadline_) abort("the peer did not finish closing in time");
        break;
    case State::done: break;
    }
}

void Session::stop() {
    switch (state_) {
    case State::http: abort(nullptr); break;
    case State::open:
        if (in_room()) server_->room->leave(*this, true);
        close_with(ws::close_code::going_away, "server shutting down");
        flush();
        break;
    case State::closing:
    case State::draining:
    case State::done: break;  // on its way out already, under the close timeout
    }
}

}  // namespace lesson05
