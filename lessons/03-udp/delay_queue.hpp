#pragma once
// Lesson 03: the datagrams the server holds back for --delay-ms/--jitter-ms, in the order they
// are due. Pure code: the caller says what time it is, so tests need no clock and no socket.
//
// The queue is bounded twice, by count and by bytes, because every held datagram is memory
// a sender chose to make us spend. When either bound would be passed, push() refuses the new
// datagram and the server drops it: what a router does with a full queue (tail drop), and one
// more way a UDP datagram can vanish without anyone being told.
//
// Datagrams due at the same instant leave in the order they were pushed.

#include <asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace lesson03 {

struct Outgoing {
    asio::ip::udp::endpoint peer;  // who gets it
    std::string payload;
    std::uint64_t arrival = 0;  // the datagram's arrival number (for the log)
};

class DelayQueue {
public:
    using clock = std::chrono::steady_clock;

    DelayQueue(std::size_t max_datagrams, std::size_t max_bytes);

    // False (and `item` is not kept) if it would take the queue past either bound.
    bool push(clock::time_point due, Outgoing item);

    // When the earliest datagram is due, or nullopt if the queue is empty.
    std::optional<clock::time_point> next_due() const;

    // The earliest datagram if it is due at `now` (or earlier); nullopt otherwise.
    std::optional<Outgoing> pop_due(clock::time_point now);

    std::size_t size() const noexcept { return items_.size(); }
    std::size_t bytes() const noexcept { return bytes_; }
    std::size_t max_datagrams() const noexcept { return max_datagrams_; }
    std::size_t max_bytes() const noexcept { return max_bytes_; }
    void clear() noexcept;

private:
    std::size_t max_datagrams_;
    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    // A multimap keeps equal keys in insertion order, which gives the FIFO tie-break.
    std::multimap<clock::time_point, Outgoing> items_;
};

}  // namespace lesson03
