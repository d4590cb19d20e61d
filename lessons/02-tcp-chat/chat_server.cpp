#include "chat_server.hpp"

#include "common/endpoint.hpp"
#include "common/fd_wait.hpp"
#include "common/socket_io.hpp"
#include "protocol.hpp"

#include <asio/socket_base.hpp>
#include <stdexcept>
#include <string>
#include <thread>

namespace lesson02 {

namespace {

asio::ip::tcp::acceptor open_listener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint) {
    asio::ip::tcp::acceptor acceptor(io);
    std::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    // SO_REUSEADDR: restart at once on the same port, even while old connections sit in TIME_WAIT.
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec == asio::error::address_in_use) {
        throw std::runtime_error("cannot listen on " + course::format_endpoint(endpoint) + ": port " +
                                 std::to_string(endpoint.port()) +
                                 " is already in use (another server running? try --port 0)");
    }
    if (ec) throw std::runtime_error("cannot listen on " + course::format_endpoint(endpoint) + ": " + ec.message());
    return acceptor;
}

}  // namespace

ChatServer::ChatServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, ChatServerConfig config,
                       course::Logger& log, const course::StopEvent& stop)
    : acceptor_(open_listener(io, endpoint)), config_(config), log_(log), stop_(stop) {}

ChatServer::~ChatServer() {
    // run() leaves no session behind; this only matters if it threw half-way.
    std::map<MemberId, std::unique_ptr<Session>> left;
    {
        const std::lock_guard lock(mutex_);
        left.swap(sessions_);
    }
    left.clear();  // ~Session joins; its threads end because the stop event is set
}

void ChatServer::run() {
    std::thread reaper([this] { reap(); });
    while (course::wait_readable(acceptor_.native_handle(), stop_, course::no_timeout) !=
           course::WaitResult::stopped) {
        accept_one();
    }
    // Every reader sees the stop event too, says goodbye to its client and ends its session;
    // the reaper joins them all and returns when none is left.
    {
        const std::lock_guard lock(mutex_);
        accepting_ = false;
        log_.info("stopping: closing ", sessions_.size(), " client(s)");
    }
    finished_changed_.notify_all();
    reaper.join();
    std::error_code ec;
    acceptor_.close(ec);
}

void ChatServer::accept_one() {
    asio::ip::tcp::socket socket(acceptor_.get_executor());
    std::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec) {  // e.g. the client gave up before we got to it, or we are out of descriptors
        log_.info("accept failed: ", ec.message());
        return;
    }
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
    auto& session = sessions_[id];
    session = std::make_unique<Session>(id, std::move(socket), room_, config_.session, log_, stop_);
    // Started under the lock, so its on_finished (which takes the lock) cannot run before
    // session->start() has stored the thread handles the reaper will join.
    session->start([this](MemberId finished) { on_session_finished(finished); });
}

void ChatServer::on_session_finished(MemberId id) {
    const std::lock_guard lock(mutex_);
    finished_.push_back(id);
    finished_changed_.notify_all();
}

void ChatServer::reap() {
    std::unique_lock lock(mutex_);
    for (;;) {
        finished_changed_.wait(lock, [&] { return !finished_.empty() || (!accepting_ && sessions_.empty()); });
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
