#include "udp_server.hpp"

#include "ping_packet.hpp"

#include "common/endpoint.hpp"
#include "common/hex_dump.hpp"

#include <sys/socket.h>
#include <algorithm>
#include <asio/error.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lesson03 {

namespace {

using asio::ip::udp;

udp::socket open_socket(asio::io_context& io, const udp::endpoint& endpoint) {
    udp::socket socket(io);
    std::error_code ec;
    socket.open(endpoint.protocol(), ec);
    // No SO_REUSEADDR here, unlike the TCP servers: for UDP it would let a second server bind
    // the same port and quietly take its datagrams, instead of failing with "in use".
    if (!ec) socket.bind(endpoint, ec);
    if (ec == asio::error::address_in_use) {
        throw std::runtime_error("cannot bind " + course::format_endpoint(endpoint) + ": port " +
                                 std::to_string(endpoint.port()) +
                                 " is already in use (another server running? try --port 0)");
    }
    if (ec)
        throw std::runtime_error("cannot bind " + course::format_endpoint(endpoint) + ": " + ec.message());
    // Sends never wait: a send that would block means the socket's send buffer is full, and
    // the datagram is dropped, as the network itself would drop it.
    socket.non_blocking(true);
    return socket;
}

std::string describe_content(std::string_view bytes) {
    if (const auto ping = decode_ping(bytes)) return " (ping seq=" + std::to_string(ping->sequence) + ")";
    if (bytes.empty()) return " (empty)";
    return "";
}

// What the log says the server did with a datagram.
std::string describe_fate(const FaultDecision& fate) {
    if (fate.dropped) return "dropped (--drop-rate)";
    const bool immediate = fate.delay[0].count() == 0 && (!fate.duplicated || fate.delay[1].count() == 0);
    if (immediate) return fate.duplicated ? "reflected twice (--duplicate-rate)" : "reflected";
    std::string held = "held for " + std::to_string(fate.delay[0].count()) + " ms";
    if (fate.duplicated) held += " and a copy for " + std::to_string(fate.delay[1].count()) + " ms";
    return held;
}

}  // namespace

std::shared_ptr<UdpServer> UdpServer::create(asio::io_context& io, const udp::endpoint& endpoint,
                                             ServerConfig config, course::Logger& log) {
    // The constructor is private (the server must be owned by a shared_ptr, see start()),
    // so make_shared cannot reach it.
    return std::shared_ptr<UdpServer>(new UdpServer(io, endpoint, config, log));
}

UdpServer::UdpServer(asio::io_context& io, const udp::endpoint& endpoint, ServerConfig config,
                     course::Logger& log)
    : socket_(open_socket(io, endpoint)), timer_(io), buffer_(config.buffer_size), plan_(config.faults),
      queue_(config.max_queued_datagrams, config.max_queued_bytes), summary_timer_(io),
      summary_interval_(config.summary_interval), log_(log) {
    if (config.faults.any()) log_.info("faults: ", plan_.describe());
}

void UdpServer::start() { do_receive(); }

void UdpServer::stop() {
    if (stopped_) return;
    stopped_ = true;
    std::error_code ignored;
    socket_.close(ignored);  // the pending receive completes with operation_aborted
    timer_.cancel();
    summary_timer_.cancel();
    log_summary();  // what happened since the last one
    if (queue_.size() > 0) log_.info("discarding ", queue_.size(), " datagrams still held back");
    queue_.clear();
}

void UdpServer::do_receive() {
    // MSG_TRUNC makes Linux return the datagram's real length even when it is longer than
    // the buffer, so we can tell that the rest was cut off (recv() would just truncate).
    socket_.async_receive_from(asio::buffer(buffer_), sender_, MSG_TRUNC,
                               [self = shared_from_this()](const std::error_code& ec, std::size_t length) {
                                   self->on_receive(ec, length);
                               });
}

