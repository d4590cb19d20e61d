#include "worker.hpp"

#include "token.hpp"

#include <asio/post.hpp>
#include <cmath>

namespace lesson06 {

Worker::Worker(const LoadOptions& options, SharedProgress& progress, std::size_t id,
               std::vector<asio::ip::tcp::endpoint> endpoints, TlsClient* tls)
    : options_(options), progress_(progress), id_(id), threads_(options.threads),
      endpoints_(std::move(endpoints)), tls_(tls), work_(io_.get_executor()), connect_timer_(io_) {
    payload_.reserve(options.size);
    // --reply contains: the run's id first, so that a chat's history of an earlier run (replayed
    // to a newcomer) is never taken for a reply to this one.
    if (options.reply_contains) payload_ = "run" + std::to_string(options.run_id) + ":";
    for (std::size_t i = payload_.size(); i < options.size; ++i) payload_ += static_cast<char>('a' + i % 26);
    message_.reserve(options.size + max_token_size);
    probe_ = make_probe(options.run_id);
    const std::size_t total = total_links();
    const std::size_t mine = total > id_ ? (total - id_ + threads_ - 1) / threads_ : 0;
    states_.resize(mine);
    for (std::size_t local = 0; local < mine; ++local) {
        LinkState& state = states_[local];
        if (options_.mode == Mode::echo) state.times.assign(options_.window, 0);
        if (options_.mode == Mode::broadcast && is_receiver(local)) {
            state.receipts = Receipts(options_.senders, options_.messages);
        }
    }
}

Worker::~Worker() { join(); }

std::size_t Worker::total_links() const noexcept {
    return options_.connections + (options_.mode == Mode::broadcast ? options_.senders : 0);
}

void Worker::start_thread() {
    thread_ = std::thread([this] { io_.run(); });
}

void Worker::join() {
    if (thread_.joinable()) thread_.join();
}

// io_context::stop() may be called from any thread: run() returns after the handler in
// progress, however many are queued behind it (a flooded run has thousands). The links are
// closed when the Worker is destroyed, after join().
void Worker::stop() { io_.stop(); }

// ---- opening connections at a bounded rate -------------------------------------------------

void Worker::connect_all() {
    asio::post(io_, [this] {
        connect_start_ = std::chrono::steady_clock::now();
        links_.reserve(states_.size());
        pump_connects();
    });
}

// Starts connection attempts while fewer than this thread's share of --connect-burst are in
// progress and the rate allows; otherwise waits for an attempt to end or for the timer.
void Worker::pump_connects() {
    const double rate = options_.connect_rate / static_cast<double>(threads_);
    const std::size_t burst = std::max<std::size_t>(1, options_.connect_burst / threads_);
    while (next_connect_ < states_.size() && pending_connects_ < burst) {
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - connect_start_).count();
        const auto allowed = static_cast<std::size_t>(elapsed * rate) + 1;
        if (next_connect_ >= allowed) {
            if (connect_timer_armed_) return;
            connect_timer_armed_ = true;
            connect_timer_.expires_at(connect_start_ +
                                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                          std::chrono::duration<double>(next_connect_ / rate)));
            connect_timer_.async_wait([this](const std::error_code& ec) {
                connect_timer_armed_ = false;
                if (!ec) pump_connects();
            });
            return;
        }
        links_.push_back(open_link(next_connect_));
        ++next_connect_;
        ++pending_connects_;
    }
}

std::shared_ptr<Link> Worker::open_link(std::size_t local) {
    const std::size_t server = global_index(local) % endpoints_.size();
    auto link = std::make_shared<Link>(io_, options_.targets[server], *this, buffers_, local, options_.log,
                                       tls_, server);
    link->start(endpoints_[server]);
    return link;
}

// connect: one more set-up done; hang up, and open the next in its place until all are done.
// (The old link is stopped, so it reports nothing more; its pending handlers just end.)
void Worker::reconnect(Link& link, LinkState& state) {
    ++state.received;
    ++counters_.received;
    const std::size_t local = link.index();
    link.stop();
    if (state.received >= options_.messages) return finish(state);
    links_[local] = open_link(local);
}

