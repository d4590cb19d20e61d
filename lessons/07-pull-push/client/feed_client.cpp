#include "client/feed_client.hpp"

#include "client/tcp_bytes.hpp"
#include "feed/sse.hpp"
#include "trace.hpp"
#include "ws/connection.hpp"
#include "ws/url.hpp"
#include "ws_connect.hpp"

#include "common/endpoint.hpp"

#include <asio/connect.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cstdio>

namespace lesson07 {

using asio::awaitable;
using asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

constexpr std::size_t read_buffer_size = 16 * 1024;        // bytes per socket read
constexpr auto goodbye_timeout = std::chrono::seconds(1);  // ws: our close, and the server's answer

// The server answered, but not what a feed client can use now: a 5xx (503: too many
// connections) is worth trying again later; anything else is a FeedError.
struct TryLater : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string seconds_text(steady_clock::duration d) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", std::chrono::duration<double>(d).count());
    return text;
}

std::string status_text(const HttpResponse& r) { return std::to_string(r.head.status) + " " + r.head.reason; }

// The first line of an error body, made printable and short, for a message.
std::string body_line(std::string_view body) {
    const std::string line(body.substr(0, std::min(body.find('\n'), std::size_t{120})));
    return line.empty() ? "" : ": " + line;
}

}  // namespace

std::string_view mode_name(FeedMode mode) noexcept {
    switch (mode) {
    case FeedMode::poll: return "poll";
    case FeedMode::long_poll: return "longpoll";
    case FeedMode::sse: return "sse";
    case FeedMode::ws: return "ws";
    }
    return "?";
}

std::optional<FeedMode> parse_mode(std::string_view name) noexcept {
    for (const FeedMode m : {FeedMode::poll, FeedMode::long_poll, FeedMode::sse, FeedMode::ws}) {
        if (mode_name(m) == name) return m;
    }
    return std::nullopt;
}

ClientCounters& ClientCounters::operator+=(const ClientCounters& o) noexcept {
    requests += o.requests;
    bytes_sent += o.bytes_sent;
    bytes_received += o.bytes_received;
    events += o.events;
    duplicates += o.duplicates;
    connections += o.connections;
    resets += o.resets;
    return *this;
}

ClientCounters ClientCounters::operator-(const ClientCounters& o) const noexcept {
    return {requests - o.requests, bytes_sent - o.bytes_sent, bytes_received - o.bytes_received,
            events - o.events,     duplicates - o.duplicates, connections - o.connections,
            resets - o.resets};
}

FeedClient::FeedClient(asio::any_io_executor executor, FeedClientOptions options, OnEvent on_event)
    : executor_(executor), options_(std::move(options)), on_event_(std::move(on_event)), socket_(executor),
      resolver_(executor), deadline_(executor), pause_(executor), responses_(options_.limits) {
    host_header_ = ws::parse_ws_url(ws::make_ws_url(options_.host, options_.port)).host_header;
    last_id_ = options_.after.value_or(0);
}

FeedClient::~FeedClient() = default;

// ---- time limits ------------------------------------------------------------------------------

void FeedClient::set_deadline(steady_clock::duration from_now, const char* what) {
    waiting_for_ = what;
    deadline_.expires_after(from_now);
    // The handler may run after the client is gone (the timer's destructor cancels the wait):
    // it checks that it is still wanted, as lesson 04's connector does.
    deadline_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const std::error_code& ec) {
        if (!ec && !alive.expired()) on_deadline();
    });
}

void FeedClient::clear_deadline() { deadline_.cancel(); }

void FeedClient::on_deadline() {
    if (state_ != State::stopped && options_.mode == FeedMode::ws && conn_ && !ping_sent_ &&
        state_ == State::following) {
        ping_due_ = true;  // silent for a while: the reader asks with a ping before giving up
        std::error_code ignored;
        socket_.cancel(ignored);
        return;
    }
    timed_out_ = state_ != State::stopped;
    close_socket();  // whatever is pending fails at once
}

