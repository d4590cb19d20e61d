#include "tests/lesson02/chat_peer.hpp"

#include <gtest/gtest.h>

#include <exception>
#include <stdexcept>

using namespace std::chrono_literals;

namespace lesson02::testing {

std::thread checked_thread(std::function<void()> body) {
    return std::thread([body = std::move(body)] {
        try {
            body();
        } catch (const std::exception& error) {
            ADD_FAILURE() << error.what();
        }
    });
}

ServerThread::ServerThread(ChatServerConfig config)
    : log_(course::LogLevel::quiet),
      server_(io_, {asio::ip::make_address("127.0.0.1"), 0}, config, log_, stop_),
      port_(server_.local_endpoint().port()),
      running_(std::async(std::launch::async, [this] { server_.run(); })) {}

ServerThread::~ServerThread() { stop(60s); }

bool ServerThread::stop(std::chrono::milliseconds timeout) {
    if (!running_.valid()) return true;
    stop_.request();
    if (running_.wait_for(timeout) != std::future_status::ready) return false;
    running_.get();
    return true;
}

ChatPeer ChatPeer::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
    ChatPeer peer(course::testing::TestSocket::connect(port));
    const std::string welcome = peer.line(timeout);
    if (welcome.rfind("* welcome!", 0) != 0) throw std::runtime_error("unexpected first line: " + welcome);
    return peer;
}

ChatPeer ChatPeer::join(std::uint16_t port, const std::string& name, std::chrono::milliseconds timeout) {
    ChatPeer peer = connect(port, timeout);
    peer.send_line(name);
    peer.skip_until("* you are " + name, timeout);
    return peer;
}

std::string ChatPeer::line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto newline = pending_.find('\n', offset_);
        if (newline != std::string::npos) {
            std::string line = pending_.substr(offset_, newline - offset_);
            offset_ = newline + 1;
            return line;
        }
        pending_.erase(0, offset_);  // once per read, not once per line
        offset_ = 0;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            throw std::runtime_error("timed out waiting for a line; have '" + pending_ + "'");
        }
        const std::string more = socket_.read_some(left);  // throws on timeout
        if (more.empty()) throw std::runtime_error("the server closed the connection");
        pending_ += more;
    }
}

std::string ChatPeer::chat_line(std::chrono::milliseconds timeout) {
    for (;;) {
        std::string next = line(timeout);
        if (next.rfind("* ", 0) != 0) return next;
    }
}

void ChatPeer::skip_until(std::string_view expected, std::chrono::milliseconds timeout) {
    while (line(timeout) != expected) {
    }
}

}  // namespace lesson02::testing
