// The echo server's coroutines: one Session per connection (the accept loop is accept_loop.cpp,
// shared with lesson 05). This is the only translation unit of the server with coroutine code
// (they are slow to compile).
#include "echo_server.hpp"

#include "accept_loop.hpp"
#include "page.hpp"
#include "trace.hpp"
#include "ws/connection.hpp"
#include "ws/handshake.hpp"
#include "ws/http.hpp"
#include "ws/route.hpp"

#include "common/endpoint.hpp"
#include "common/listener.hpp"
#include "common/report_exceptions.hpp"

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <set>

namespace lesson04 {

using asio::awaitable;
using asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;   // bytes per read, into the server's one buffer
constexpr std::size_t max_drain_bytes = 1024 * 1024;  // read and dropped while draining, at most

// What GET / and GET /ws serve: the page, built once, and what the handshake accepts.
ws::Site make_site(const EchoServerConfig& config) {
    return {std::make_shared<const std::string>(echo_page_response()),
            {config.allowed_origins, config.subprotocols}};
}

}  // namespace

class Session;

struct EchoServer::State {
    State(asio::io_context& io, const tcp::endpoint& endpoint, EchoServerConfig c, course::Logger& l)
        : acceptor(course::open_tcp_listener(io, endpoint)), config(std::move(c)), log(l),
          read_buffer(read_buffer_size), site(make_site(config)),
          busy_response(
              ws::http_error_response(503, "too many connections, try again later", "Retry-After: 5\r\n")) {}

    tcp::acceptor acceptor;
    EchoServerConfig config;
    course::Logger& log;
    std::set<std::shared_ptr<Session>> sessions;  // alive connections, for shutdown() and the cap
    // The one read buffer of the server. A session reads into it only once its socket is
    // readable, and hands every byte to its parser or ws::Connection before it waits again:
    // one thread needs one buffer, not one per connection (64 KiB each, idle or not).
    std::vector<char> read_buffer;
    ws::Site site;              // what GET / (the page, built once) and GET /ws serve
    std::string busy_response;  // past max_connections: 503, built once
    std::uint64_t next_id = 0;
    bool stopping = false;
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<EchoServer::State> server, std::uint64_t id)
        : socket_(std::move(socket)), timer_(socket_.get_executor()), server_(std::move(server)),
          log_(server_->log), config_(server_->config) {
        std::error_code ec;
        name_ = "connection " + std::to_string(id) + " (" +
                course::format_endpoint(socket_.remote_endpoint(ec)) + ")";
        socket_.non_blocking(true, ec);  // read_some() and write_all() try first, wait only if they must
    }

    void start() {
        deadline_ = steady_clock::now() + config_.handshake_timeout;
        asio::co_spawn(socket_.get_executor(), run(shared_from_this()),
                       course::report_exceptions(log_, name_));
        asio::co_spawn(socket_.get_executor(), watchdog(shared_from_this()),
                       course::report_exceptions(log_, name_));
    }

    // Server shutdown: a WebSocket gets a close with 1001, anything else is dropped.
    void stop() {
        stopping_ = true;
        std::error_code ec;
        if (phase_ == Phase::http) {
            socket_.close(ec);
        } else if (reading_) {
            socket_.cancel(ec);  // wake the read; the loop sends the close
        } else if (phase_ == Phase::writing) {
            arm(config_.close_timeout);  // finish the echo, but don't wait write_timeout for it
        }
    }

