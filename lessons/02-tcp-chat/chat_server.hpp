#pragma once
// Lesson 02: a threaded TCP chat server. Every line a client sends goes to every other client.
//
// One thread accepts (run()); each client gets a Session with a reader and a writer thread;
// one more thread, the reaper, joins the threads of sessions that have ended, so a long-running
// server does not collect dead threads. The Room is the only state the sessions share.
//
// Stopping: request the StopEvent given to the constructor (SIGINT/SIGTERM/SIGHUP do that in main).
// run() then stops accepting, every session tells its client "* server shutting down" and
// closes, and run() returns once every thread has been joined.

#include "common/logger.hpp"
#include "common/stop_event.hpp"
#include "room.hpp"
#include "session.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace lesson02 {

struct ChatServerConfig {
    std::size_t max_clients = 1024;  // connections at once; one more is told "server full"
    SessionConfig session;
};

class ChatServer {
public:
    // Binds and listens at once, so a port already in use is reported here, before run().
    ChatServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, ChatServerConfig config,
               course::Logger& log, const course::StopEvent& stop);
    ~ChatServer();
    ChatServer(const ChatServer&) = delete;
    ChatServer& operator=(const ChatServer&) = delete;

    asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

    // Accepts clients until stop is requested, then waits for all of them to be closed.
    void run();

    std::size_t client_count() const;  // connected clients, named or not
    const Room& room() const noexcept { return room_; }

private:
    void accept_one();
    void reap();
    void on_session_finished(MemberId id);

    asio::ip::tcp::acceptor acceptor_;
    const ChatServerConfig config_;
    course::Logger& log_;
    const course::StopEvent& stop_;    // ends the accept loop
    course::StopEvent sessions_stop_;  // ends every session: requested when run() leaves the loop
    Room room_;
    MemberId next_id_ = 1;         // accept thread only
    bool accept_failing_ = false;  // accept thread only: log a run of failures once

    mutable std::mutex mutex_;
    std::condition_variable finished_changed_;
    std::map<MemberId, std::unique_ptr<Session>> sessions_;  // guarded by mutex_
    std::vector<MemberId> finished_;                         // guarded by mutex_: to be joined
    bool accepting_ = true;                                  // guarded by mutex_
};

}  // namespace lesson02
