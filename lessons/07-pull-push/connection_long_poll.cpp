// Long polling: a GET /events?after=ID&wait=S with nothing to answer yet is held in the
// WaiterSet until an event after ID is published (publish() wakes it), S seconds pass, or the
// client leaves. Then it is answered like a short poll, and the connection goes on with its
// next request.
#include "connection.hpp"

#include "feed/event_log.hpp"

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace lesson07 {

using asio::awaitable;
using asio::experimental::awaitable_operators::operator||;
using asio::ip::tcp;

namespace {

constexpr std::size_t max_poll_events = 1000;     // as a short poll
constexpr std::size_t max_pipelined = 64 * 1024;  // bytes of later requests kept while waiting

}  // namespace

awaitable<void> Connection::long_poll(std::optional<std::uint64_t> after, std::chrono::milliseconds wait,
                                      bool keep_alive) {
    FeedServer::State& server = *server_;
    // Without after= the poll waits for the next event.
    std::uint64_t from = after.value_or(server.events.last_id());
    feed::Resume ready = server.events.after(from, max_poll_events);
    if (ready.events.empty() && wait.count() > 0 && !server.stopping) {
        // An id from the future (the server restarted) waits for the next event too.
        if (ready.reset) from = server.events.last_id();
        enter(Phase::long_poll);
        ticket_ = server.waiters.add(from);
        server.waiting[*ticket_] = this;
        wakeup_.expires_after(wait);
        std::error_code ec;
        // Whichever ends first: the timer (the wait is over, or wake() or stop() cancelled it),
        // or the watch on the socket (the client left). The other is cancelled.
        co_await (wakeup_.async_wait(asio::redirect_error(asio::use_awaitable, ec)) || watch_for_departure());
        leave_waiters();
        if (phase_ != Phase::long_poll) co_return;  // dropped meanwhile
        if (departed_) {
            server.log.verbose(label(), ": left during its long poll");
            abort(nullptr);
            co_return;
        }
        enter(Phase::answering);
        ready = server.events.after(from, max_poll_events);
    }
    const auto events = static_cast<std::uint32_t>(ready.events.size());
    respond(feed::json_response(200, feed::events_json_array(ready.events), keep_alive && !server.stopping),
            events);
}

awaitable<void> Connection::watch_for_departure() {
    std::vector<char>& buffer = server_->read_buffer;
    for (;;) {
        std::error_code ec;
        co_await socket_.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;  // cancelled: the wait ended the other way
        const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
        if (ec) {  // end of stream, or a reset: nobody to answer any more
            departed_ = true;
            co_return;
        }
        if (pending_.size() + n > max_pipelined) {
            server_->log.info(label(), ": more than ", max_pipelined, " bytes pipelined behind a long poll");
            departed_ = true;
            co_return;
        }
        pending_.append(buffer.data(), n);  // a pipelined request: answered after this one
    }
}

void Connection::leave_waiters() {
    if (!ticket_) return;
    server_->waiters.remove(*ticket_);
    server_->waiting.erase(*ticket_);
    ticket_.reset();
}

void Connection::wake() {
    ticket_.reset();  // publish() took it out of the WaiterSet and the map
    wakeup_.cancel();
}

}  // namespace lesson07