private:
    // What the watchdog is waiting for: it names the timeout that ran out.
    enum class Phase { http, open, writing, closing, draining };

    awaitable<void> run(std::shared_ptr<Session> self);
    // The request, routed; the bytes after its head if it opened a WebSocket, else nullopt
    // (answered, or the client gone).
    awaitable<std::optional<std::string>> serve_http();
    void trace_handshake(const ws::HttpHead& request, const ws::HandshakeResult& hs);
    awaitable<void> serve_websocket(std::string leftover);
    awaitable<void> respond_and_close(std::shared_ptr<const std::string> response);
    awaitable<void> drain();
    // Socket closed, out of the server's list: the end of every session.
    void finish(const std::shared_ptr<Session>& self);
    awaitable<void> watchdog(std::shared_ptr<Session> self);
    // Reads into the server's shared buffer: valid until this session's next co_await.
    awaitable<std::string_view> read_some(std::error_code& ec);
    awaitable<bool> write_all(std::string_view bytes);
    void handle(ws::Connection& conn, const ws::Event& event);

    // Moves the deadline. The watchdog sleeps until the old one: wake it if the new one is earlier.
    void arm(std::chrono::milliseconds timeout) {
        const auto deadline = steady_clock::now() + timeout;
        if (deadline < deadline_) timer_.cancel();
        deadline_ = deadline;
    }

    tcp::socket socket_;
    asio::steady_timer timer_;
    std::shared_ptr<EchoServer::State> server_;
    course::Logger& log_;
    const EchoServerConfig& config_;
    std::string name_;
    steady_clock::time_point deadline_;
    Phase phase_ = Phase::http;
    bool reading_ = false;
    bool stopping_ = false;
    bool timed_out_ = false;
    bool finished_ = false;
};

awaitable<std::string_view> Session::read_some(std::error_code& ec) {
    // Try first (the bytes are often there already); when there are none, wait for the socket
    // to become readable, holding no buffer while we wait.
    std::vector<char>& buffer = server_->read_buffer;
    reading_ = true;
    for (;;) {
        const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
        if (ec != asio::error::would_block && ec != asio::error::try_again) {
            reading_ = false;
            const std::string_view bytes(buffer.data(), n);
            // One line per read: how TCP cut the stream (--chunk 1 on the client: a byte each).
            if (!ec && log_.tracing()) log_.trace(name_, ": ", describe_read(bytes));
            co_return bytes;
        }
        co_await socket_.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            reading_ = false;
            co_return std::string_view();
        }
    }
}

awaitable<bool> Session::write_all(std::string_view bytes) {
    // As much as the kernel takes, then wait until it takes more. Each time it takes some, the
    // client has write_timeout again: a slow reader is fine, one that takes nothing is dropped.
    const Phase before = phase_;
    phase_ = Phase::writing;
    std::error_code ec;
    while (!bytes.empty()) {
        arm(stopping_ ? config_.close_timeout : config_.write_timeout);
        const std::size_t n = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
        bytes.remove_prefix(n);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            co_await socket_.async_wait(tcp::socket::wait_write,
                                        asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec) break;
    }
    if (ec && !timed_out_) log_.verbose(name_, ": write failed: ", ec.message());
    if (phase_ == Phase::writing) phase_ = before;
    co_return !ec;
}

awaitable<void> Session::watchdog(std::shared_ptr<Session> /*self: keeps the session alive*/) {
    // The timeouts of the asio examples (cpp20/timeouts): one timer per connection, one
    // deadline that each step moves. When it passes, the socket is closed and the pending read
    // or write ends with an error.
    while (!finished_) {
        timer_.expires_at(deadline_);
        std::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (finished_ || steady_clock::now() < deadline_) continue;
        timed_out_ = true;
        const char* what = "";
        switch (phase_) {
        case Phase::http: what = "no complete request within the handshake timeout"; break;
        case Phase::open: what = "idle for longer than the idle timeout"; break;
        case Phase::writing:
            what = stopping_ ? "took none of our bytes while the server shut down"
                             : "took none of our bytes within the write timeout (not reading?)";
            break;
        case Phase::closing:
        case Phase::draining: what = "the peer did not finish closing in time"; break;
        }
        log_.info(name_, ": ", what, ": dropped");
        socket_.close(ec);
        break;
    }
}

awaitable<void> Session::run(std::shared_ptr<Session> self) {
    log_.verbose(name_, ": connected");
    // Two steps, so that the HTTP parser (and the request's headers) is gone before the
    // WebSocket's long life begins: only the frames of run() and serve_websocket() stay.
    std::optional<std::string> leftover = co_await serve_http();
    if (leftover) co_await serve_websocket(std::move(*leftover));
    finish(self);
}