void Worker::left_pending() {
    --pending_connects_;
    pump_connects();
}

// ---- events from the links -----------------------------------------------------------------

void Worker::on_open(Link& link) {
    LinkState& state = states_[link.index()];
    if (options_.mode == Mode::connect && state.opened) return reconnect(link, state);  // not the first
    state.opened = true;
    progress_.opened.fetch_add(1);
    if (options_.mode == Mode::broadcast && options_.targets.front().scheme == Target::Scheme::tcp) {
        // Lesson 02: the first line is the name. The run id keeps reruns from colliding with
        // members of an earlier run that the server has not noticed gone yet.
        const std::size_t global = global_index(link.index());
        link.send("lg" + std::to_string(options_.run_id % 100000) + (is_receiver(link.index()) ? "r" : "s") +
                  std::to_string(global));
    }
    // Probing: a sender needs nothing from the room, only an open connection.
    if (options_.mode == Mode::broadcast && options_.join == JoinRule::probe && !is_receiver(link.index())) {
        mark_ready(state);
    }
    progress_.notify();
    left_pending();
    if (options_.mode == Mode::connect) reconnect(link, state);
}

void Worker::on_tls_handshake(Link&, std::uint64_t nanos, bool resumed) {
    ++counters_.tls_handshakes;
    if (resumed) ++counters_.tls_resumed;
    handshake_latency_.record(nanos);
}

void Worker::on_closed(Link& link, const std::string& reason) {
    LinkState& state = states_[link.index()];
    if (options_.log) options_.log->verbose("connection ", global_index(link.index()), ": ", reason);
    if (!state.opened || (options_.mode == Mode::connect && !state.finished)) {
        // Refused, or a handshake failed (connect: on any of the set-ups).
        const bool first = !state.opened;
        state.finished = true;
        progress_.failed.fetch_add(1);
        progress_.record_error(reason);
        if (first) left_pending();
        return;
    }
    if (!state.finished) {
        state.finished = true;
        progress_.lost.fetch_add(1);
    }
    if (options_.mode == Mode::broadcast && !is_receiver(link.index()) && state.sent < options_.messages) {
        progress_.senders_done.fetch_add(1);  // it will send no more
    }
    progress_.record_error(reason);
}

void Worker::on_message(Link& link, std::string_view message) {
    LinkState& state = states_[link.index()];
    switch (options_.mode) {
    case Mode::echo: echo_receive(link, state, message); break;
    case Mode::broadcast:
        if (!state.ready) {
            const bool joined =
                options_.join == JoinRule::probe
                    ? is_receiver(link.index()) && message.find(probe_) != std::string_view::npos
                    : message.find(options_.ready_marker) != std::string_view::npos;
            if (joined) mark_ready(state);
        }
        if (is_receiver(link.index())) broadcast_receive(state, message);
        break;
    case Mode::idle:
    case Mode::connect:
        break;  // whatever the server says (lesson 05's hello, lesson 02's welcome) is not counted
    }
}

void Worker::mark_ready(LinkState& state) {
    state.ready = true;
    progress_.ready.fetch_add(1);
    progress_.notify();
}

void Worker::finish(LinkState& state) {
    state.finished = true;
    progress_.finished.fetch_add(1);
    progress_.notify();
}

// ---- sending -------------------------------------------------------------------------------

void Worker::go() {
    asio::post(io_, [this] {
        for (auto& link : links_) {
            if (!link->is_open()) continue;
            LinkState& state = states_[link->index()];
            if (options_.mode == Mode::echo) {
                const std::size_t first = std::min(options_.window, options_.messages);
                for (std::size_t i = 0; i < first; ++i) echo_send(*link, state);
            } else if (options_.mode == Mode::broadcast && !is_receiver(link->index())) {
                if (options_.rate > 0) {
                    state.next_send_ns = now_nanos();
                    sender_pace(link->index());
                } else {
                    while (state.sent < options_.messages) sender_send(*link, state);
                }
            }
        }
    });
}