void UdpServer::on_receive(const std::error_code& ec, std::size_t length) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec) {
        // One bad receive is no reason to stop serving everyone else.
        log_.info("receive failed: ", ec.message());
        do_receive();
        return;
    }
    const std::uint64_t k = arrivals_++;
    const std::size_t kept = std::min(length, buffer_.size());
    const std::string_view bytes(buffer_.data(), kept);
    // Without faults every datagram is reflected once, at once: there is nothing to draw.
    const FaultDecision fate = plan_.config().any() ? plan_.decide(k) : FaultDecision{};
    note_activity();
    ++counters_.datagrams_in;
    counters_.bytes_in += length;
    if (kept < length) ++counters_.truncated;
    if (fate.dropped) ++counters_.dropped;
    if (fate.duplicated) ++counters_.duplicated;
    for (int copy = 0; copy < fate.copies(); ++copy) {
        if (fate.delay[static_cast<std::size_t>(copy)].count() > 0) ++counters_.delayed;
    }
    // One line per datagram only when asked for: by default the summary counts them.
    if (log_.enabled(course::LogLevel::verbose)) {
        const std::string peer = course::format_endpoint(sender_);
        if (log_.tracing()) {
            log_.trace(course::hex_dump(
                "#" + std::to_string(k) + " recv " + std::to_string(length) + " bytes from " + peer, bytes));
        }
        if (kept < length) {
            log_.verbose("#", k, " from ", peer, ": datagram of ", length, " bytes truncated to the ", kept,
                         "-byte buffer; reflecting what fit");
        }
        log_.verbose("#", k, " from ", peer, ": ", length, " bytes", describe_content(bytes), " -> ",
                     describe_fate(fate));
    }
    for (int copy = 0; copy < fate.copies(); ++copy) {
        reflect(Outgoing{sender_, std::string(bytes), k}, fate.delay[static_cast<std::size_t>(copy)]);
    }
    do_receive();
}

void UdpServer::reflect(Outgoing item, std::chrono::milliseconds delay) {
    if (delay.count() == 0) {
        send_now(item);
        return;
    }
    const std::uint64_t k = item.arrival;
    if (!queue_.push(DelayQueue::clock::now() + delay, std::move(item))) {
        ++counters_.queue_full;
        log_.verbose("#", k, ": delay queue full (", queue_.max_datagrams(), " datagrams or ",
                     queue_.max_bytes(), " bytes): this copy is dropped");
        return;
    }
    arm_timer();
}

void UdpServer::send_now(const Outgoing& item) {
    std::error_code ec;
    socket_.send_to(asio::buffer(item.payload), item.peer, 0, ec);
    note_activity();
    if (ec == asio::error::would_block) {
        ++counters_.send_failed;
        log_.verbose("#", item.arrival, ": send buffer full, datagram dropped");
    } else if (ec) {
        ++counters_.send_failed;
        log_.verbose("#", item.arrival, ": send to ", course::format_endpoint(item.peer),
                     " failed: ", ec.message());
    } else {
        ++counters_.datagrams_out;
        counters_.bytes_out += item.payload.size();
        log_.trace("#", item.arrival, " sent ", item.payload.size(), " bytes to ",
                   course::format_endpoint(item.peer));
    }
}

void UdpServer::arm_timer() {
    const auto next = queue_.next_due();
    if (!next || stopped_) return;
    if (timer_armed_ && timer_expiry_ <= *next) return;  // the pending wait fires early enough
    // Moving the expiry cancels the pending wait (its handler sees operation_aborted).
    timer_.expires_at(*next);
    timer_armed_ = true;
    timer_expiry_ = *next;
    timer_.async_wait([self = shared_from_this()](const std::error_code& ec) { self->on_timer(ec); });
}

void UdpServer::on_timer(const std::error_code& ec) {
    if (stopped_ || ec == asio::error::operation_aborted) return;  // re-armed earlier, or stopping
    timer_armed_ = false;
    // Everything due by now goes out in due order: a copy with a shorter delay overtakes.
    while (auto item = queue_.pop_due(DelayQueue::clock::now())) send_now(*item);
    arm_timer();
}

void UdpServer::note_activity() {
    if (summary_armed_ || stopped_) return;
    summary_armed_ = true;
    period_start_ = DelayQueue::clock::now();
    summary_timer_.expires_at(period_start_ + summary_interval_);
    summary_timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
        if (ec == asio::error::operation_aborted || self->stopped_) return;
        self->summary_armed_ = false;  // the next event starts the next period
        self->log_summary();
    });
}

void UdpServer::log_summary() {
    if (!counters_.any()) return;
    const std::chrono::duration<double> period = DelayQueue::clock::now() - period_start_;
    log_.info(describe_summary(counters_, period.count()));
    counters_ = {};
}

}  // namespace lesson03
