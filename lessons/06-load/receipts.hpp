#pragma once
// What one broadcast receiver has been delivered, message by message. One bit per (sender,
// seq) counts a missing message and a duplicate exactly; per sender, one past the highest seq
// delivered so far tells a message that arrives after a later one of its sender: out of order.
// A chat keeps each sender's order (lessons 02 and 05 relay a sender's lines in the order they
// came), so that count must be 0. A gap alone is not disorder: it is counted as missing.
//
// Pure code: the worker feeds it the tokens it finds (token.hpp), no clock, no socket.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lesson06 {

class Receipts {
public:
    enum class Outcome {
        in_order,      // first delivery, after every earlier-delivered message of its sender
        out_of_order,  // first delivery, but a later message of the same sender came before it
        duplicate,     // delivered before
        unknown,       // no such sender or sequence number in this run
    };

    Receipts() = default;  // a connection that expects nothing (a broadcast sender)
    Receipts(std::size_t senders, std::size_t per_sender);

    Outcome record(std::uint32_t sender, std::uint32_t seq);

    std::uint64_t delivered() const noexcept { return delivered_; }  // distinct messages
    bool complete() const noexcept { return delivered_ == expected_; }

    // The memory one receiver's Receipts take, so a run can refuse to start before it runs out.
    static std::uint64_t bytes_for(std::size_t senders, std::size_t per_sender) noexcept;

private:
    std::uint64_t per_sender_ = 0;
    std::uint64_t expected_ = 0;
    std::uint64_t delivered_ = 0;
    std::vector<std::uint64_t> seen_;  // bit sender * per_sender + seq
    std::vector<std::uint32_t> next_;  // per sender: one past the highest seq delivered
};

}  // namespace lesson06
