#pragma once
// Lesson 02: one client's outgoing lines, a bounded queue between many producers and one writer.
//
// Any thread may push() a line (a broadcast runs on the sender's thread); only the client's own
// writer thread pops. push() never blocks: if the client does not read, its lines pile up here,
// and once they would exceed `limit_bytes` the outbox *overflows*: everything queued is dropped,
// no more pushes are accepted, and the writer is told to send one last line (why we disconnect)
// and stop. That is how one client that stops reading cannot slow anyone else down, and how the
// memory it can hold on the server stays bounded.
//
// Lines are shared, not copied: a broadcast allocates its line once and every outbox keeps a
// pointer to it. The byte count charges each outbox the full size all the same, since that is
// what the bound is for.
//
// The outbox also owns a StopEvent, `cancelled()`, requested when the outbox is aborted, so a
// writer blocked in poll() on a full socket wakes up at once instead of after its send timeout.

#include "common/stop_event.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace lesson02 {

using SharedLine = std::shared_ptr<const std::string>;

class Outbox {
public:
    enum class Push {
        queued,    // the writer will send it
        overflow,  // this push overflowed the queue: the outbox is now aborted (reported once)
        closed,    // the outbox was closed or aborted earlier; the line is dropped
    };

    // What the writer gets from pop().
    struct Batch {
        enum class Kind {
            lines,  // queued lines, concatenated, to send with the normal timeout
            last,   // the last line after an abort: try once to send it, then stop
            end,    // nothing more will ever come: stop
        };
        Kind kind;
        std::string bytes;
    };

    // `overflow_line` is what the writer tries to send when the queue overflows.
    Outbox(std::size_t limit_bytes, std::string overflow_line);
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    Push push(SharedLine line);
    Push push(std::string line) { return push(std::make_shared<const std::string>(std::move(line))); }

    // Waits until there is something to do; takes up to `max_bytes` of whole lines (at least
    // one line, however long). Only one thread may call pop().
    Batch pop(std::size_t max_bytes);

    // A clean end: `last` (if any) is queued even past the limit, and pop() returns what is
    // left before `end`. Later pushes are dropped.
    void close(std::optional<std::string> last = std::nullopt);

    // An abrupt end: what is queued is dropped, `last` (if any) is the only line pop() still
    // returns, and cancelled() is requested. Does nothing if already aborted.
    void abort(std::optional<std::string> last = std::nullopt);

    const course::StopEvent& cancelled() const noexcept { return cancelled_; }
    bool aborted() const;
    bool overflowed() const;
    std::size_t queued_bytes() const;
    std::size_t limit_bytes() const noexcept { return limit_bytes_; }

private:
    void abort_locked(std::optional<std::string> last);

    const std::size_t limit_bytes_;
    const std::string overflow_line_;
    course::StopEvent cancelled_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<SharedLine> lines_;       // guarded by mutex_
    std::size_t bytes_ = 0;              // guarded by mutex_: bytes in lines_
    bool closed_ = false;                // guarded by mutex_: no more pushes
    bool aborted_ = false;               // guarded by mutex_
    bool overflowed_ = false;            // guarded by mutex_
    std::optional<std::string> last_;    // guarded by mutex_: the line to try after an abort
};

}  // namespace lesson02
