#pragma once
// Lesson 02: one client's outgoing lines, a queue between many producers and one writer, with
// the slow-consumer policy of common/backpressure.hpp.
//
// Any thread may push() a line (a broadcast runs on the sender's thread); only the client's own
// writer thread pops. push() never blocks: if the client does not keep up, its lines pile up
// here, and the policy decides when it has fallen too far behind:
//
//   hard bound   more than `hard_bytes` waiting: evicted at once (default 32 MiB)
//   soft bound   more than `soft_bytes` waiting for `soft_time` without a break (1 MiB, 10 s)
//   stall        bytes waiting and not one of them written to the socket for `soft_time`
//
// "Waiting" counts the lines queued here *and* the batch the writer has taken but not yet
// written, so a client is not judged on what merely moved from the queue to the writer. Each
// queued line costs its length plus `line_overhead` (its slot in the queue and its share of
// the allocation), so that a flood of one-character lines is bounded in memory, not only in
// characters. Lines are shared, not copied: a broadcast allocates its line once and every
// outbox keeps a pointer to it; the bound charges each outbox the line all the same.
//
// An evicted outbox drops everything queued, accepts no more pushes, and gives the writer one
// last line (why we disconnect, from `eviction_line`) to try once before it stops. The timed
// rules are checked whenever a line is pushed and whenever the writer reports progress or
// gives up waiting for the socket (sent() and check()), so a client that stops reading is
// found even when nothing more is said in the room.
//
// The outbox also owns a StopEvent, `cancelled()`, requested when the outbox is aborted or
// evicted, so a writer blocked in poll() on a full socket wakes up at once.

#include "common/backpressure.hpp"
#include "common/stop_event.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace lesson02 {

using SharedLine = std::shared_ptr<const std::string>;

// What a queued line costs beyond its text: its shared_ptr in the deque (16 bytes) and the
// allocation that holds the string and its reference counts (48 bytes, 64 with malloc's own).
// Without it, a flood of one-character lines ("a: x\n", 5 bytes) held 16 times its size:
// 530 MB of server memory before a 32 MiB bound was reached (README: "The slow reader").
inline constexpr std::size_t line_overhead = 80;

class Outbox {
public:
    using clock = std::chrono::steady_clock;
    using Verdict = course::Backpressure;

    enum class Push {
        queued,   // the writer will send it
        evicted,  // this push found the client too slow: the outbox is now evicted (reported once)
        closed,   // the outbox was closed, aborted or evicted earlier; the line is dropped
    };

    // What the writer gets from pop().
    struct Batch {
        enum class Kind {
            lines,  // queued lines, concatenated: write them, reporting progress with sent()
            last,   // the last line after an abort: try once to send it, then stop
            end,    // nothing more will ever come: stop
        };
        Kind kind;
        std::string bytes;
    };

    // `eviction_line(verdict)` is the line the writer tries to send when the client is evicted.
    Outbox(course::BackpressureLimits limits, std::function<std::string(Verdict)> eviction_line);
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    Push push(SharedLine line, clock::time_point now = clock::now());
    Push push(std::string line, clock::time_point now = clock::now()) {
        return push(std::make_shared<const std::string>(std::move(line)), now);
    }

    // Waits until there is something to do; takes up to `max_bytes` of whole lines (at least
    // one line, however long). Only the writer thread may call pop(), sent() and check(), and
    // it pops again only once the batch is written (or the outbox is aborted).
    Batch pop(std::size_t max_bytes);
    // The writer wrote `bytes` more of its batch to the socket. False if the writer should
    // stop: the rules evict the client now (see eviction()), or the outbox was aborted.
    bool sent(std::size_t bytes, clock::time_point now = clock::now());
    // The timed rules, for a writer that has waited for the socket without progress. False
    // as for sent().
    bool check(clock::time_point now = clock::now());

    // A clean end: `last` (if any) is queued even past the bounds, and pop() returns what is
    // left before `end`. Later pushes are dropped.
    void close(std::optional<std::string> last = std::nullopt);

    // An abrupt end: what is queued is dropped, `last` (if any) is the only line pop() still
    // returns, and cancelled() is requested. Does nothing if already aborted or evicted.
    void abort(std::optional<std::string> last = std::nullopt);

    const course::StopEvent& cancelled() const noexcept { return cancelled_; }
    bool aborted() const;                     // aborted or evicted
    std::optional<Verdict> eviction() const;  // why it was evicted, if it was
    std::size_t waiting_bytes() const;        // queued (with overhead) plus the writer's batch
    const course::BackpressureLimits& limits() const noexcept { return limits_; }

private:
    std::size_t waiting_locked() const noexcept { return queued_bytes_ + in_flight_; }
    // Evicts for `verdict` unless it is ok; true if it did (request cancelled_ after unlocking).
    bool judge_locked(Verdict verdict);
    void abort_locked(std::optional<std::string> last);

    const course::BackpressureLimits limits_;
    const std::function<std::string(Verdict)> eviction_line_;
    course::StopEvent cancelled_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    course::BackpressureMeter meter_;  // guarded by mutex_
    std::deque<SharedLine> lines_;     // guarded by mutex_
    std::size_t queued_bytes_ = 0;     // guarded by mutex_: lines_, each with line_overhead
    std::size_t in_flight_ = 0;        // guarded by mutex_: popped, not yet reported sent
    bool closed_ = false;              // guarded by mutex_: no more pushes
    bool aborted_ = false;             // guarded by mutex_
    std::optional<Verdict> eviction_;  // guarded by mutex_
    std::optional<std::string> last_;  // guarded by mutex_: the line to try after an abort
};

}  // namespace lesson02
