// The write queue's gathered writes (see write_queue.hpp).
#include "write_queue.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <array>
#include <cerrno>

namespace lesson07 {

namespace {

constexpr std::size_t max_iov = 256;             // pieces per sendmsg() call
constexpr std::size_t compact_after = 1024;      // sent entries kept before the queue is compacted
constexpr std::size_t idle_queue_capacity = 16;  // entries an emptied queue keeps

}  // namespace

course::Backpressure WriteQueue::push(Piece piece, clock::time_point now) {
    queued_bytes_ += piece.bytes->size();
    queue_.push_back(std::move(piece));  // the pointer: the bytes are shared
    return meter_.queued(queued_bytes_, now);
}

WriteQueue::Flushed WriteQueue::flush(int fd, clock::time_point now,
                                      const std::function<void(const Piece&)>& on_sent) {
    while (head_ < queue_.size()) {
        std::array<iovec, max_iov> iov;
        std::size_t count = 0;
        for (std::size_t i = head_; i < queue_.size() && count < max_iov; ++i, ++count) {
            const std::string& bytes = *queue_[i].bytes;
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
            if (errno == EAGAIN || errno == EWOULDBLOCK) return Flushed::would_block;
            error_ = std::error_code(errno, std::system_category());
            return Flushed::failed;
        }
        std::size_t left = static_cast<std::size_t>(sent);
        queued_bytes_ -= left;
        while (left > 0) {  // release each piece as soon as it is sent
            const std::size_t rest = queue_[head_].bytes->size() - head_offset_;
            if (left < rest) {
                head_offset_ += left;
                break;
            }
            left -= rest;
            on_sent(queue_[head_]);
            queue_[head_++].bytes.reset();
            head_offset_ = 0;
        }
        meter_.sent(queued_bytes_, now);
        if (head_ >= compact_after && head_ < queue_.size()) {
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    // All sent. A queue that grew during a burst gives its memory back.
    if (queue_.capacity() > idle_queue_capacity) std::vector<Piece>().swap(queue_);
    else queue_.clear();
    head_ = 0;
    return Flushed::all;
}

void WriteQueue::drop_unstarted() {
    // The piece being sent stays (cutting it would corrupt the stream), and so does an HTTP head
    // not sent yet: without its 101 a client would get a bare close frame instead of an answer.
    std::size_t keep = head_ < queue_.size() && head_offset_ > 0 ? head_ + 1 : head_;
    for (std::size_t i = keep; i < queue_.size(); ++i) {
        if (queue_[i].response) {
            if (keep != i) queue_[keep] = std::move(queue_[i]);
            ++keep;
        } else queued_bytes_ -= queue_[i].bytes->size();
    }
    queue_.resize(keep);
    meter_.sent(queued_bytes_, clock::now());
}

}  // namespace lesson07
