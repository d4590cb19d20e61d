// The session coroutine and the write queue. The only translation unit of the server with
// per-connection coroutine code (coroutines are slow to compile).
#include "session.hpp"

#include "trace.hpp"
#include "ws/handshake.hpp"
#include "ws/http.hpp"

#include "common/endpoint.hpp"
#include "common/hex_dump.hpp"

#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <array>
#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>

// GCC 12 false positive in asio's coroutine frames (see lesson 04's echo_server.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace lesson05 {

using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t max_iov = 256;                  // frames per sendmsg() call
constexpr std::size_t max_drain_bytes = 1024 * 1024;  // read and dropped while closing, at most
constexpr std::size_t compact_after = 1024;           // sent entries kept before the queue is compacted

}  // namespace

Session::Session(tcp::socket socket, std::shared_ptr<ChatServer::State> server, std::uint64_t id)
    : socket_(std::move(socket)), server_(std::move(server)), id_(id) {}

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
    if (in_room()) server_->room.leave(*this, server_->stopping);
    server_->room.flush();
    std::error_code ec;
    socket_.close(ec);
    dead_ = true;
    // Out of the registry: swap with the last entry (O(1)); `self` keeps us alive until we return.
    auto& sessions = server_->sessions;
    if (registry_index < sessions.size() && sessions[registry_index].get() == this) {
        sessions[registry_index] = std::move(sessions.back());
        sessions[registry_index]->registry_index = registry_index;
        sessions.pop_back();
    }
    if (server_->stopping && sessions.empty()) server_->sweep_timer.cancel();  // the last one: stop now
    log.verbose(label(), ": gone");
    (void)self;
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
        if (result == ws::HttpParser::Result::error) {
            log.info(label(), ": bad request: ", parser.error_status(), " ", parser.error_reason());
            push(std::make_shared<const std::string>(ws::http_error_response(parser.error_status(), parser.error_reason())));
            break;
        }
        const ws::HttpHead& request = parser.head();
        const std::string path = request.target.substr(0, request.target.find('?'));
        if (path == "/ws") {
            const ws::HandshakeResult hs =
                ws::evaluate_handshake(request, ws::ServerHandshakeOptions{server_->config.allowed_origins, {}});
            if (log.tracing()) {
                std::string text = label() + ": opening handshake, checks in order:";
                for (const auto& step : hs.steps) text += "\n  " + step;
                log.trace(text);
            }
            if (!hs.accepted()) {
                log.info(label(), ": handshake refused: ", hs.status, " ", hs.reason);
                push(std::make_shared<const std::string>(hs.response));
                break;
            }
            push(std::make_shared<const std::string>(hs.response));
            co_return std::string(in);  // bytes after the head belong to the first frame
        }
        if (path == "/" || path == "/index.html") {
            if (request.method != "GET") {
                log.info(label(), ": ", request.method, " ", request.target, " -> 405");
                push(std::make_shared<const std::string>(ws::http_error_response(405, "only GET here", "Allow: GET\r\n")));
            } else {
                log.verbose(label(), ": GET ", request.target, " -> 200 page");
                push(server_->page_response);
            }
        } else {
            log.info(label(), ": ", request.method, " ", request.target, " -> 404");
            push(std::make_shared<const std::string>(ws::http_error_response(404, "no such page: try / or /ws")));
        }
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
        take_connection_output();
        if (!accepting_ && in_room()) server_->room.leave(*this, server_->stopping);
        server_->room.flush();
        flush();
        if (conn_->should_close_tcp()) break;  // the closing handshake is done, or failed
        std::error_code ec;
        const std::size_t n = co_await read_some(ec);
        if (ec == asio::error::operation_aborted && !dead_) {  // woken on purpose (evicted)
            if (!accepting_ && in_room()) server_->room.leave(*this, server_->stopping);
            server_->room.flush();
            continue;
        }
        if (ec) {
            // 1006: the TCP connection ended without a closing handshake (RFC 6455 7.1.5).
            if (!dead_) log.verbose(label(), ": connection lost without a close (1006): ", ec.message());
            co_return;
        }
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
    if (!conn_ || !conn_->close(code, reason)) return;
    accepting_ = false;
    take_connection_output();
}

void Session::take_connection_output() {
    if (!conn_ || !conn_->has_output()) return;
    push(std::make_shared<const std::string>(conn_->pending_output()));
    conn_->consume_output(conn_->pending_output().size());
    if (conn_->state() != ws::Connection::State::open) accepting_ = false;
}

// ---- the write queue --------------------------------------------------------------------

void Session::push(FramePtr frame) {
    queued_bytes_ += frame->size();
    queue_.push_back(std::move(frame));
}

