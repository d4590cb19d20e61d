// The session's write queue: gathered writes of shared frames, the backpressure bounds, and
// eviction. Plain callbacks, no coroutines; every state writes through it (the HTTP answers,
// the greeting, the chat, our close and FIN).
#include "session.hpp"

#include "common/hex_dump.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <array>
#include <cerrno>

namespace lesson05 {

using asio::ip::tcp;

namespace {

constexpr std::size_t max_iov = 256;             // frames per sendmsg() call
constexpr std::size_t compact_after = 1024;      // sent entries kept before the queue is compacted
constexpr std::size_t idle_queue_capacity = 16;  // frame pointers an emptied queue keeps (256 bytes)

}  // namespace

// ---- the write queue --------------------------------------------------------------------

void Session::push(FramePtr frame, bool exempt) {
    queued_bytes_ += frame->size();
    queue_.push_back(std::move(frame));  // the pointer: the bytes are shared
    // The greeting is queued before anything else, so "exempt" is a prefix of the stream.
    if (exempt) greeting_end_ = sent_bytes_ + queued_bytes_;
}

std::size_t Session::counted_bytes() const noexcept {
    const std::uint64_t greeting_left = greeting_end_ > sent_bytes_ ? greeting_end_ - sent_bytes_ : 0;
    return queued_bytes_ - static_cast<std::size_t>(greeting_left) +
           (conn_ ? conn_->pending_output().size() : 0);
}

bool Session::enqueue(const FramePtr& frame, bool exempt) {
    if (state_ != State::open) return false;  // nothing after our close (RFC 6455 5.5.1)
    const bool was_idle = head_ == queue_.size() && !write_waiting_;
    push(frame, exempt);
    if (server_->log.tracing()) server_->log.trace(label(), ": ", course::hex_dump("frame out", *frame, 64));
    if (meter_.queued(counted_bytes(), clock::now()) == course::Backpressure::over_hard_bound) {
        evict(course::Backpressure::over_hard_bound);
        return false;
    }
    return was_idle;
}

void Session::evict(course::Backpressure why) {
    // Only an open connection is evicted; one that is closing already ends within close_timeout.
    if (state_ != State::open) return;
    const std::string reason = "too slow: " + course::describe(why, server_->config.backpressure);
    server_->log.info(label(), ": ", reason, ": closing with 1008");
    // Drop what the client has not started to receive, but keep the frame being sent (cutting it
    // would corrupt the stream) and the greeting: without its 101 a newcomer would get a bare
    // close frame instead of a handshake answer, and a browser would retry in a loop.
    std::uint64_t at = sent_bytes_ - head_offset_;  // where queue_[head_] starts in the stream
    std::size_t keep = head_;
    while (keep < queue_.size() && (at < greeting_end_ || (keep == head_ && head_offset_ > 0)))
        at += queue_[keep++]->size();
    for (std::size_t i = keep; i < queue_.size(); ++i) queued_bytes_ -= queue_[i]->size();
    queue_.resize(keep);
    close_with(ws::close_code::policy_violation, reason);
    std::error_code ec;
    socket_.cancel(ec);  // wake the reader: it leaves the room (not from inside a broadcast)
    flush();
}

bool Session::take_connection_output() {
    if (!conn_ || !conn_->has_output()) return false;
    push(std::make_shared<const std::string>(conn_->pending_output()), false);
    conn_->consume_output(conn_->pending_output().size());
    return true;
}

void Session::flush() {
    if (write_waiting_ || state_ == State::done) return;
    const int fd = socket_.native_handle();
    while (head_ < queue_.size() || take_connection_output()) {
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
            server_->log.verbose(
                label(), ": write failed: ", std::error_code(errno, std::system_category()).message());
            return abort(nullptr);
        }
        std::size_t left = static_cast<std::size_t>(sent);
        queued_bytes_ -= left;
        sent_bytes_ += left;
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
        meter_.sent(counted_bytes(), clock::now());
        if (head_ >= compact_after && head_ < queue_.size()) {
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    // All sent. A queue that grew during a burst gives its memory back: a connection that sits
    // idle after a burst costs what an idle one costs.
    if (queue_.capacity() > idle_queue_capacity) std::vector<FramePtr>().swap(queue_);
    else queue_.clear();
    head_ = 0;
    if (state_ == State::draining) {  // all sent: our FIN goes after the last byte
        std::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
    }
}

void Session::wait_writable() {
    write_waiting_ = true;
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](const std::error_code& ec) {
        self->write_waiting_ = false;
        if (self->state_ == State::done) return;
        if (ec && ec != asio::error::operation_aborted) return self->abort(nullptr);
        self->flush();  // (aborted: the reader was woken by cancel(); just try again)
    });
}

}  // namespace lesson05
