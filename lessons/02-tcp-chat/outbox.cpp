#include "outbox.hpp"

#include <algorithm>
#include <utility>

namespace lesson02 {

Outbox::Outbox(course::BackpressureLimits limits, std::function<std::string(Verdict)> eviction_line)
    : limits_(limits), eviction_line_(std::move(eviction_line)), meter_(limits) {}

Outbox::Push Outbox::push(SharedLine line, clock::time_point now) {
    // TASK 02.outbox: queue lines without blocking and hand them to the writer in batches
    // STUB: (void)line;
    // STUB: (void)now;
    {
        const std::lock_guard lock(mutex_);
        if (closed_) return Push::closed;
        queued_bytes_ += line->size() + line_overhead;
        lines_.push_back(std::move(line));
        // The hard bound acts at once; the timed rules are checked here too, so a burst into
        // a client that stopped reading is judged as it arrives.
        Verdict verdict = meter_.queued(waiting_locked(), now);
        if (verdict == Verdict::ok) verdict = meter_.check(now);
        if (!judge_locked(verdict)) {
            changed_.notify_one();
            return Push::queued;
        }
    }
    cancelled_.request();  // outside the lock: it is a system call
    return Push::evicted;
    // END TASK 02.outbox
}

Outbox::Batch Outbox::pop(std::size_t max_bytes) {
    // TASK 02.outbox: queue lines without blocking and hand them to the writer in batches
    // STUB: (void)max_bytes;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !lines_.empty() || closed_; });
    if (aborted_) {
        if (last_) return {Batch::Kind::last, *std::exchange(last_, std::nullopt)};
        return {Batch::Kind::end, {}};
    }
    if (lines_.empty()) return {Batch::Kind::end, {}};  // closed and drained
    Batch batch{Batch::Kind::lines, {}};
    // Many small lines become one write: one system call instead of dozens under load.
    do {
        batch.bytes += *lines_.front();
        queued_bytes_ -= lines_.front()->size() + line_overhead;
        lines_.pop_front();
    } while (!lines_.empty() && batch.bytes.size() + lines_.front()->size() <= max_bytes);
    // The batch still waits until it is written: all that left is the lines' overhead, and
    // that is not progress, so tell the meter with queued(), which leaves the stall clock alone.
    in_flight_ = batch.bytes.size();
    meter_.queued(waiting_locked(), clock::now());
    return batch;
    // END TASK 02.outbox
}

bool Outbox::sent(std::size_t bytes, clock::time_point now) {
    {
        const std::lock_guard lock(mutex_);
        if (aborted_) return false;  // whoever aborted it has requested cancelled_ already
        in_flight_ -= std::min(bytes, in_flight_);
        meter_.sent(waiting_locked(), now);
        if (!judge_locked(meter_.check(now))) return true;
    }
    cancelled_.request();
    return false;
}

bool Outbox::check(clock::time_point now) {
    {
        const std::lock_guard lock(mutex_);
        if (aborted_) return false;
        if (!judge_locked(meter_.check(now))) return true;
    }
    cancelled_.request();
    return false;
}

bool Outbox::judge_locked(Verdict verdict) {
    if (verdict == Verdict::ok || aborted_) return false;
    eviction_ = verdict;
    abort_locked(eviction_line_(verdict));
    return true;
}

void Outbox::close(std::optional<std::string> last) {
    const std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    if (last) {
        queued_bytes_ += last->size() + line_overhead;
        lines_.push_back(std::make_shared<const std::string>(std::move(*last)));
        meter_.queued(waiting_locked(), clock::now());  // past the bounds or not: a goodbye goes
    }
    changed_.notify_one();
}

void Outbox::abort(std::optional<std::string> last) {
    {
        const std::lock_guard lock(mutex_);
        if (aborted_) return;
        abort_locked(std::move(last));
    }
    cancelled_.request();
}

void Outbox::abort_locked(std::optional<std::string> last) {
    closed_ = aborted_ = true;
    lines_.clear();  // a slow client's backlog is freed at once, not when it disconnects
    queued_bytes_ = in_flight_ = 0;
    last_ = std::move(last);
    changed_.notify_one();
}

bool Outbox::aborted() const {
    const std::lock_guard lock(mutex_);
    return aborted_;
}

std::optional<Outbox::Verdict> Outbox::eviction() const {
    const std::lock_guard lock(mutex_);
    return eviction_;
}

std::size_t Outbox::waiting_bytes() const {
    const std::lock_guard lock(mutex_);
    return waiting_locked();
}

}  // namespace lesson02
