#pragma once
// One load generator thread: an io_context, the links assigned to it, and what each mode does
// with them. Links are dealt out round robin: link i of T threads lives on thread i % T. Only
// this thread touches its links and counters while it runs; the coordinator reads the
// counters after join(), and watches SharedProgress meanwhile.
//
// echo:      each connection keeps `window` messages in flight, `messages` in all, and times
//            each round trip from a ring of send times (a reply echoes the oldest message).
// broadcast: links 0..N-1 are receivers, N..N+K-1 senders. Every member joins first (the ready
//            marker arrives); then each sender sends its messages, each carrying a token, flat
//            out or paced. Receivers look for tokens in what arrives and tick them off in their
//            Receipts, so a missing, duplicate or out-of-order message is counted exactly.
// idle:      connect and hold; nothing is sent.
// connect:   each link, once open (TCP, TLS for wss://, the WebSocket upgrade), is hung up and a
//            new one opened in its place, `messages` times: the set-up rate, nothing sent.
//
// wss://: every TLS handshake is counted (and whether it resumed a session) and timed.

#include "latency.hpp"
#include "link.hpp"
#include "options.hpp"
#include "receipts.hpp"
#include "run_report.hpp"  // WorkerCounters

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace lesson06 {

class Worker final : public LinkHandler {
public:
    // endpoints: options.targets resolved, in the same order.
    // tls: the run's TLS client (wss:// only, else null).
    Worker(const LoadOptions& options, SharedProgress& progress, std::size_t id,
           std::vector<asio::ip::tcp::endpoint> endpoints, TlsClient* tls = nullptr);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void start_thread();
    void connect_all();  // post: open this thread's links at its share of the connect rate
    void go();           // post: start sending (echo, broadcast senders)
    // post: broadcast, --join probe: the first sender, if it lives on this thread, sends the
    // run's probe into the room (the coordinator calls it on every worker, again until all
    // receivers have seen one).
    void send_probe();
    void stop();  // from any thread: end the thread's run() at once
    void join();

    const WorkerCounters& counters() const noexcept { return counters_; }
    const LatencyHistogram& latency() const noexcept { return latency_; }
    const LatencyHistogram& handshake_latency() const noexcept { return handshake_latency_; }

    void on_open(Link& link) override;
    void on_message(Link& link, std::string_view message) override;
    void on_closed(Link& link, const std::string& reason) override;
    void on_tls_handshake(Link& link, std::uint64_t nanos, bool resumed) override;

private:
    struct LinkState {
        std::uint32_t sent = 0;
        std::uint32_t received = 0;  // echo: replies; connect: set-ups done
        bool opened = false;
        bool ready = false;
        bool finished = false;                      // done, or lost: counted once
        std::vector<std::uint64_t> times;           // echo: send times, a ring of `window`
        Receipts receipts;                          // broadcast receiver: what was delivered
        std::unique_ptr<asio::steady_timer> pacer;  // broadcast sender with --rate
        std::uint64_t next_send_ns = 0;
    };

    std::size_t global_index(std::size_t local) const noexcept { return local * threads_ + id_; }
    bool is_receiver(std::size_t local) const noexcept { return global_index(local) < options_.connections; }
    std::size_t total_links() const noexcept;

    void pump_connects();
    std::shared_ptr<Link> open_link(std::size_t local);
    void reconnect(Link& link, LinkState& state);
    void left_pending();
    void echo_send(Link& link, LinkState& state);
    void echo_receive(Link& link, LinkState& state, std::string_view message);
    void broadcast_receive(LinkState& state, std::string_view message);
    void mark_ready(LinkState& state);
    void sender_send(Link& link, LinkState& state);
    void sender_pace(std::size_t local);
    void finish(LinkState& state);

    const LoadOptions& options_;
    SharedProgress& progress_;
    std::size_t id_;
    std::size_t threads_;
    std::vector<asio::ip::tcp::endpoint> endpoints_;  // one per target
    TlsClient* tls_;

    WorkerCounters counters_;
    LatencyHistogram latency_;
    LatencyHistogram handshake_latency_;  // wss://: TLS handshakes
    std::string payload_;                 // echo: the message every connection sends
    std::string message_;                 // broadcast: built per message, capacity reused
    std::string probe_;                   // broadcast, --join probe: the run's probe (token.hpp)

    // Declared after io_, so destroyed before it: the pacers' timers and the links' sockets
    // must go while their io_context still exists.
    asio::io_context io_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    asio::steady_timer connect_timer_;
    std::vector<LinkState> states_;
    ReadBuffers buffers_;  // shared by this thread's links (link.hpp)
    std::vector<std::shared_ptr<Link>> links_;
    std::size_t next_connect_ = 0;
    std::size_t pending_connects_ = 0;
    bool connect_timer_armed_ = false;
    std::uint64_t last_receipt_stored_ = 0;
    std::chrono::steady_clock::time_point connect_start_;
    std::thread thread_;
};

}  // namespace lesson06
