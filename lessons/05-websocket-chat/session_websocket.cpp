// The WebSocket phase of a session: the 101 and the room's greeting, then the loop that feeds
// what the client sends to ws::Connection and the chat, until the closing handshake is done
// (open, then closing). run() drains the connection afterwards (session.cpp).
#include "session.hpp"

#include "trace.hpp"

namespace lesson05 {

using asio::awaitable;

awaitable<void> Session::serve_websocket(Upgrade upgrade) {
    course::Logger& log = server_->log;
    enter(State::open);
    // The 101: the first bytes of the greeting, the queue's exempt prefix.
    queue_.push(std::move(upgrade.response), clock::now(), WriteQueue::Bounds::exempt);
    conn_.emplace(ws::Role::server, ws::ConnectionOptions{server_->config.max_message});
    if (log.tracing()) {
        conn_->set_frame_observer([this](const ws::FrameTrace& frame) {
            server_->log.trace(label(), ": ", lesson04::describe_frame(frame));
        });
    }
    if (server_->stopping) {  // shut down while we read the request
        close_with(ws::close_code::going_away, "server shutting down");
    } else {
        server_->room->join(*this);
        log.verbose(label(), ": joined (", server_->room->size(), " online)");
    }
    std::string_view in = upgrade.leftover;  // bytes that came with the request: the first frames
    for (;;) {
        while (const ws::Event event = conn_->receive(in)) handle(event);
        // A pong or a close that ws::Connection queued counts toward the bounds too.
        if (conn_->has_output() &&
            queue_.measure(clock::now(), connection_output()) == course::Backpressure::over_hard_bound) {
            evict(course::Backpressure::over_hard_bound);
        }
        // Out of the room once closing (not inside a broadcast: evict() only wakes us).
        if (state_ != State::open && in_room()) server_->room->leave(*this, server_->stopping);
        server_->room->flush();
        flush();
        if (conn_->should_close_tcp()) co_return;  // the closing handshake is done, or failed
        std::error_code ec;
        std::string_view received;
        if (write_waiting_) {
            // Backpressure: the client's socket buffer is full, so it is not reading what we
            // send. Read nothing more from it until it has room again (lesson 04 does the same):
            // it can neither flood the room nor make us answer pings it will never read.
            co_await stream_->writable(ec);
        } else {
            received = co_await read_some(ec);
        }
        if (ec == asio::error::operation_aborted && state_ != State::done)
            continue;  // woken on purpose (evicted)
        if (ec) {
            // The stream ended (or failed) before the closing handshake did: ws::Connection
            // names it, a close 1006 (RFC 6455 7.1.5). Not logged if we dropped the client.
            const ws::Event end = conn_->receive_eof();
            if (end && state_ != State::done)
                log.verbose(label(), ": ", end.data, " (", end.code, "): ", ec.message());
            abort(nullptr);
            co_return;
        }
        if (received.empty()) continue;  // the socket has room again: flush() and try again
        last_input_ = clock::now();
        ping_sent_ = false;
        in = received;
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
        if (state_ == State::open) enter(State::closing);  // our answer is queued
        break;
    case Kind::error:
        log.info(label(), ": protocol violation, closing with ", event.code, " (",
                 ws::close_code_name(event.code), "): ", event.data);
        if (state_ == State::open) enter(State::closing);  // our close is queued
        break;
    case Kind::none: break;
    }
}

void Session::handle_text(std::string_view text) {
    if (state_ != State::open || !in_room()) return;
    ChatRoom& room = *server_->room;
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
    case ClientCommand::Kind::resume: room.resume(*this, command.text); break;
    case ClientCommand::Kind::invalid: room.error(*this, command.text); break;
    }
}

void Session::close_with(std::uint16_t code, std::string_view reason) {
    // close() refuses once a close was sent or received: then we are closing already.
    if (conn_ && conn_->close(code, reason)) enter(State::closing);
}

}  // namespace lesson05
