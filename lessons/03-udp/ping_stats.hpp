#pragma once
// Lesson 03: what a ping run observed, counted exactly from sequence numbers. Pure code: the
// caller passes the times, so tests can play any order of arrivals without a socket.
//
// The definitions (the same ones the tests and README use):
//   sent        datagrams sent (sequence numbers 0 .. sent-1)
//   received    sequence numbers that came back at least once
//   lost        sent - received: no copy came back before the client stopped listening.
//               The client cannot tell whether the request or the reply was lost.
//   duplicated  extra copies: a sequence number that came back 3 times adds 2
//   reordered   first copies that arrived after a higher sequence number had arrived
//   invalid     datagrams that were not one of our pings (bad magic, unknown sequence
//               number, or a send time that is not the one we wrote)
// Round trips are measured on first copies only: min, average, max and the 99th percentile
// by the nearest-rank rule (the smallest value with at least 99% of the samples at or below).

#include "ping_packet.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lesson03 {

enum class ReplyKind { first, duplicate, invalid };

struct ReplyInfo {
    ReplyKind kind = ReplyKind::invalid;
    bool reordered = false;           // a first copy that came after a higher sequence number
    std::chrono::nanoseconds rtt{0};  // for first copies and duplicates
};

struct RttSummary {
    std::chrono::nanoseconds min{0}, avg{0}, max{0}, p99{0};
};

struct PingSummary {
    std::uint64_t sent = 0, received = 0, lost = 0, duplicated = 0, reordered = 0, invalid = 0;
    std::optional<RttSummary> rtt;  // nullopt when nothing came back
};

class PingStats {
public:
    // Records that the next sequence number (sent() before the call) went out at `now_ns`, and
    // returns it, to be written into the datagram.
    std::uint32_t on_sent(std::uint64_t now_ns);

    // Classifies a decoded reply that arrived at `now_ns`.
    ReplyInfo on_reply(const PingPacket& packet, std::uint64_t now_ns);

    // A datagram that did not decode as a ping at all.
    void on_invalid() noexcept { ++invalid_; }

    std::uint64_t sent() const noexcept { return sent_ns_.size(); }
    PingSummary summary() const;

private:
    std::vector<std::uint64_t> sent_ns_;    // by sequence number
    std::vector<std::uint32_t> copies_;     // replies seen, by sequence number
    std::vector<std::int64_t> rtts_ns_;     // first copies only
    std::optional<std::uint32_t> highest_;  // highest sequence number seen so far
    std::uint64_t received_ = 0, duplicated_ = 0, reordered_ = 0, invalid_ = 0;
};

// The nearest-rank percentile (0 < p <= 100) of `values`, which must not be empty.
std::int64_t nearest_rank_percentile(std::vector<std::int64_t> values, double p);

// The machine-readable last line of a ping run, for tests and scripts:
// "summary sent=10 received=9 lost=1 duplicated=0 reordered=0 invalid=0 rtt_min_us=41.2
//  rtt_avg_us=55.0 rtt_max_us=90.3 rtt_p99_us=90.3" (one line; the rtt fields only when
//  something came back).
std::string summary_line(const PingSummary& summary);

// The human-readable summary, as ping(8) prints it (two or three lines, no trailing "\n").
std::string summary_text(const PingSummary& summary);

}  // namespace lesson03
