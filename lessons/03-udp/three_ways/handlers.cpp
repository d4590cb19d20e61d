// Style 2, completion handlers: every job runs on the one thread that calls io.run(). A job
// cannot wait in the middle of a function, so each step ends by starting an operation and
// naming the member function that goes on when it completes (do_x starts, on_x goes on):
//   start -> async_send_to -> on_sent -> async_receive_from -> on_receive (-> receive again)
//                                     -> the deadline timer  -> on_deadline
// What a job must remember between steps lives in a HandlerJob on the heap, kept alive by
// the shared_ptr each pending handler holds (shared_from_this): when the last handler has
// run, the job is freed. Whichever of reply and deadline comes first finishes the job and
// cancels the other, whose handler then runs with operation_aborted.
#include "stop_listener.hpp"
#include "styles.hpp"

#include <array>
#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <memory>

namespace lesson03::three_ways {

namespace {

using asio::ip::udp;
using std::chrono::steady_clock;

struct HandlerRun {  // what all the jobs of one run share; one thread, no lock
    const JobPlan& plan;
    PeakProbe& probe;
    StopListener& stop_listener;  // cancelled when the last job ends, so that run() returns
    std::size_t jobs_left;
};

class HandlerJob : public std::enable_shared_from_this<HandlerJob> {
public:
    HandlerJob(asio::io_context& io, HandlerRun& run, std::size_t k, JobResult& result)
        : socket_(io), deadline_(io), run_(run), request_(request_for(Style::handlers, k)), result_(result) {}

    void start() {
        result_.thread = std::this_thread::get_id();
        std::error_code ec;
        socket_.open(run_.plan.echo.protocol(), ec);
        if (ec) return finish(Outcome::failed, ec);
        sent_at_ = steady_clock::now();
        socket_.async_send_to(
            asio::buffer(request_), run_.plan.echo,
            [self = shared_from_this()](const std::error_code& error, std::size_t) { self->on_sent(error); });
    }

private:
    enum class State { sending, waiting, done };

    void on_sent(const std::error_code& ec) {
        if (ec) return finish(Outcome::failed, ec);
        state_ = State::waiting;
        run_.probe.job_waiting();
        deadline_.expires_at(sent_at_ + run_.plan.timeout);
        deadline_.async_wait(
            [self = shared_from_this()](const std::error_code& error) { self->on_deadline(error); });
        do_receive();
    }

    void do_receive() {
        socket_.async_receive_from(
            asio::buffer(reply_), from_,
            [self = shared_from_this()](const std::error_code& error, std::size_t length) {
                self->on_receive(error, length);
            });
    }

    void on_receive(const std::error_code& ec, std::size_t length) {
        // operation_aborted: the deadline closed the socket. Check the state too: a reply that
        // completed in the same turn as the deadline is already queued, and cancel() cannot
        // take it back.
        if (ec == asio::error::operation_aborted || state_ == State::done) return;
        if (ec) return finish(Outcome::failed, ec);
        if (!is_reply(run_.plan, from_, {reply_.data(), length}, request_)) {
            ++result_.ignored;
            do_receive();  // the loop of the blocking style, as a chain: start the next receive
            return;
        }
        result_.round_trip =
            std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - sent_at_);
        finish(Outcome::replied);
    }

    void on_deadline(const std::error_code& ec) {
        if (ec == asio::error::operation_aborted || state_ == State::done) return;  // the reply came first
        finish(Outcome::timed_out);
    }

    void finish(Outcome outcome, const std::error_code& ec = {}) {
        const bool was_waiting = state_ == State::waiting;
        state_ = State::done;
        result_.outcome = outcome;
        if (ec) result_.error = ec.message();
        deadline_.cancel();  // its pending handler runs with operation_aborted
        std::error_code ignored;
        socket_.close(ignored);  // so does a pending receive
        run_.probe.job_done(was_waiting);
        if (--run_.jobs_left == 0) run_.stop_listener.cancel();
    }

    udp::socket socket_;
    asio::steady_timer deadline_;
    HandlerRun& run_;
    const std::string request_;
    std::array<char, reply_capacity> reply_{};
    udp::endpoint from_;  // filled in by async_receive_from
    steady_clock::time_point sent_at_{};
    State state_ = State::sending;
    JobResult& result_;
};

}  // namespace

void run_handlers(const JobPlan& plan, std::span<JobResult> results, PeakProbe& probe,
                  const course::StopEvent& stop) {
    if (results.empty()) return;
    asio::io_context io;  // run by this thread alone, below: the jobs need no lock
    StopListener stop_listener(io, stop);
    HandlerRun run{plan, probe, stop_listener, results.size()};
    // A stop request ends run() at once; the handlers still pending are destroyed, not called,
    // and with them the last shared_ptrs to their jobs, which close their sockets.
    stop_listener.async_wait([&io] { io.stop(); });
    for (std::size_t k = 0; k < results.size(); ++k) {
        std::make_shared<HandlerJob>(io, run, k, results[k])->start();  // the handlers keep it alive
    }
    io.run();  // returns when nothing is pending: every job has ended and the listener is cancelled
}

}  // namespace lesson03::three_ways
