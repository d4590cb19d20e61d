#include "receipts.hpp"

namespace lesson06 {

Receipts::Receipts(std::size_t senders, std::size_t per_sender)
    : per_sender_(per_sender), expected_(static_cast<std::uint64_t>(senders) * per_sender),
      seen_((expected_ + 63) / 64, 0), next_(senders, 0) {}

Receipts::Outcome Receipts::record(std::uint32_t sender, std::uint32_t seq) {
    // TASK 06.receipts: classify each delivery: in order, out of order, duplicate or unknown
    // STUB: (void)sender;
    // STUB: (void)seq;
    if (sender >= next_.size() || seq >= per_sender_) return Outcome::unknown;
    const std::uint64_t bit = sender * per_sender_ + seq;
    std::uint64_t& word = seen_[bit / 64];
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    if (word & mask) return Outcome::duplicate;
    word |= mask;
    ++delivered_;
    std::uint32_t& next = next_[sender];
    if (seq < next) return Outcome::out_of_order;
    next = seq + 1;
    return Outcome::in_order;
    // END TASK 06.receipts
}

std::uint64_t Receipts::bytes_for(std::size_t senders, std::size_t per_sender) noexcept {
    const std::uint64_t bits = static_cast<std::uint64_t>(senders) * per_sender;
    return (bits + 63) / 64 * sizeof(std::uint64_t) + senders * sizeof(std::uint32_t);
}

}  // namespace lesson06