bool Session::enqueue(const FramePtr& frame, bool exempt) {
    if (!accepting_ || dead_) return false;
    if (!exempt && queued_bytes_ + frame->size() > server_->config.max_queue) {
        evict();
        return false;
    }
    const bool was_idle = head_ == queue_.size() && !write_waiting_;
    queued_bytes_ += frame->size();
    queue_.push_back(frame);  // a copy of the pointer: the bytes are shared
    if (server_->log.tracing()) server_->log.trace(label(), ": ", course::hex_dump("frame out", *frame, 64));
    return was_idle;
}

void Session::evict() {
    // Too slow: drop what it has not started to receive, keep the frame being sent (cutting it
    // would corrupt the stream), and close with 1008 after it.
    server_->log.info(label(), ": more than ", server_->config.max_queue, " bytes waiting: too slow, closing with 1008");
    const std::size_t keep = head_ + (head_offset_ > 0 ? 1 : 0);
    for (std::size_t i = keep; i < queue_.size(); ++i) queued_bytes_ -= queue_[i]->size();
    queue_.resize(keep);
    close_with(ws::close_code::policy_violation, "too slow: send queue full");
    phase_ = Phase::closing;
    deadline_ = clock::now() + server_->config.close_timeout;
    std::error_code ec;
    socket_.cancel(ec);  // wake the reader: it leaves the room (not from inside a broadcast)
    flush();
}

void Session::flush() {
    if (write_waiting_ || dead_) return;
    const int fd = socket_.native_handle();
    while (head_ < queue_.size()) {
        // One sendmsg() for up to max_iov frames: a gathered write straight from the shared bytes.
        std::array<iovec, max_iov> iov;
        std::size_t count = 0;
        for (std::size_t i = head_; i < queue_.size() && count < max_iov; ++i, ++count) {
            const std::string& bytes = *queue_[i];
            const std::size_t skip = i == head_ ? head_offset_ : 0;
            iov[count].iov_base = const_cast<char*>(bytes.data() + skip);
            iov[count].iov_len = bytes.size() - skip;
        }
        msghdr msg{};
        msg.msg_iov = iov.data();
        msg.msg_iovlen = count;
        const ssize_t sent = ::sendmsg(fd, &msg, MSG_NOSIGNAL);  // no SIGPIPE if the peer is gone
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return wait_writable();
            server_->log.verbose(label(), ": write failed: ", std::error_code(errno, std::system_category()).message());
            return abort(nullptr);
        }
        std::size_t left = static_cast<std::size_t>(sent);
        queued_bytes_ -= left;
        while (left > 0) {  // release each frame as soon as it is sent
            const std::size_t rest = queue_[head_]->size() - head_offset_;
            if (left < rest) {
                head_offset_ += left;
                break;
            }
            left -= rest;
            queue_[head_++].reset();
            head_offset_ = 0;
        }
        if (head_ >= compact_after && head_ < queue_.size()) {
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    // All sent. A queue that grew large during a burst gives its memory back.
    if (queue_.capacity() > compact_after) std::vector<FramePtr>().swap(queue_);
    else queue_.clear();
    head_ = 0;
    if (shutdown_when_flushed_) {
        std::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
    }
}

void Session::wait_writable() {
    write_waiting_ = true;
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](const std::error_code& ec) {
        self->write_waiting_ = false;
        if (self->dead_) return;
        if (ec && ec != asio::error::operation_aborted) return self->abort(nullptr);
        self->flush();  // (aborted: the reader was woken by cancel(); just try again)
    });
}

void Session::abort(const char* why) {
    if (dead_) return;
    if (why) server_->log.info(label(), ": ", why, ": dropped");
    dead_ = true;
    accepting_ = false;
    std::error_code ec;
    socket_.close(ec);  // the reader wakes with an error and leaves the room
}

// ---- the sweep and shutdown ---------------------------------------------------------------

void Session::on_tick(clock::time_point now) {
    if (dead_) return;
    const ChatServerConfig& config = server_->config;
    switch (phase_) {
    case Phase::http:
        if (now >= deadline_) abort("no complete request within the handshake timeout");
        break;
    case Phase::closing:
        if (now >= deadline_) abort("the peer did not finish closing in time");
        break;
    case Phase::open:
        if (now - last_input_ >= config.idle_timeout) {
            abort("silent for longer than the idle timeout (dead peer?)");
        } else if (!ping_sent_ && now - last_input_ >= config.ping_interval) {
            ping_sent_ = true;  // a live client answers with a pong, which counts as input
            if (enqueue(server_->ping_frame)) flush();
        }
        break;
    }
}

void Session::stop() {
    if (dead_) return;
    if (phase_ == Phase::http) return abort(nullptr);
    if (phase_ == Phase::open && accepting_) {
        if (in_room()) server_->room.leave(*this, true);
        close_with(ws::close_code::going_away, "server shutting down");
        phase_ = Phase::closing;
        deadline_ = clock::now() + server_->config.close_timeout;
        flush();
    }
}

}  // namespace lesson05
