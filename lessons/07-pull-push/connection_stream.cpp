// The push modes: an SSE stream (GET /sse) and a WebSocket (GET /ws). Both start where the
// client asks (catching up from the log in batches, then live), get every published event as
// bytes encoded once for all streams, and end when the client leaves, is too slow, or the
// server stops.
#include "connection.hpp"
#include "trace.hpp"

#include "feed/event_log.hpp"
#include "feed/route.hpp"
#include "feed/sse.hpp"
#include "ws/frame.hpp"

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace lesson07 {

using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t catch_up_batch = 256;       // events queued at a time while catching up
constexpr std::size_t max_client_message = 4096;  // a WebSocket client sends {"after":ID} only
constexpr std::size_t max_close_reason = 123;     // bytes (RFC 6455 5.5: 125 with the code)

Bytes shared(std::string bytes) { return std::make_shared<const std::string>(std::move(bytes)); }

std::string websocket_text_frame(std::string_view text) {
    std::string frame;
    ws::append_frame(frame, ws::Opcode::text, text);
    return frame;
}

// A close reason cut to what fits, never inside a UTF-8 sequence.
std::string_view fit_reason(std::string_view reason) {
    if (reason.size() <= max_close_reason) return reason;
    std::size_t end = max_close_reason;
    while (end > 0 && (static_cast<unsigned char>(reason[end]) & 0xC0) == 0x80) --end;
    return reason.substr(0, end);
}

}  // namespace

EncodedEvent encode_event(feed::EventPtr event) {
    EncodedEvent encoded;
    encoded.sse = shared(feed::sse_event(event->id, event->json));
    encoded.websocket = shared(websocket_text_frame(event->json));
    encoded.event = std::move(event);
    return encoded;
}

// ---- where a stream starts ------------------------------------------------------------------

void Connection::resume_from(std::optional<std::uint64_t> after) {
    if (after) {
        cursor_ = *after;
        feeding_ = Feeding::catching_up;
        reset_allowed_ = true;  // the first batch says whether the resume point is still in the log
    } else {
        cursor_ = server_->events.last_id();  // from now on
        feeding_ = Feeding::live;
    }
}

Bytes Connection::encode_for_stream(const feed::Event& event) const {
    return shared(phase_ == Phase::sse ? feed::sse_event(event.id, event.json)
                                       : websocket_text_frame(event.json));
}

void Connection::refill() {
    FeedServer::State& server = *server_;
    feed::Resume batch = server.events.after(cursor_, catch_up_batch);
    if (batch.reset) {
        if (!reset_allowed_) {
            // The log overtook a stream still catching up: it can no longer be told what it missed.
            return evict("fell behind the event log");
        }
        if (phase_ == Phase::sse) {
            // The events after the client's id are gone: it is told so before the ones kept.
            const std::string data = "{\"first_id\":" + std::to_string(server.events.first_id()) +
                                     ",\"last_id\":" + std::to_string(server.events.last_id()) + "}";
            send(Piece{shared(feed::sse_event_without_id(data, "reset")), 0, 0, mode_, false});
        }
    }
    reset_allowed_ = false;
    for (const feed::EventPtr& event : batch.events) {
        send(Piece{encode_for_stream(*event), 0, 1, mode_, false});
        cursor_ = event->id;
    }
    if (batch.events.size() < catch_up_batch) feeding_ = Feeding::live;  // caught up
}

void Connection::deliver(const EncodedEvent& encoded) {
    if (feeding_ != Feeding::live || encoded.event->id <= cursor_) return;  // refill() brings it
    Bytes bytes;
    if (phase_ == Phase::sse) bytes = encoded.sse;
    else if (phase_ == Phase::websocket) bytes = encoded.websocket;
    else return;
    cursor_ = encoded.event->id;
    send(Piece{std::move(bytes), 0, 1, mode_, false});
    flush();
}

// ---- Server-Sent Events ---------------------------------------------------------------------

