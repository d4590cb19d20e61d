#pragma once
// The bytes a connection of the feed server still has to send, in order: HTTP answers, SSE
// fields, WebSocket frames. Each entry is a shared, already-encoded piece (one event's SSE form
// or WebSocket frame is encoded once and queued by pointer to every stream that carries it, as
// lesson 05 shares its broadcast frames), with what /stats must count when it has gone out.
//
// flush() sends as much as the kernel takes with one sendmsg() of up to 256 pieces (a gathered
// write) and says whether the socket's buffer filled up; the caller waits until the socket is
// writable and flushes again. Nothing here waits, so the same queue serves every phase.
//
// The slow-consumer policy is common/backpressure.hpp's (hard bound, soft bound for a time,
// stall): the meter sees every byte that waits here. What to do with a verdict (close the
// client) is the connection's business: drop_unstarted() lets it throw away what the client has
// not started to receive without cutting a piece in the middle, which would corrupt the stream.

#include "feed/stats.hpp"

#include "common/backpressure.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace lesson07 {

using Bytes = std::shared_ptr<const std::string>;

struct Piece {
    Bytes bytes;
    std::uint32_t head_size = 0;  // bytes of an HTTP head at its start (counted apart in /stats)
    std::uint32_t events = 0;     // feed events it carries
    feed::Mode mode = feed::Mode::other;
    bool response = false;  // the whole of an HTTP answer, or the head that opens a stream
};

class WriteQueue {
public:
    using clock = std::chrono::steady_clock;
    enum class Flushed {
        all,          // nothing left
        would_block,  // the kernel's buffer is full: wait until the socket is writable
        failed,       // the write failed (the peer is gone): see error()
    };

    explicit WriteQueue(course::BackpressureLimits limits) : meter_(limits) {}

    // Queues a piece; over_hard_bound is the only verdict that can come at once.
    course::Backpressure push(Piece piece, clock::time_point now);
    // Writes to `fd` (non-blocking) until done or the kernel's buffer is full; `on_sent` is
    // called for each piece once its last byte has gone out.
    Flushed flush(int fd, clock::time_point now, const std::function<void(const Piece&)>& on_sent);
    // Drops every piece not started yet but HTTP heads (the one being sent stays, whole).
    void drop_unstarted();

    bool empty() const noexcept { return head_ == queue_.size(); }
    std::size_t bytes() const noexcept { return queued_bytes_; }
    // The timed rules of the policy, for the server's sweep.
    course::Backpressure check(clock::time_point now) const { return meter_.check(now); }
    const course::BackpressureLimits& limits() const noexcept { return meter_.limits(); }
    std::error_code error() const noexcept { return error_; }

private:
    std::vector<Piece> queue_;  // queue_[head_] is the one being sent
    std::size_t head_ = 0;
    std::size_t head_offset_ = 0;   // bytes of queue_[head_] already sent
    std::size_t queued_bytes_ = 0;  // bytes not yet sent
    course::BackpressureMeter meter_;
    std::error_code error_;
};

}  // namespace lesson07