void Session::finish(const std::shared_ptr<Session>& self) {
    std::error_code ec;
    socket_.close(ec);
    finished_ = true;
    timer_.cancel();
    server_->sessions.erase(self);
}

awaitable<std::optional<std::string>> Session::serve_http() {
    ws::HttpParser parser(ws::HttpParser::Kind::request);
    std::string head_text;  // the request as received, for --trace
    for (;;) {              // read the request head, under the handshake deadline
        std::error_code ec;
        std::string_view in = co_await read_some(ec);
        if (ec) {
            if (!timed_out_)
                log_.verbose(name_, ": gone before the request was complete (", ec.message(), ")");
            co_return std::nullopt;
        }
        const std::string_view received = in;
        const auto result = parser.push(in);  // leaves in `in` what follows the head
        if (log_.tracing()) head_text += received.substr(0, received.size() - in.size());
        if (result == ws::HttpParser::Result::incomplete) continue;
        if (log_.tracing()) log_.trace(name_, ": request head\n", describe_http_head("  > ", head_text));

        const ws::Route route = result == ws::HttpParser::Result::error
                                    ? ws::refuse_bad_request(parser.error_status(), parser.error_reason())
                                    : ws::route_request(parser.head(), server_->site);
        if (log_.tracing() && route.handshake) trace_handshake(parser.head(), *route.handshake);
        if (route.kind != ws::Route::Kind::upgrade) {
            if (route.kind == ws::Route::Kind::page) log_.verbose(name_, ": ", route.summary);
            else log_.info(name_, ": ", route.summary);
            co_await respond_and_close(route.response);
            co_return std::nullopt;
        }
        // Bytes after the head belong to the first frame. Copied now: the shared read buffer
        // is another session's while we wait for our write.
        std::string leftover(in);
        const bool sent = co_await write_all(*route.response);
        if (!sent) co_return std::nullopt;
        const std::string& subprotocol = route.handshake->subprotocol;
        log_.verbose(name_, ": WebSocket open", subprotocol.empty() ? "" : " subprotocol " + subprotocol);
        co_return leftover;
    }
}

void Session::trace_handshake(const ws::HttpHead& request, const ws::HandshakeResult& hs) {
    std::string text = name_ + ": opening handshake, checks in order:";
    for (const auto& step : hs.steps) text += "\n  " + step;
    if (hs.accepted()) {
        text += "\n  accept computation (RFC 6455 4.2.2 item 5.4):";
        for (const auto& line : ws::explain_accept(*request.find("Sec-WebSocket-Key")))
            text += "\n    " + line;
    }
    text += "\n" + describe_http_head("  < ", hs.response.substr(0, hs.response.find("\r\n\r\n") + 4));
    log_.trace(text);
}

// By value: a coroutine's view or reference parameters may outlive what they refer to.
awaitable<void> Session::respond_and_close(std::shared_ptr<const std::string> response) {
    // (Each co_await is a statement of its own: GCC 12 miscompiles co_await inside conditions.)
    const bool sent = co_await write_all(*response);
    if (sent) co_await drain();
}

void Session::handle(ws::Connection& conn, const ws::Event& event) {
    using Kind = ws::Event::Kind;
    switch (event.kind) {
    case Kind::text:
    case Kind::binary:
        log_.verbose(name_, ": ", ws::event_kind_name(event.kind), " message of ", event.data.size(),
                     " bytes: echo");
        if (event.kind == Kind::text) conn.send_text(event.data);
        else conn.send_binary(event.data);
        break;
    case Kind::ping: log_.verbose(name_, ": ping of ", event.data.size(), " bytes: pong queued"); break;
    case Kind::pong: log_.verbose(name_, ": pong of ", event.data.size(), " bytes (ignored)"); break;
    case Kind::close:
        log_.verbose(name_, ": client closed with ", event.code, " (", ws::close_code_name(event.code), ")",
                     event.data.empty() ? "" : " reason: ", event.data);
        break;
    case Kind::error:
        log_.info(name_, ": protocol violation, closing with ", event.code, " (",
                  ws::close_code_name(event.code), "): ", event.data);
        break;
    case Kind::none: break;
    }
}