awaitable<void> Connection::serve_sse(std::optional<std::uint64_t> after) {
    enter(Phase::sse);
    reader_.reset();  // no more requests on this connection: the response never ends
    feed::Response head = feed::sse_response_head();
    const auto head_size = static_cast<std::uint32_t>(head.head_size);
    send(Piece{shared(std::move(head.bytes)), head_size, 0, mode_, true});
    send(Piece{shared(feed::sse_retry(server_->config.retry)), 0, 0, mode_, false});
    resume_from(after);
    if (server_->stopping) enter(Phase::draining);
    flush();  // also queues the first batch when resuming
    server_->log.verbose(label(), ": event stream open");
    // Nothing is expected from the client: what it sends is read and dropped, its end of
    // stream ends the stream.
    while (phase_ == Phase::sse) {
        std::error_code ec;
        co_await read_some(ec);
        if (ec == asio::error::operation_aborted) continue;  // woken on purpose: look at the phase
        if (ec && phase_ == Phase::sse) {
            server_->log.verbose(label(), ": event stream closed by the client (", ec.message(), ")");
            abort(nullptr);
        }
    }
}

// ---- WebSocket --------------------------------------------------------------------------------

awaitable<void> Connection::serve_websocket(std::string response) {
    course::Logger& log = server_->log;
    enter(Phase::websocket);
    reader_.reset();
    const auto size = static_cast<std::uint32_t>(response.size());
    send(Piece{shared(std::move(response)), size, 0, mode_, true});  // the 101
    conn_ = std::make_unique<ws::Connection>(ws::Role::server, ws::ConnectionOptions{max_client_message});
    if (log.tracing()) {
        conn_->set_frame_observer([this](const ws::FrameTrace& frame) {
            server_->log.trace(label(), ": ", lesson04::describe_frame(frame));
        });
    }
    resume_from(std::nullopt);
    if (server_->stopping) close_with(ws::close_code::going_away, "server shutting down");
    log.verbose(label(), ": WebSocket open");
    const std::string leftover = std::move(pending_);  // bytes after the request: the first frames
    std::string_view in = leftover;
    for (;;) {
        while (const ws::Event event = conn_->receive(in)) handle(event);
        flush();
        if (conn_->should_close_tcp() || phase_ == Phase::done) co_return;  // run() drains
        std::error_code ec;
        std::size_t n = 0;
        if (write_waiting_) {
            // The client's socket buffer is full, so it is not reading: read nothing more from it
            // until it has room (lesson 05 does the same), so it cannot make us queue pongs.
            co_await socket_.async_wait(tcp::socket::wait_write,
                                        asio::redirect_error(asio::use_awaitable, ec));
        } else {
            n = co_await read_some(ec);
        }
        if (ec == asio::error::operation_aborted && phase_ != Phase::done) continue;  // evicted, stopped
        if (ec) {
            const ws::Event end = conn_->receive_eof();  // 1006 unless the closing handshake was done
            if (end && phase_ != Phase::done) log.verbose(label(), ": ", end.data, " (", end.code, ")");
            abort(nullptr);
            co_return;
        }
        if (n == 0) continue;  // the socket has room again
        last_input_ = clock::now();
        ping_sent_ = false;
        in = std::string_view(server_->read_buffer.data(), n);
    }
}

void Connection::handle(const ws::Event& event) {
    using Kind = ws::Event::Kind;
    switch (event.kind) {
    case Kind::text: {
        if (phase_ != Phase::websocket) break;
        const feed::ClientMessage message = feed::parse_client_message(event.data);
        if (!message.after) {
            server_->log.info(label(), ": bad message: ", message.error, ": close 1003");
            close_with(ws::close_code::unsupported_data, message.error);
            break;
        }
        // Resume: what is queued and not started is dropped, so nothing comes twice.
        queue_.drop_unstarted(is_response);
        resume_from(message.after);
        break;
    }
    case Kind::binary:
        server_->log.info(label(), ": binary message: close 1003");
        close_with(ws::close_code::unsupported_data, "send {\"after\":ID} as text");
        break;
    case Kind::ping:
    case Kind::pong: break;  // the pong is queued by ws::Connection; any input counts as alive
    case Kind::close:
        server_->log.verbose(label(), ": client closed with ", event.code);
        if (phase_ == Phase::websocket) enter(Phase::closing);  // our answer is queued
        break;
    case Kind::error:
        server_->log.info(label(), ": protocol violation, closing with ", event.code, ": ", event.data);
        if (phase_ == Phase::websocket) enter(Phase::closing);
        break;
    case Kind::none: break;
    }
}

void Connection::close_with(std::uint16_t code, std::string_view reason) {
    // close() refuses once a close was sent or received: then we are closing already.
    if (conn_ && conn_->close(code, fit_reason(reason))) enter(Phase::closing);
}

}  // namespace lesson07
