#include "outbox.hpp"

#include <utility>

namespace lesson02 {

Outbox::Outbox(std::size_t limit_bytes, std::string overflow_line)
    : limit_bytes_(limit_bytes), overflow_line_(std::move(overflow_line)) {}

Outbox::Push Outbox::push(SharedLine line) {
    {
        const std::lock_guard lock(mutex_);
        if (closed_) return Push::closed;
        if (bytes_ + line->size() > limit_bytes_) {
            overflowed_ = true;
            abort_locked(overflow_line_);
        } else {
            bytes_ += line->size();
            lines_.push_back(std::move(line));
            changed_.notify_one();
            return Push::queued;
        }
    }
    cancelled_.request();  // outside the lock: it is a system call
    return Push::overflow;
}

Outbox::Batch Outbox::pop(std::size_t max_bytes) {
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
        bytes_ -= lines_.front()->size();
        lines_.pop_front();
    } while (!lines_.empty() && batch.bytes.size() + lines_.front()->size() <= max_bytes);
    return batch;
}

void Outbox::close(std::optional<std::string> last) {
    const std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    if (last) {
        bytes_ += last->size();
        lines_.push_back(std::make_shared<const std::string>(std::move(*last)));
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
    bytes_ = 0;
    last_ = std::move(last);
    changed_.notify_one();
}

bool Outbox::aborted() const {
    const std::lock_guard lock(mutex_);
    return aborted_;
}

bool Outbox::overflowed() const {
    const std::lock_guard lock(mutex_);
    return overflowed_;
}

std::size_t Outbox::queued_bytes() const {
    const std::lock_guard lock(mutex_);
    return bytes_;
}

}  // namespace lesson02
