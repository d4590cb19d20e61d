#pragma once
// Lesson 03: a UDP datagram reflector on asio's asynchronous API, with faults on request.
//
// There is no listen() and no accept(): one socket, bound to a port, receives every datagram
// sent to it, from anyone, each with the sender's address (recvfrom). The server sends each
// one back to that address (sendto) and forgets it. No connection, no per-client state.
//
// One thread runs the io_context. Two things wait on it: the socket (async_receive_from) and
// one steady_timer, set for the earliest datagram held back by the FaultPlan's delay. So the
// delays cost no threads and no sleeping, and a late datagram can overtake an earlier one
// simply by being due sooner. Nothing is shared between threads, so nothing needs a lock.
//
// The k-th datagram to arrive meets plan.decide(k): dropped, reflected once or twice, at once
// or after its delay. Held-back copies wait in a bounded DelayQueue; when it is full the copy
// is dropped. Every datagram is reflected as it came, whatever its content: the server only
// peeks at it to annotate the log when it looks like a ping.
//
// The log: a line per datagram only with --verbose. By default the server counts
// (TrafficCounters) and logs one summary line when something happened, at most every
// summary_interval, and a last one when it stops: a sender must not decide how much we write.
// A third thing waits on the io_context for that: the summary timer, armed by the first event
// after a summary, so an idle server does not wake up at all.

#include "delay_queue.hpp"
#include "fault_plan.hpp"
#include "traffic_counters.hpp"

#include "common/logger.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lesson03 {

struct ServerConfig {
    FaultConfig faults;
    std::size_t buffer_size = 65'536;                   // bytes per receive: more than any datagram
    std::size_t max_queued_datagrams = 1'024;           // delayed copies held at once
    std::size_t max_queued_bytes = 8u << 20;            // ... and their payload bytes
    std::chrono::milliseconds summary_interval{5'000};  // at most one summary line per interval
};

class UdpServer : public std::enable_shared_from_this<UdpServer> {
public:
    // Binds at once, so a port in use is reported here. Throws std::runtime_error.
    static std::shared_ptr<UdpServer> create(asio::io_context& io, const asio::ip::udp::endpoint& endpoint,
                                             ServerConfig config, course::Logger& log);

    asio::ip::udp::endpoint local_endpoint() const { return socket_.local_endpoint(); }

    // Starts receiving. The handlers hold a shared_ptr to the server, so it lives as long as
    // work is pending; io_context::run() returns after stop().
    void start();

    // Closes the socket and discards the datagrams still held back.
    void stop();

private:
    UdpServer(asio::io_context& io, const asio::ip::udp::endpoint& endpoint, ServerConfig config,
              course::Logger& log);

    void do_receive();
    void on_receive(const std::error_code& ec, std::size_t length);
    void reflect(Outgoing item, std::chrono::milliseconds delay);
    void send_now(const Outgoing& item);
    void arm_timer();
    void on_timer(const std::error_code& ec);
    void note_activity();  // starts a summary period, if none is running
    void log_summary();

    asio::ip::udp::socket socket_;
    asio::steady_timer timer_;
    bool timer_armed_ = false;
    DelayQueue::clock::time_point timer_expiry_{};
    std::vector<char> buffer_;
    asio::ip::udp::endpoint sender_;  // filled in by async_receive_from
    FaultPlan plan_;
    DelayQueue queue_;
    std::uint64_t arrivals_ = 0;  // the k of the next datagram, for plan_.decide(k)
    bool stopped_ = false;
    TrafficCounters counters_;  // since the last summary
    asio::steady_timer summary_timer_;
    std::chrono::milliseconds summary_interval_;
    bool summary_armed_ = false;
    DelayQueue::clock::time_point period_start_{};  // the first event after the last summary
    course::Logger& log_;
};

}  // namespace lesson03
