#pragma once
// The bytes a server still has to send to one client, in order, and the writes that send them:
// the write queue of lesson 05's chat sessions and of lesson 07's feed connections.
//
// It lives in common/, beside the slow-consumer policy it measures (backpressure.hpp), because
// it knows nothing of any protocol: a piece is opaque bytes, a WebSocket frame in lesson 05, an
// HTTP answer, SSE fields or a frame in lesson 07. Lesson 04's echo server writes one message at
// a time and needs no queue; the servers that broadcast do.
//
// Shared pieces. A piece is a pointer to immutable bytes (SharedBytes): a broadcast is encoded
// once and queued by pointer to every receiver, as Beast's chat-multi shares its messages, so a
// long queue costs pointers, not copies. A piece is either the SharedBytes itself (lesson 05) or
// a struct with them in a member `bytes` and whatever its owner wants to know once they are
// sent (lesson 07: what /stats counts).
//
// Gathered writes. flush() hands up to 256 pieces to one sendmsg() (docs/glossary.md, "Gathered
// write") straight from the shared bytes, with MSG_NOSIGNAL (no SIGPIPE when the peer is gone),
// until everything is sent, the kernel's buffer is full (would_block: the caller waits until
// the socket is writable and flushes again) or the write fails. A piece is released, and
// reported to `on_sent`, as soon as its last byte is out. Nothing here waits, so one queue
// serves every phase of a connection.
//
// Backpressure. The queue owns the client's course::BackpressureMeter and tells it the bytes
// waiting whenever they change. Two kinds of bytes are not simply "the queue":
//   exempt      a prefix of the stream (lesson 05: a newcomer's 101, hello, history and join)
//               that is never counted toward the bounds and never dropped;
//   elsewhere   bytes that wait outside the queue but count with it (lesson 05: the pong or
//               close that ws::Connection holds until everything queued before it is sent).
// What to do with a verdict (close the client) is the owner's business: drop_unstarted() throws
// away what the client has not started to receive without cutting a piece in the middle, which
// would corrupt the stream.
//
// Bounded memory. Sent entries are compacted away during a long flush, and a queue that grew
// during a burst gives its memory back once empty: an idle connection keeps room for 16 entries
// at most (lesson 05 measures its memory per idle connection).
//
// One thread uses a queue (the connection's): nothing here locks.

#include "common/backpressure.hpp"

#include <sys/uio.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace course {

using SharedBytes = std::shared_ptr<const std::string>;

// The SharedBytes alone, or a struct that carries them in `bytes`.
template <class Piece>
concept QueuePiece = std::same_as<Piece, SharedBytes> || requires(const Piece& piece) {
    { piece.bytes } -> std::convertible_to<const SharedBytes&>;
};

// What flush() calls with each piece once it is sent (lesson 07 counts it for /stats).
template <class F, class Piece>
concept SentCallback = std::invocable<F&, const Piece&>;

enum class Flushed {
    all,          // nothing left
    would_block,  // the kernel's buffer is full: wait until the socket is writable
    failed,       // the write failed (the peer is gone): see the error
};

// One sendmsg() of `count` buffers to `fd` with MSG_NOSIGNAL, tried again after a signal.
struct GatheredWrite {
    Flushed result = Flushed::all;  // all: it wrote `sent` bytes (maybe not all it was given);
    std::size_t sent = 0;           // would_block or failed (`error` set): it wrote none
};
GatheredWrite send_gathered(int fd, const iovec* buffers, std::size_t count, std::error_code& error);

// Anything that writes buffers as send_gathered does (its contract above), to a socket or not.
template <class W>
concept GatheredWriter = requires(W& write, const iovec* buffers, std::size_t count, std::error_code& error) {
    { write(buffers, count, error) } -> std::same_as<GatheredWrite>;
};