awaitable<void> Session::serve_websocket(std::string leftover) {
    phase_ = Phase::open;
    ws::Connection conn(ws::Role::server, ws::ConnectionOptions{config_.max_message});
    if (log_.tracing()) {
        conn.set_frame_observer(
            [this](const ws::FrameTrace& frame) { log_.trace(name_, ": ", describe_frame(frame)); });
    }
    std::string_view in = leftover;  // bytes that came with the request belong to the first frame
    arm(config_.idle_timeout);
    for (;;) {
        while (const ws::Event event = conn.receive(in)) handle(conn, event);
        // Everything queued goes out before we read again: a client that does not read its
        // echoes stops being read (backpressure), and our memory stays bounded.
        if (conn.has_output()) {
            const bool sent = co_await write_all(conn.pending_output());
            if (!sent) co_return;
            conn.consume_output(conn.pending_output().size());
        }
        if (conn.should_close_tcp()) break;  // closing handshake done, or the peer failed it
        if (stopping_ && conn.state() == ws::Connection::State::open) {
            log_.verbose(name_, ": server shutting down: close 1001");
            conn.close(ws::close_code::going_away, "server shutting down");
            continue;
        }
        if (conn.state() == ws::Connection::State::closing) {
            phase_ = Phase::closing;
            arm(config_.close_timeout);
        } else {
            arm(config_.idle_timeout);
        }
        std::error_code ec;
        in = co_await read_some(ec);  // all of it goes to conn.receive() before the next co_await
        if (ec == asio::error::operation_aborted && stopping_ && !timed_out_) continue;
        if (ec) {
            // The stream ended (or failed) before the closing handshake did: ws::Connection
            // names it, a close 1006 (RFC 6455 7.1.5). Not logged if the watchdog dropped it.
            const ws::Event end = conn.receive_eof();
            if (end && !timed_out_) log_.verbose(name_, ": ", end.data, " (", end.code, "): ", ec.message());
            co_return;
        }
    }
    co_await drain();
}

awaitable<void> Session::drain() {
    // The server closes TCP first (RFC 6455 7.1.1). shutdown(send) sends our FIN after the last
    // byte; then we read and drop whatever the client still sends until its FIN, so that
    // closing never turns into a reset (RST) that could destroy our last bytes in its buffers.
    phase_ = Phase::draining;
    std::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    arm(config_.close_timeout);
    for (std::size_t drained = 0; !ec && drained < max_drain_bytes;) {
        const std::string_view dropped = co_await read_some(ec);
        drained += dropped.size();
    }
}

EchoServer::EchoServer(asio::io_context& io, const tcp::endpoint& endpoint, EchoServerConfig config,
                       course::Logger& log)
    : state_(std::make_shared<State>(io, endpoint, std::move(config), log)) {}

EchoServer::~EchoServer() = default;

tcp::endpoint EchoServer::local_endpoint() const { return state_->acceptor.local_endpoint(); }

void EchoServer::start() {
    AcceptHooks hooks{
        [state = state_] { return state->stopping; },
        [state = state_] { return state->sessions.size(); },
        [state = state_](tcp::socket socket) {
            std::error_code ec;
            socket.set_option(tcp::no_delay(true), ec);  // small frames go out at once
            auto session = std::make_shared<Session>(std::move(socket), state, ++state->next_id);
            state->sessions.insert(session);
            session->start();
        },
    };
    asio::co_spawn(state_->acceptor.get_executor(),
                   accept_connections(state_->acceptor, state_->log, state_->config.max_connections,
                                      state_->busy_response, std::move(hooks)),
                   course::report_exceptions(state_->log, "accept loop"));
}

void EchoServer::shutdown() {
    state_->stopping = true;
    std::error_code ec;
    state_->acceptor.close(ec);
    const auto sessions = state_->sessions;  // a copy: stop() may end a session at once
    for (const auto& session : sessions) session->stop();
}

}  // namespace lesson04
