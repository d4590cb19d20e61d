// The session's side of its write queue (common/write_queue.hpp): what is queued when, flushing
// with ws::Connection's own frames in their place, waiting for a full socket, and eviction.
// Plain callbacks, no coroutines; every state writes through it (the HTTP answers, the
// greeting, the chat, our close and FIN).
#include "session.hpp"

#include "common/hex_dump.hpp"

namespace lesson05 {

std::size_t Session::connection_output() const noexcept { return conn_ ? conn_->pending_output().size() : 0; }

bool Session::enqueue(const FramePtr& frame, bool exempt) {
    if (state_ != State::open) return false;  // nothing after our close (RFC 6455 5.5.1)
    const bool was_idle = queue_.empty() && !write_waiting_;
    const auto bounds = exempt ? WriteQueue::Bounds::exempt : WriteQueue::Bounds::counted;
    const course::Backpressure verdict = queue_.push(frame, clock::now(), bounds, connection_output());
    if (server_->log.tracing()) server_->log.trace(label(), ": ", course::hex_dump("frame out", *frame, 64));
    if (verdict == course::Backpressure::over_hard_bound) {
        evict(course::Backpressure::over_hard_bound);
        return false;
    }
    return was_idle;
}

void Session::evict(course::Backpressure why) {
    // TASK 05.queue-policy: evict a client that falls behind: drop its unstarted frames, close with 1008
    // STUB: (void)why;
    // Only an open connection is evicted; one that is closing already ends within close_timeout.
    if (state_ != State::open) return;
    const std::string reason = "too slow: " + course::describe(why, server_->config.backpressure);
    server_->log.info(label(), ": ", reason, ": closing with 1008");
    // Drop what the client has not started to receive; the queue keeps the frame being sent and
    // the greeting (its exempt prefix).
    queue_.drop_unstarted();
    close_with(ws::close_code::policy_violation, reason);
    stream_->cancel();  // wake the reader: it leaves the room (not from inside a broadcast)
    flush();
    // END TASK 05.queue-policy
}

bool Session::take_connection_output() {
    if (!conn_ || !conn_->has_output()) return false;
    auto bytes = std::make_shared<const std::string>(conn_->pending_output());
    conn_->consume_output(conn_->pending_output().size());
    queue_.push(std::move(bytes), clock::now());  // counted already, as connection_output()
    return true;
}

void Session::flush() {
    if (write_waiting_ || state_ == State::done) return;
    const auto write = [stream = stream_.get()](const iovec* buffers, std::size_t count,
                                                std::error_code& ec) {
        return stream->write_some(buffers, count, ec);
    };
    do {
        std::error_code error;
        switch (queue_.flush_to(write, clock::now(), error, connection_output())) {
        case course::Flushed::would_block: return wait_writable();
        case course::Flushed::failed:
            server_->log.verbose(label(), ": write failed: ", error.message());
            return abort(nullptr);
        case course::Flushed::all: break;
        }
    } while (take_connection_output());  // pongs and our close go after everything before them
    if (state_ == State::draining) stream_->shutdown_send();  // all sent: our FIN after the last byte
}

void Session::wait_writable() {
    write_waiting_ = true;
    stream_->on_writable([self = shared_from_this()](const std::error_code& ec) {
        self->write_waiting_ = false;
        if (self->state_ == State::done) return;
        if (ec && ec != asio::error::operation_aborted) return self->abort(nullptr);
        self->flush();  // (aborted: the reader was woken by cancel(); just try again)
    });
}

}  // namespace lesson05
