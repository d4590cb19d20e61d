// The connection's side of the write queue: what is queued in which phase, flushing (with the
// catch-up from the log and ws::Connection's own frames in their place), waiting for a full
// socket, eviction, and the /stats counting of what went out.
#include "connection.hpp"

#include "common/hex_dump.hpp"

namespace lesson07 {

using asio::ip::tcp;

void Connection::send(Piece piece) {
    // Nothing after our FIN or an eviction; no event once a WebSocket is closing (RFC 6455 5.5.1).
    if (phase_ == Phase::done || phase_ == Phase::draining) return;
    if (piece.events > 0 && phase_ == Phase::closing) return;
    if (server_->log.tracing()) server_->log.trace(label(), ": ", course::hex_dump("out", *piece.bytes, 64));
    last_queued_ = clock::now();
    if (queue_.push(std::move(piece), last_queued_) == course::Backpressure::over_hard_bound)
        evict(course::describe(course::Backpressure::over_hard_bound, queue_.limits()));
}

void Connection::count_sent(const Piece& piece) {
    feed::ModeCounters& counters = server_->stats[piece.mode];
    counters.head_bytes += piece.head_size;
    counters.body_bytes += piece.bytes->size() - piece.head_size;
    counters.events += piece.events;
    if (piece.response) ++counters.responses;
}

bool Connection::take_websocket_output() {
    if (!conn_ || !conn_->has_output()) return false;
    send(Piece{std::make_shared<const std::string>(conn_->pending_output()), 0, 0, mode_, false});
    conn_->consume_output(conn_->pending_output().size());
    return true;
}

void Connection::flush() {
    if (write_waiting_ || phase_ == Phase::done) return;
    const auto on_sent = [this](const Piece& piece) { count_sent(piece); };
    for (;;) {
        std::error_code error;
        switch (queue_.flush(socket_.native_handle(), clock::now(), error, on_sent)) {
        case course::Flushed::would_block: return wait_writable();
        case course::Flushed::failed:
            server_->log.verbose(label(), ": write failed: ", error.message());
            return abort(nullptr);
        case course::Flushed::all: break;
        }
        // Everything queued is out. ws::Connection's own frames (pongs, our close) go next, in
        // order after the events before them; then the next batch of a stream catching up.
        if (take_websocket_output()) continue;
        if (feeding_ == Feeding::catching_up && (phase_ == Phase::sse || phase_ == Phase::websocket)) {
            refill();
            if (!queue_.empty()) continue;
        }
        break;
    }
    if (phase_ == Phase::draining) {  // all sent: our FIN goes after the last byte
        std::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
    } else if (phase_ == Phase::answering) {
        wakeup_.cancel();  // wait_sent() may go on
    }
}

void Connection::wait_writable() {
    write_waiting_ = true;
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](const std::error_code& ec) {
        self->write_waiting_ = false;
        if (self->phase_ == Phase::done) return;
        if (ec && ec != asio::error::operation_aborted) return self->abort(nullptr);
        self->flush();  // (aborted: socket_.cancel() woke a reader too; just try again)
    });
}

void Connection::evict(const std::string& reason) {
    switch (phase_) {
    case Phase::sse:
        server_->log.info(label(), ": too slow: ", reason, ": event stream ended");
        queue_.drop_unstarted(is_response);
        enter(Phase::draining);  // what is being sent goes out whole, then our FIN
        socket_.cancel();        // wake the stream's reader
        flush();
        break;
    case Phase::websocket:
        server_->log.info(label(), ": too slow: ", reason, ": closing with 1008");
        queue_.drop_unstarted(is_response);
        close_with(ws::close_code::policy_violation, "too slow: " + reason);
        socket_.cancel();  // wake the reader
        flush();
        break;
    case Phase::request:
    case Phase::answering:
    case Phase::long_poll: {
        const std::string why = "too slow to read its answer: " + reason;
        abort(why.c_str());
        break;
    }
    case Phase::closing:
    case Phase::draining:
    case Phase::done: break;  // ends within the close timeout anyway
    }
}

}  // namespace lesson07
