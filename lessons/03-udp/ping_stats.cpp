#include "ping_stats.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace lesson03 {

namespace {

std::string micros(std::chrono::nanoseconds ns, int decimals) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(decimals) << static_cast<double>(ns.count()) / 1000.0;
    return out.str();
}

std::string millis(std::chrono::nanoseconds ns) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(3) << static_cast<double>(ns.count()) / 1e6;
    return out.str();
}

}  // namespace

std::uint32_t PingStats::on_sent(std::uint64_t now_ns) {
    const auto sequence = static_cast<std::uint32_t>(sent_ns_.size());
    sent_ns_.push_back(now_ns);
    copies_.push_back(0);
    return sequence;
}

ReplyInfo PingStats::on_reply(const PingPacket& packet, std::uint64_t now_ns) {
    // TASK 03.ping-stats: count replies exactly: first copies, duplicates, reordering, round-trip percentiles
    // STUB: (void)packet;
    // STUB: (void)now_ns;
    ReplyInfo info;
    // Trust nothing in a datagram: it must name a ping we sent, with the time we wrote in it.
    if (packet.sequence >= sent_ns_.size() || packet.sent_ns != sent_ns_[packet.sequence] ||
        now_ns < packet.sent_ns) {
        ++invalid_;
        return info;
    }
    info.rtt = std::chrono::nanoseconds(now_ns - packet.sent_ns);
    if (copies_[packet.sequence]++ > 0) {
        ++duplicated_;
        info.kind = ReplyKind::duplicate;
        return info;
    }
    info.kind = ReplyKind::first;
    ++received_;
    rtts_ns_.push_back(info.rtt.count());
    if (highest_ && *highest_ > packet.sequence) {
        info.reordered = true;
        ++reordered_;
    } else {
        highest_ = packet.sequence;
    }
    return info;
    // END TASK 03.ping-stats
}

PingSummary PingStats::summary() const {
    PingSummary s;
    s.sent = sent_ns_.size();
    s.received = received_;
    s.lost = s.sent - s.received;
    s.duplicated = duplicated_;
    s.reordered = reordered_;
    s.invalid = invalid_;
    if (!rtts_ns_.empty()) {
        const auto [low, high] = std::minmax_element(rtts_ns_.begin(), rtts_ns_.end());
        const auto total = std::accumulate(rtts_ns_.begin(), rtts_ns_.end(), std::int64_t{0});
        RttSummary rtt;
        rtt.min = std::chrono::nanoseconds(*low);
        rtt.max = std::chrono::nanoseconds(*high);
        rtt.avg = std::chrono::nanoseconds(total / static_cast<std::int64_t>(rtts_ns_.size()));
        rtt.p99 = std::chrono::nanoseconds(nearest_rank_percentile(rtts_ns_, 99));
        s.rtt = rtt;
    }
    return s;
}

std::int64_t nearest_rank_percentile(std::vector<std::int64_t> values, double p) {
    // TASK 03.ping-stats: count replies exactly: first copies, duplicates, reordering, round-trip percentiles
    // STUB: (void)values;
    // STUB: (void)p;
    if (values.empty()) throw std::invalid_argument("percentile of no values");
    // rank = ceil(p/100 * n), counted from 1; nth_element finds it without a full sort.
    const auto n = static_cast<double>(values.size());
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n - 1e-9));
    rank = std::clamp<std::size_t>(rank, 1, values.size());
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1), values.end());
    return values[rank - 1];
    // END TASK 03.ping-stats
}

std::string summary_line(const PingSummary& s) {
    std::ostringstream out;
    out << "summary sent=" << s.sent << " received=" << s.received << " lost=" << s.lost
        << " duplicated=" << s.duplicated << " reordered=" << s.reordered << " invalid=" << s.invalid;
    if (s.rtt) {
        out << " rtt_min_us=" << micros(s.rtt->min, 1) << " rtt_avg_us=" << micros(s.rtt->avg, 1)
            << " rtt_max_us=" << micros(s.rtt->max, 1) << " rtt_p99_us=" << micros(s.rtt->p99, 1);
    }
    return out.str();
}

std::string summary_text(const PingSummary& s) {
    std::ostringstream out;
    const double loss = s.sent == 0 ? 0.0 : 100.0 * static_cast<double>(s.lost) / static_cast<double>(s.sent);
    out << s.sent << " sent, " << s.received << " received, " << s.lost << " lost (" << std::fixed
        << std::setprecision(1) << loss << "%), " << s.duplicated << " duplicated, " << s.reordered
        << " reordered";
    if (s.invalid > 0) out << ", " << s.invalid << " invalid";
    if (s.rtt) {
        out << "\nround trip min/avg/max/p99 = " << millis(s.rtt->min) << "/" << millis(s.rtt->avg) << "/"
            << millis(s.rtt->max) << "/" << millis(s.rtt->p99) << " ms";
    }
    return out.str();
}

}  // namespace lesson03
