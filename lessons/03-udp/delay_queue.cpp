#include "delay_queue.hpp"

namespace lesson03 {

DelayQueue::DelayQueue(std::size_t max_datagrams, std::size_t max_bytes)
    : max_datagrams_(max_datagrams), max_bytes_(max_bytes) {}

bool DelayQueue::push(clock::time_point due, Outgoing item) {
    if (items_.size() >= max_datagrams_) return false;
    if (item.payload.size() > max_bytes_ - bytes_) return false;  // bytes_ <= max_bytes_ always: no underflow
    bytes_ += item.payload.size();
    items_.emplace(due, std::move(item));  // placed after any datagram due at the same instant
    return true;
}

std::optional<DelayQueue::clock::time_point> DelayQueue::next_due() const {
    if (items_.empty()) return std::nullopt;
    return items_.begin()->first;
}

std::optional<Outgoing> DelayQueue::pop_due(clock::time_point now) {
    if (items_.empty() || items_.begin()->first > now) return std::nullopt;
    auto node = items_.extract(items_.begin());
    bytes_ -= node.mapped().payload.size();
    return std::move(node.mapped());
}

void DelayQueue::clear() noexcept {
    items_.clear();
    bytes_ = 0;
}

}  // namespace lesson03
