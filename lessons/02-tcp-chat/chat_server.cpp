#include "chat_server.hpp"

#include "common/endpoint.hpp"
#include "common/fd_wait.hpp"
#include "common/listener.hpp"
#include "common/socket_io.hpp"
#include "protocol.hpp"

#include <asio/socket_base.hpp>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

namespace lesson02 {

namespace {

constexpr std::chrono::milliseconds accept_error_pause{100};  // before accepting again after an error

}  // namespace

ChatServer::ChatServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, ChatServerConfig config,
                       course::Logger& log, const course::StopEvent& stop)
    : acceptor_(course::open_tcp_listener(io, endpoint)), config_(config), log_(log), stop_(stop) {}

ChatServer::~ChatServer() {
    // run() joins every session before it returns; this is for a server destroyed without
    // having run, or if joining threw.
    sessions_stop_.request();
    std::map<MemberId, std::unique_ptr<Session>> left;
    {
        const std::lock_guard lock(mutex_);
        left.swap(sessions_);
    }
    left.clear();  // ~Session joins its threads, which end because sessions_stop_ is set
}

void ChatServer::run() {
    std::thread reaper([this] { reap(); });
    std::exception_ptr failure;
    try {
        while (course::wait_readable(acceptor_.native_handle(), stop_, course::no_timeout) !=
               course::WaitResult::stopped) {
            accept_one();
        }
    } catch (...) {
        failure = std::current_exception();  // rethrown below, once every thread is joined
    }
    // The sessions wait on our own stop event, not the caller's: requested here whatever ended
    // the loop, so no thread outlives run(). Every reader wakes, says goodbye to its client and
    // ends its session; the reaper joins them all and returns when none is left.
    sessions_stop_.request();
    {
        const std::lock_guard lock(mutex_);
        accepting_ = false;
        log_.info("stopping: closing ", sessions_.size(), " client(s)");
    }
    finished_changed_.notify_all();
    reaper.join();
    std::error_code ec;
    acceptor_.close(ec);
    if (failure) std::rethrow_exception(failure);
}

void ChatServer::accept_one() {
    asio::ip::tcp::socket socket(acceptor_.get_executor());
    std::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec) {
        // E.g. the client gave up before we got to it, or we are out of file descriptors. In
        // the second case the listening socket stays readable, so retrying at once would spin
        // at 100% CPU: pause a little (or until stop is requested) first.
        if (!accept_failing_) log_.info("accept failed: ", ec.message(), " (retrying every 100 ms)");
        accept_failing_ = true;
        course::wait_readable(stop_.fd(), stop_, accept_error_pause);
        return;
    }
    if (std::exchange(accept_failing_, false)) log_.info("accepting again");
    const std::lock_guard lock(mutex_);
    if (sessions_.size() >= config_.max_clients) {
        // Refuse politely, and without waiting: one non-blocking try, then close.
        const std::string full = protocol::error("server full (" + std::to_string(config_.max_clients) +
                                                 " clients); try again later");
        socket.non_blocking(true, ec);
        socket.write_some(asio::buffer(full), ec);
        log_.info("refused ", course::format_endpoint(socket.remote_endpoint(ec)), ": server full");
        return;
    }
    const MemberId id = next_id_++;
    try {
        auto session =
            std::make_unique<Session>(id, std::move(socket), room_, config_.session, log_, sessions_stop_);
        Session& added = *sessions_.emplace(id, std::move(session)).first->second;
        // Started under the lock, so its on_finished (which takes the lock) cannot run before
        // start() has stored the thread handles the reaper will join.
        added.start([this](MemberId finished) { on_session_finished(finished); });
    } catch (const std::system_error& error) {
        // Out of threads (ulimit -u, memory for stacks) or descriptors: refuse this client,
        // keep serving the others. Destroying the session closes its socket.
        log_.info("cannot start client #", id, ": ", error.what(), "; closing it");
        sessions_.erase(id);
    }
}

void ChatServer::on_session_finished(MemberId id) {
    const std::lock_guard lock(mutex_);
    finished_.push_back(id);
    finished_changed_.notify_all();
}

void ChatServer::reap() {
    std::unique_lock lock(mutex_);
    for (;;) {
        finished_changed_.wait(lock,
                               [&] { return !finished_.empty() || (!accepting_ && sessions_.empty()); });
        if (finished_.empty()) return;  // stopping, and every session has been joined
        std::vector<std::unique_ptr<Session>> done;
        for (const MemberId id : finished_) {
            const auto found = sessions_.find(id);
            done.push_back(std::move(found->second));
            sessions_.erase(found);
        }
        finished_.clear();
        lock.unlock();
        done.clear();  // ~Session joins the reader thread, which has just called on_finished
        lock.lock();
    }
}

std::size_t ChatServer::client_count() const {
    const std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace lesson02
