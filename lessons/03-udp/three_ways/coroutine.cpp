// Style 3, coroutines: every job runs on the one thread that calls io.run(), like the handler
// style, and reads top to bottom, like the blocking style. Each co_await suspends the job:
// its local variables stay in its coroutine frame on the heap, the thread goes on with other
// jobs, and the job resumes when the operation completes. No class, no shared_from_this: the
// frame lives until the coroutine returns. `a || b` (asio's experimental awaitable operators)
// waits for the first of two operations and cancels the other: the reply or the deadline.
#include "stop_listener.hpp"
#include "styles.hpp"

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

namespace lesson03::three_ways {

namespace {

using asio::ip::udp;
using asio::experimental::awaitable_operators::operator||;
using std::chrono::steady_clock;

// Errors come back as values, (error_code, result), instead of as exceptions.
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

asio::awaitable<void> coroutine_job(const JobPlan& plan, std::size_t k, PeakProbe& probe, JobResult& result) {
    result.thread = std::this_thread::get_id();
    const auto executor = co_await asio::this_coro::executor;
    udp::socket socket(executor);
    std::error_code ec;
    socket.open(plan.echo.protocol(), ec);
    const std::string request = request_for(Style::coroutine, k);
    const auto sent_at = steady_clock::now();
    if (!ec)
        std::tie(ec, std::ignore) = co_await socket.async_send_to(asio::buffer(request), plan.echo, as_tuple);
    if (ec) {
        result.outcome = Outcome::failed;
        result.error = ec.message();
        probe.job_done(false);
        co_return;
    }
    probe.job_waiting();
    asio::steady_timer deadline(executor, sent_at + plan.timeout);
    std::array<char, reply_capacity> reply{};
    udp::endpoint from;
    for (;;) {  // each turn ends with a datagram or at the deadline, which does not move
        auto first = co_await (socket.async_receive_from(asio::buffer(reply), from, as_tuple) ||
                               deadline.async_wait(as_tuple));
        if (first.index() == 1) {  // the deadline won; the receive was cancelled
            result.outcome = Outcome::timed_out;
            break;
        }
        const auto [error, length] = std::get<0>(first);
        if (error) {
            result.outcome = Outcome::failed;
            result.error = error.message();
            break;
        }
        if (is_reply(plan, from, {reply.data(), length}, request)) {
            result.outcome = Outcome::replied;
            result.round_trip =
                std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - sent_at);
            break;
        }
        ++result.ignored;  // not ours: wait again
    }
    probe.job_done(true);
}  // the frame, with the socket and the timer in it, is freed here

}  // namespace

void run_coroutine(const JobPlan& plan, std::span<JobResult> results, PeakProbe& probe,
                   const course::StopEvent& stop) {
    if (results.empty()) return;
    asio::io_context io;  // run by this thread alone, below
    StopListener stop_listener(io, stop);
    // A stop request ends run() at once; the suspended coroutines are destroyed with io, frames
    // and all, without being resumed.
    stop_listener.async_wait([&io] { io.stop(); });
    std::size_t jobs_left = results.size();
    for (std::size_t k = 0; k < results.size(); ++k) {
        // co_spawn starts the coroutine on io; the lambda is its completion handler, run once it
        // has returned (or thrown: then with the exception).
        asio::co_spawn(io, coroutine_job(plan, k, probe, results[k]),
                       [&, k](const std::exception_ptr& error) {
                           if (error) {
                               try {
                                   std::rethrow_exception(error);
                               } catch (const std::exception& e) {
                                   results[k].outcome = Outcome::failed;
                                   results[k].error = e.what();
                               }
                           }
                           if (--jobs_left == 0) stop_listener.cancel();
                       });
    }
    io.run();  // returns when nothing is pending: every job has ended and the listener is cancelled
}

}  // namespace lesson03::three_ways
