// Style 1, blocking: one thread per job. The job reads top to bottom, like lesson 01's client,
// and while it waits, its thread waits with it: 1,000 jobs in flight are 1,000 threads, each
// with its own stack (8 MiB of address space), its own kernel task, and a context switch each
// time it wakes. Nothing is shared between the jobs, so nothing needs a lock.
#include "styles.hpp"

#include "common/fd_wait.hpp"

#include <array>
#include <asio/io_context.hpp>
#include <system_error>
#include <thread>
#include <vector>

namespace lesson03::three_ways {

namespace {

using asio::ip::udp;
using std::chrono::steady_clock;

JobResult failure(const std::string& what) {
    JobResult result;
    result.outcome = Outcome::failed;
    result.error = what;
    return result;
}

// After the request is sent: the replies until ours, or the deadline, or a stop request.
JobResult wait_for_reply(const JobPlan& plan, udp::socket& socket, const std::string& request,
                         steady_clock::time_point sent_at, const course::StopEvent& stop) {
    JobResult result;
    std::array<char, reply_capacity> reply{};
    udp::endpoint from;
    const auto deadline = sent_at + plan.timeout;
    for (;;) {  // each turn waits only for what is left before the deadline
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady_clock::now());
        const auto wait = course::wait_readable(socket.native_handle(), stop,
                                                std::max(left, std::chrono::milliseconds::zero()));
        if (wait != course::WaitResult::ready) {
            result.outcome = wait == course::WaitResult::timed_out ? Outcome::timed_out : Outcome::stopped;
            return result;
        }
        std::error_code ec;
        const std::size_t length = socket.receive_from(asio::buffer(reply), from, 0, ec);  // ready: no wait
        if (ec) return failure("receive: " + ec.message());
        if (is_reply(plan, from, {reply.data(), length}, request)) {
            result.outcome = Outcome::replied;
            result.round_trip =
                std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - sent_at);
            return result;
        }
        ++result.ignored;  // not ours: keep waiting
    }
}

JobResult blocking_job(asio::io_context& io, const JobPlan& plan, std::size_t k, PeakProbe& probe,
                       const course::StopEvent& stop) {
    udp::socket socket(io);
    std::error_code ec;
    socket.open(plan.echo.protocol(), ec);
    const std::string request = request_for(Style::blocking, k);
    const auto sent_at = steady_clock::now();
    if (!ec) socket.send_to(asio::buffer(request), plan.echo, 0, ec);  // returns once the kernel has it
    if (ec) {
        probe.job_done(false);
        return failure(ec.message());
    }
    probe.job_waiting();
    JobResult result = wait_for_reply(plan, socket, request, sent_at, stop);
    probe.job_done(true);
    return result;
}

}  // namespace

void run_blocking(const JobPlan& plan, std::span<JobResult> results, PeakProbe& probe,
                  const course::StopEvent& stop) {
    asio::io_context io;  // the sockets need one; nobody runs it: every wait is poll()
    std::vector<std::jthread> threads;
    threads.reserve(results.size());
    for (std::size_t k = 0; k < results.size() && !stop.requested(); ++k) {
        try {
            threads.emplace_back([&, k] {
                results[k] = blocking_job(io, plan, k, probe, stop);
                results[k].thread = std::this_thread::get_id();
            });
        } catch (const std::system_error& e) {  // no more threads: ulimit -u, or memory
            for (; k < results.size(); ++k) {
                results[k] = failure(std::string("cannot start a thread: ") + e.what());
                probe.job_done(false);
            }
        }
    }
}  // each std::jthread joins here: every job ends by its deadline, or at once on a stop request

}  // namespace lesson03::three_ways