void FeedClient::close_socket() {
    std::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

void FeedClient::stop() {
    if (state_ == State::stopped) return;
    const bool ws_open = conn_ && socket_.is_open() && state_ == State::following && !writing_;
    state_ = State::stopped;
    std::error_code ignored;
    resolver_.cancel();
    pause_.cancel();
    if (connector_ && connector_->connecting()) connector_->cancel();
    if (ws_open) {
        // The reader wakes, sends a close (1001, going away) and waits a moment for the answer.
        socket_.cancel(ignored);
        set_deadline(goodbye_timeout, "the close handshake");
    } else {
        close_socket();
    }
}

awaitable<void> FeedClient::pause(steady_clock::time_point until) {
    pause_.expires_at(until);
    std::error_code ec;
    co_await pause_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (state_ == State::stopped) throw std::system_error(asio::error::operation_aborted, "stopped");
}

std::chrono::milliseconds FeedClient::retry_delay() const {
    return options_.mode == FeedMode::sse ? retry_hint_.value_or(options_.retry) : options_.retry;
}

// ---- bytes ------------------------------------------------------------------------------------

awaitable<void> FeedClient::write(std::string_view bytes) {
    std::error_code ec;
    writing_ = true;
    const std::size_t n = co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    writing_ = false;
    counters_.bytes_sent += n;
    if (timed_out_)
        throw std::system_error(asio::error::timed_out, std::string("sending (") + waiting_for_ + ")");
    if (ec) throw std::system_error(ec, "sending");
}

awaitable<std::size_t> FeedClient::read_some() {
    if (buffer_.empty()) buffer_.resize(read_buffer_size);
    std::error_code ec;
    const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer_),
                                                           asio::redirect_error(asio::use_awaitable, ec));
    counters_.bytes_received += n;
    if (timed_out_) {
        throw std::system_error(asio::error::timed_out, std::string("waiting for ") + waiting_for_);
    }
    if (ec == asio::error::operation_aborted && (ping_due_ || state_ == State::stopped)) co_return 0;
    if (ec == asio::error::eof) throw std::system_error(ec, "the server closed the connection");
    if (ec) throw std::system_error(ec, "reading");
    co_return n;
}

// ---- HTTP -------------------------------------------------------------------------------------

awaitable<void> FeedClient::connect_tcp() {
    close_socket();
    timed_out_ = false;
    if (state_ != State::stopped) state_ = ever_connected_ ? State::reconnecting : State::connecting;
    set_deadline(options_.connect_timeout, "the connection");
    std::error_code ec;
    const auto endpoints = co_await resolver_.async_resolve(options_.host, std::to_string(options_.port),
                                                            asio::redirect_error(asio::use_awaitable, ec));
    if (state_ == State::stopped) throw std::system_error(asio::error::operation_aborted, "stopped");
    if (ec) throw std::system_error(ec, "cannot resolve host '" + options_.host + "'");
    const tcp::endpoint peer =
        co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (state_ == State::stopped) throw std::system_error(asio::error::operation_aborted, "stopped");
    if (timed_out_) {
        throw std::system_error(asio::error::timed_out,
                                "no connection within " + seconds_text(options_.connect_timeout));
    }
    if (ec)
        throw std::system_error(
            ec, "cannot connect to " + course::format_endpoint(endpoints.begin()->endpoint()));
    clear_deadline();
    socket_.set_option(tcp::no_delay(true), ec);  // a request goes out at once
    ++counters_.connections;
    ever_connected_ = true;
    state_ = State::following;
    responses_ = ResponseReader(options_.limits);
    input_.clear();
    if (options_.log) options_.log->verbose("connected to ", course::format_endpoint(peer));
}