void Worker::send_probe() {
    asio::post(io_, [this] {
        const std::size_t first_sender = options_.connections;
        if (first_sender % threads_ != id_) return;  // it lives on another thread
        const std::size_t local = first_sender / threads_;
        if (local < links_.size() && links_[local]->is_open()) links_[local]->send(probe_);
    });
}

void Worker::echo_send(Link& link, LinkState& state) {
    state.times[state.sent % options_.window] = now_nanos();
    ++state.sent;
    ++counters_.sent;
    link.send(payload_);
}

void Worker::echo_receive(Link& link, LinkState& state, std::string_view message) {
    const bool wrapped = options_.reply_contains;
    if (wrapped && message.find(payload_) == std::string_view::npos) return;  // not a reply
    if (state.received >= state.sent) {                                       // a reply to nothing we sent
        ++counters_.bad;
        return;
    }
    // TCP and one connection keep order: this reply answers the oldest message in flight.
    latency_.record(now_nanos() - state.times[state.received % options_.window]);
    if (!wrapped && message != payload_) ++counters_.bad;
    ++state.received;
    ++counters_.received;
    if (state.sent < options_.messages) echo_send(link, state);
    if (state.received == options_.messages) {
        finish(state);
        link.stop();  // hang up: lesson 01's server serves one client at a time, the next one waits
    }
}

void Worker::sender_send(Link& link, LinkState& state) {
    const auto sender = static_cast<std::uint32_t>(global_index(link.index()) - options_.connections);
    message_.clear();
    append_token(message_, Token{options_.run_id, sender, state.sent, now_nanos()});
    if (message_.size() < options_.size) message_.append(options_.size - message_.size(), '.');
    link.send(message_);
    ++state.sent;
    ++counters_.sent;
    if (state.sent == options_.messages) {
        progress_.senders_done.fetch_add(1);
        progress_.notify();
    }
}

// Sends what is due at --rate (shared by the senders) and sleeps until the next one is.
// Due times advance by a fixed interval, so a late wake-up catches up instead of drifting.
void Worker::sender_pace(std::size_t local) {
    Link& link = *links_[local];
    LinkState& state = states_[local];
    if (!link.is_open()) return;
    const auto interval =
        static_cast<std::uint64_t>(1e9 * static_cast<double>(options_.senders) / options_.rate);
    const std::uint64_t now = now_nanos();
    while (state.sent < options_.messages && state.next_send_ns <= now) {
        sender_send(link, state);
        state.next_send_ns += interval;
    }
    if (state.sent >= options_.messages) return;
    if (!state.pacer) state.pacer = std::make_unique<asio::steady_timer>(io_);
    state.pacer->expires_at(
        std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::nanoseconds(state.next_send_ns))));
    state.pacer->async_wait([this, local](const std::error_code& ec) {
        if (!ec) sender_pace(local);
    });
}

// ---- receiving broadcast tokens ------------------------------------------------------------

void Worker::broadcast_receive(LinkState& state, std::string_view message) {
    std::uint64_t now = 0;
    std::size_t from = 0;
    while (const auto token = find_token(message, options_.run_id, from)) {
        const Receipts::Outcome outcome = state.receipts.record(token->sender, token->seq);
        if (outcome == Receipts::Outcome::unknown) {
            ++counters_.bad;
            continue;
        }
        ++counters_.received;
        if (outcome == Receipts::Outcome::duplicate) {
            ++counters_.duplicates;
            continue;
        }
        if (outcome == Receipts::Outcome::out_of_order) ++counters_.out_of_order;
        ++counters_.unique;
        if (now == 0) now = now_nanos();
        latency_.record(now > token->nanos ? now - token->nanos : 0);
        if (state.receipts.complete()) finish(state);
    }
    if (now != 0 && now - last_receipt_stored_ > 1'000'000) {  // at most once a millisecond per thread
        last_receipt_stored_ = now;
        progress_.last_receipt_ns.store(static_cast<std::int64_t>(now), std::memory_order_relaxed);
    }
}

}  // namespace lesson06