template <QueuePiece Piece = SharedBytes> class WriteQueue {
public:
    using clock = std::chrono::steady_clock;
    enum class Bounds { counted, exempt };

    explicit WriteQueue(BackpressureLimits limits) : meter_(limits) {}

    // Queues a piece at the end and tells the meter; over_hard_bound is the only verdict that
    // can come at once. An exempt piece makes everything queued so far exempt: exempt pieces
    // come first, before anything counted.
    Backpressure push(Piece piece, clock::time_point now, Bounds bounds = Bounds::counted,
                      std::size_t elsewhere = 0);
    // The bytes waiting elsewhere changed: tells the meter (a verdict as push()).
    Backpressure measure(clock::time_point now, std::size_t elsewhere) {
        return meter_.queued(counted_bytes() + elsewhere, now);
    }
    // Writes to `fd` (non-blocking) until everything is sent or the kernel's buffer is full;
    // `on_sent(piece)` is called for each piece once its last byte has gone out.
    template <SentCallback<Piece> OnSent> Flushed flush(int fd, clock::time_point now, std::error_code& error,
                                                        OnSent&& on_sent, std::size_t elsewhere = 0) {
        const auto send = [fd](const iovec* buffers, std::size_t count, std::error_code& ec) {
            return send_gathered(fd, buffers, count, ec);
        };
        return flush_to(send, now, error, on_sent, elsewhere);
    }
    Flushed flush(int fd, clock::time_point now, std::error_code& error, std::size_t elsewhere = 0) {
        return flush(fd, now, error, nothing_to_count, elsewhere);
    }
    // The same through any writer with send_gathered's contract (lesson 09: a TLS stream, which
    // takes the bytes to encrypt them).
    template <GatheredWriter Writer, SentCallback<Piece> OnSent>
    Flushed flush_to(Writer& write, clock::time_point now, std::error_code& error, OnSent&& on_sent,
                     std::size_t elsewhere = 0);
    template <GatheredWriter Writer> Flushed flush_to(Writer& write, clock::time_point now,
                                                      std::error_code& error, std::size_t elsewhere = 0) {
        return flush_to(write, now, error, nothing_to_count, elsewhere);
    }
    // Drops every piece not started yet, but the exempt prefix and the pieces `keep` names (the
    // piece being sent stays whole), and tells the meter what is left.
    void drop_unstarted(bool (*keep)(const Piece&) = nullptr);

    bool empty() const noexcept { return head_ == queue_.size(); }
    // Bytes not sent yet, all of them / those the bounds apply to.
    std::size_t bytes() const noexcept { return queued_bytes_; }
    std::size_t counted_bytes() const noexcept { return queued_bytes_ - exempt_left_; }
    // The entries the queue holds memory for: small again once it is empty.
    std::size_t entries_held() const noexcept { return queue_.capacity(); }
    // The timed rules of the policy, for the server's sweep.
    Backpressure check(clock::time_point now) const { return meter_.check(now); }
    const BackpressureLimits& limits() const noexcept { return meter_.limits(); }

private:
    static constexpr std::size_t max_iov = 256;             // pieces per sendmsg() call
    static constexpr std::size_t compact_after = 1024;      // sent entries kept before compacting
    static constexpr std::size_t idle_queue_capacity = 16;  // entries an emptied queue keeps

    static void nothing_to_count(const Piece&) noexcept {}
    static const std::string& bytes_of(const Piece& piece) noexcept {
        if constexpr (std::same_as<Piece, SharedBytes>) return *piece;
        else return *piece.bytes;
    }

    std::vector<Piece> queue_;  // queue_[head_] is the one being sent
    std::size_t head_ = 0;
    std::size_t head_offset_ = 0;   // bytes of queue_[head_] already sent
    std::size_t queued_bytes_ = 0;  // bytes not yet sent
    std::size_t exempt_left_ = 0;   // the first exempt_left_ of them are exempt
    BackpressureMeter meter_;
};

template <QueuePiece Piece> Backpressure WriteQueue<Piece>::push(Piece piece, clock::time_point now,
                                                                 Bounds bounds, std::size_t elsewhere) {
    queued_bytes_ += bytes_of(piece).size();
    queue_.push_back(std::move(piece));  // the pointer: the bytes are shared
    if (bounds == Bounds::exempt) exempt_left_ = queued_bytes_;
    return measure(now, elsewhere);
}

template <QueuePiece Piece> template <GatheredWriter Writer, SentCallback<Piece> OnSent>
Flushed WriteQueue<Piece>::flush_to(Writer& write, clock::time_point now, std::error_code& error,
                                    OnSent&& on_sent, std::size_t elsewhere) {
    while (head_ < queue_.size()) {
        std::array<iovec, max_iov> iov;
        std::size_t count = 0;
        for (std::size_t i = head_; i < queue_.size() && count < max_iov; ++i, ++count) {
            const std::string& bytes = bytes_of(queue_[i]);
            const std::size_t skip = i == head_ ? head_offset_ : 0;
            iov[count].iov_base = const_cast<char*>(bytes.data() + skip);
            iov[count].iov_len = bytes.size() - skip;
        }
        const GatheredWrite written = write(iov.data(), count, error);
        if (written.result != Flushed::all) return written.result;
        std::size_t left = written.sent;
        queued_bytes_ -= left;
        exempt_left_ -= std::min(exempt_left_, left);
        while (left > 0) {  // release each piece as soon as it is sent
            const std::size_t rest = bytes_of(queue_[head_]).size() - head_offset_;
            if (left < rest) {
                head_offset_ += left;
                break;
            }
            left -= rest;
            on_sent(std::as_const(queue_[head_]));
            queue_[head_++] = Piece{};
            head_offset_ = 0;
        }
        meter_.sent(counted_bytes() + elsewhere, now);
        if (head_ >= compact_after && head_ < queue_.size()) {
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    // All sent. A queue that grew during a burst gives its memory back: a connection that sits
    // idle after a burst costs what an idle one costs.
    if (queue_.capacity() > idle_queue_capacity) std::vector<Piece>().swap(queue_);
    else queue_.clear();
    head_ = 0;
    return Flushed::all;
}

template <QueuePiece Piece> void WriteQueue<Piece>::drop_unstarted(bool (*keep)(const Piece&)) {
    // The piece being sent stays (cutting it would corrupt the stream), and so does the exempt
    // prefix: without its 101 a newcomer would get a bare close frame instead of a handshake
    // answer, and a browser would retry in a loop.
    std::size_t at = 0;  // where queue_[i] starts among the bytes not sent yet
    std::size_t kept = head_;
    for (std::size_t i = head_; i < queue_.size(); ++i) {
        const std::size_t size = bytes_of(queue_[i]).size() - (i == head_ ? head_offset_ : 0);
        const bool started = i == head_ && head_offset_ > 0;
        if (started || at < exempt_left_ || (keep && keep(queue_[i]))) {
            if (kept != i) queue_[kept] = std::move(queue_[i]);
            ++kept;
        } else {
            queued_bytes_ -= size;
        }
        at += size;
    }
    queue_.resize(kept);
    meter_.sent(counted_bytes(), clock::now());
}

}  // namespace course