std::string FeedClient::request_head(std::string_view target, std::string_view extra_headers) const {
    std::string out;
    out.reserve(128 + extra_headers.size());
    out.append("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(host_header_);
    out.append("\r\nUser-Agent: 07-feed-client\r\n").append(extra_headers).append("\r\n");
    return out;
}

awaitable<void> FeedClient::read_response(bool stream_expected) {
    for (;;) {
        std::string_view in = input_;
        const auto result = responses_.push(in);
        input_.erase(0, input_.size() - in.size());
        switch (result) {
        case ResponseReader::Result::incomplete: break;
        case ResponseReader::Result::error:
            throw FeedError("bad answer from the server: " + responses_.error());
        case ResponseReader::Result::response:
        case ResponseReader::Result::stream:
            last_response_ = responses_.take();
            if (options_.log && options_.log->tracing()) {
                options_.log->trace("answer: ", status_text(last_response_), ", ", last_response_.body.size(),
                                    " bytes of body");
            }
            if (last_response_.head.status >= 500) {
                throw TryLater("the server answered " + status_text(last_response_) +
                               body_line(last_response_.body));
            }
            if (last_response_.head.status != 200) {
                throw FeedError("the server answered " + status_text(last_response_) +
                                body_line(last_response_.body));
            }
            if ((result == ResponseReader::Result::stream) != stream_expected) {
                throw FeedError(stream_expected
                                    ? "the server's answer is not a stream (it has a Content-Length)"
                                    : "the server's answer has no Content-Length");
            }
            co_return;
        }
        const std::size_t n = co_await read_some();
        input_.append(buffer_.data(), n);
    }
}

awaitable<HttpResponse> FeedClient::exchange(const std::string& target, std::chrono::milliseconds timeout) {
    for (int attempt = 0;; ++attempt) {
        const bool reused = socket_.is_open();
        if (!reused) co_await connect_tcp();
        const std::string request = request_head(target, "Accept: application/json\r\n");
        if (options_.log && options_.log->tracing()) {
            options_.log->trace("request\n", lesson04::describe_http_head("  > ", request));
        }
        try {
            set_deadline(timeout, "the answer");
            ++counters_.requests;
            co_await write(request);
            co_await read_response(false);
        } catch (const std::system_error&) {
            // A keep-alive connection the server closed while it was idle (its idle timeout):
            // the request never reached it. Asked again once, on a new connection (GET is safe).
            if (!reused || attempt > 0 || responses_.mid_response() || timed_out_ ||
                state_ == State::stopped) {
                throw;
            }
            if (options_.log) options_.log->verbose("the kept-alive connection was closed: connecting again");
            close_socket();
            continue;
        }
        clear_deadline();
        if (!last_response_.keep_alive) close_socket();
        co_return std::move(last_response_);
    }
}

std::vector<FeedEvent> FeedClient::events_from(const HttpResponse& response, std::string_view target) const {
    auto parsed = parse_event_array(response.body);
    if (!parsed.ok)
        throw FeedError("GET " + std::string(target) + ": not an array of events: " + parsed.error);
    return std::move(parsed.events);
}

void FeedClient::deliver(const FeedEvent& event) {
    if (state_ == State::stopped) return;  // the callback stopped us (--count): the rest is not shown
    if (event.id <= last_id_) {
        ++counters_.duplicates;
        return;
    }
    last_id_ = event.id;
    ++counters_.events;
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    on_event_(event, now_us - std::chrono::microseconds(event.us));
}

void FeedClient::on_joined() {
    joined_ = true;
    if (!options_.log) return;
    const bool at_id =
        options_.after || options_.mode == FeedMode::poll || options_.mode == FeedMode::long_poll;
    options_.log->info(mode_name(options_.mode), ": following the feed at ", host_header_,
                       at_id ? ", after event #" + std::to_string(last_id_) : std::string(", live"));
}

bool FeedClient::lost(const std::exception& e) {
    if (state_ == State::stopped || !ever_connected_) return false;
    clear_deadline();
    close_socket();
    state_ = State::reconnecting;
    if (options_.log) {
        options_.log->info(mode_name(options_.mode), ": ", e.what(), "; reconnecting in ",
                           seconds_text(retry_delay()));
    }
    return true;
}

// ---- the modes --------------------------------------------------------------------------------

awaitable<void> FeedClient::follow_poll() {
    const bool long_poll = options_.mode == FeedMode::long_poll;
    if (!options_.after) {
        // Joining at the present: the newest event says where the feed is (it is not shown).
        const std::string target = "/events";
        const auto response = co_await exchange(target, options_.read_timeout);
        const auto newest = events_from(response, target);
        last_id_ = newest.empty() ? 0 : newest.back().id;
    } else {
        co_await connect_tcp();  // joined means connected, in every mode
    }
    on_joined();
    char wait_text[32];
    std::snprintf(wait_text, sizeof wait_text, "%g", std::chrono::duration<double>(options_.wait).count());
    const auto timeout = long_poll ? options_.read_timeout + options_.wait : options_.read_timeout;
    auto next = steady_clock::now();
    for (;;) {
        if (!long_poll) {
            // A fixed schedule: one request per interval, however long the answers took (a
            // request that is late does not make the next one late too).
            co_await pause(next);
            next = std::max(next + options_.interval, steady_clock::now());
        }
        std::string target = "/events?after=" + std::to_string(last_id_);
        if (long_poll) target += std::string("&wait=") + wait_text;
        try {
            const auto response = co_await exchange(target, timeout);
            for (const auto& event : events_from(response, target)) deliver(event);
        } catch (const std::system_error& e) {
            if (!lost(e)) throw;
        } catch (const TryLater& e) {
            if (!lost(e)) throw;
        }
        if (state_ == State::reconnecting) {
            co_await pause(steady_clock::now() + retry_delay());
            next = steady_clock::now();
        }
    }
}

awaitable<void> FeedClient::follow_sse() {
    bool first = true;
    for (;;) {
        try {
            co_await connect_tcp();
            std::string target = "/sse";
            std::string headers = "Accept: text/event-stream\r\nCache-Control: no-cache\r\n";
            // The first connection starts where asked (or live); a reconnection resumes after the
            // last event seen, as EventSource does with the last id it received.
            if (first && options_.after) target += "?after=" + std::to_string(*options_.after);
            else if (!first && last_id_ > 0) headers += "Last-Event-ID: " + std::to_string(last_id_) + "\r\n";
            const std::string request = request_head(target, headers);
            if (options_.log && options_.log->tracing()) {
                options_.log->trace("request\n", lesson04::describe_http_head("  > ", request));
            }
            set_deadline(options_.read_timeout, "the stream's head");
            ++counters_.requests;
            co_await write(request);
            co_await read_response(true);
            const std::string* type = last_response_.head.find("Content-Type");
            if (!type || !type->starts_with("text/event-stream")) {
                throw FeedError("GET /sse: the answer is not text/event-stream");
            }
            if (first) on_joined();
            first = false;
            feed::SseParser parser;
            std::vector<feed::SseMessage> messages;
            std::string_view in = input_;
            for (;;) {
                if (parser.push(in, messages) == feed::SseParser::Result::error) {
                    throw FeedError("GET /sse: bad stream: " + parser.error());
                }
                if (parser.retry()) retry_hint_ = parser.retry();
                for (const auto& message : messages) {
                    if (message.event == "reset") {
                        // The resume point left the server's log: what follows starts over.
                        ++counters_.resets;
                        if (options_.log) options_.log->info("sse: reset: events were lost while away");
                        last_id_ = 0;
                    } else if (message.event == "message") {
                        auto parsed = parse_event(message.data);
                        if (!parsed.event) throw FeedError("GET /sse: not an event: " + parsed.error);
                        deliver(*parsed.event);
                    }
                }
                messages.clear();
                set_deadline(options_.stream_idle_timeout, "the stream (an event or a heartbeat)");
                const std::size_t n = co_await read_some();
                in = std::string_view(buffer_.data(), n);
            }
        } catch (const std::system_error& e) {
            if (!lost(e)) throw;
        } catch (const TryLater& e) {
            if (!lost(e)) throw;
        }
        co_await pause(steady_clock::now() + retry_delay());
    }
}

awaitable<void> FeedClient::write_ws_output() {
    while (conn_->has_output()) {
        const std::string batch(conn_->pending_output());  // a copy: the outbox may move meanwhile
        conn_->consume_output(batch.size());
        co_await write(batch);
    }
}

awaitable<void> FeedClient::follow_ws() {
    const ws::WsUrl url = ws::parse_ws_url(ws::make_ws_url(options_.host, options_.port, "/ws"));
    for (;;) {
        try {
            close_socket();
            clear_deadline();
            timed_out_ = false;
            ping_due_ = ping_sent_ = false;
            state_ = ever_connected_ ? State::reconnecting : State::connecting;
            connector_ = std::make_unique<lesson04::WebSocketConnector>(socket_);
            lesson04::ConnectOptions connect_options;
            connect_options.timeout = options_.connect_timeout;
            connect_options.log = options_.log;
            lesson04::Connected connected = co_await connector_->connect(url, connect_options);
            if (state_ == State::stopped) co_return;
            ++counters_.connections;
            ++counters_.requests;
            // The handshake's bytes, as the kernel counted them (the connector did the I/O): what
            // it sent was all acknowledged by the time the answer came; what it read is what
            // arrived minus what still waits in the socket.
            if (const auto bytes = tcp_bytes(socket_.native_handle())) {
                std::error_code ec;
                const std::size_t unread = socket_.available(ec);
                counters_.bytes_sent += bytes->acked;
                counters_.bytes_received +=
                    bytes->received - std::min<std::uint64_t>(unread, bytes->received);
            }
            const bool first = !ever_connected_;
            ever_connected_ = true;
            state_ = State::following;
            if (first) on_joined();
            conn_ = std::make_unique<ws::Connection>(ws::Role::client,
                                                     ws::ConnectionOptions{options_.max_message});
            if (options_.after || last_id_ > 0)
                conn_->send_text("{\"after\":" + std::to_string(last_id_) + "}");
            std::string leftover = std::move(connected.leftover);
            std::string_view in = leftover;
            for (;;) {
                while (const ws::Event event = conn_->receive(in)) {
                    ping_sent_ = false;  // the server is alive
                    switch (event.kind) {
                    case ws::Event::Kind::text: {
                        auto parsed = parse_event(event.data);
                        if (!parsed.event) throw FeedError("ws: not an event: " + parsed.error);
                        deliver(*parsed.event);
                        break;
                    }
                    case ws::Event::Kind::close:
                        if (options_.log)
                            options_.log->verbose("ws: the server closed with ", event.code, " ", event.data);
                        break;
                    case ws::Event::Kind::error:
                        if (options_.log)
                            options_.log->info("ws: the server broke the protocol: ", event.data);
                        break;
                    default: break;  // pings are answered by the connection; binary is not the feed's
                    }
                }
                if (state_ == State::stopped && conn_->state() == ws::Connection::State::open) {
                    conn_->close(ws::close_code::going_away, "client stopped");
                }
                if (ping_due_) {
                    ping_due_ = false;
                    ping_sent_ = true;
                    conn_->send_ping("alive?");
                    set_deadline(options_.read_timeout, "the answer to a ping");
                }
                co_await write_ws_output();
                if (conn_->should_close_tcp()) {
                    close_socket();
                    if (state_ == State::stopped) co_return;
                    throw std::system_error(asio::error::connection_aborted,
                                            "the server closed the WebSocket");
                }
                if (state_ != State::stopped && !ping_sent_) {
                    set_deadline(options_.stream_idle_timeout, "the stream");
                }
                const std::size_t n = co_await read_some();
                in = std::string_view(buffer_.data(), n);
            }
        } catch (const lesson04::ConnectCancelled&) {
            co_return;
        } catch (const lesson04::ConnectError& e) {
            if (!lost(e)) throw FeedError(e.what());
        } catch (const std::system_error& e) {
            if (conn_ && e.code() == asio::error::eof) conn_->receive_eof();
            if (!lost(e)) throw;
        }
        conn_.reset();
        co_await pause(steady_clock::now() + retry_delay());
    }
}

awaitable<void> FeedClient::follow() {
    switch (options_.mode) {
    case FeedMode::poll:
    case FeedMode::long_poll: co_await follow_poll(); break;
    case FeedMode::sse: co_await follow_sse(); break;
    case FeedMode::ws: co_await follow_ws(); break;
    }
}

awaitable<void> FeedClient::run() {
    if (state_ == State::stopped) co_return;
    state_ = State::connecting;
    std::exception_ptr failure;
    try {
        co_await follow();
    } catch (const FeedError&) {
        failure = std::current_exception();
    } catch (const std::system_error& e) {
        if (state_ != State::stopped) {
            failure = std::make_exception_ptr(
                FeedError(ever_connected_ ? std::string(e.what())
                                          : "cannot follow the feed at " + host_header_ + ": " + e.what()));
        }
    } catch (const TryLater& e) {
        failure = std::make_exception_ptr(FeedError(e.what()));
    }
    state_ = State::stopped;
    clear_deadline();
    pause_.cancel();
    close_socket();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace lesson07
