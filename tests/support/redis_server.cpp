#include "tests/support/redis_server.hpp"

#include "tests/support/test_socket.hpp"

#include <unistd.h>
#include <csignal>
#include <stdexcept>
#include <utility>

namespace course::testing {

namespace {

constexpr int port_attempts = 3;  // a free port can be taken between our check and its bind

// Redis' request format (RESP): an array of bulk strings, each with its length.
std::string encode_command(const std::vector<std::string>& argv) {
    std::string out = "*" + std::to_string(argv.size()) + "\r\n";
    for (const auto& arg : argv) out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
    return out;
}

}  // namespace

RedisServer::RedisServer(std::vector<std::string> extra_args, std::chrono::milliseconds timeout)
    : extra_args_(std::move(extra_args)), timeout_(timeout) {
    if (::access(binary, X_OK) != 0) {
        throw std::runtime_error(std::string(binary) + " not found: run scripts/setup lesson08");
    }
    for (int attempt = 0; attempt < port_attempts; ++attempt) {
        port_ = unused_tcp_port();
        if (launch(timeout_)) return;
    }
    throw std::runtime_error("redis-server found no free port in " + std::to_string(port_attempts) +
                             " tries; its log:\n" + log_);
}

RedisServer::~RedisServer() = default;  // ChildProcess kills and reaps it, TempDir removes its files

bool RedisServer::launch(std::chrono::milliseconds timeout) {
    // Each a command line setting, "--name value", as in redis.conf.
    const std::vector<std::pair<std::string, std::string>> settings{
        {"port", std::to_string(port_)},
        {"bind", "127.0.0.1"},
        {"protected-mode", "yes"},
        {"daemonize", "no"},  // stays our child, which the destructor ends
        {"supervised", "no"},
        {"save", ""},                       // no snapshots...
        {"appendonly", "no"},               // ...and no append-only file
        {"dir", dir_.path()},               // whatever it writes stays in its own directory
        {"logfile", ""},                    // log to stdout, which we read
        {"enable-debug-command", "local"},  // DEBUG SLEEP, for stalls
    };
    std::vector<std::string> argv{binary};
    for (const auto& [name, value] : settings) {
        argv.push_back("--" + name);
        argv.push_back(value);
    }
    argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
    process_ = std::make_unique<ChildProcess>(std::move(argv));
    log_ += "---- redis-server --port " + std::to_string(port_) + " ----\n";
    const std::size_t log_start = log_.size();

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const auto line = left > std::chrono::milliseconds::zero() ? process_->read_line(left) : std::nullopt;
        if (!line) {
            const bool exited = process_->wait(std::chrono::milliseconds(200)).has_value();
            if (exited && log_.find("Address already in use", log_start) != std::string::npos) return false;
            throw std::runtime_error(std::string("redis-server on port ") + std::to_string(port_) +
                                     (exited ? " exited" : " was not ready in time") + "; its log:\n" + log_ +
                                     process_->stderr_text());
        }
        log_ += *line + "\n";
        if (line->find("Ready to accept connections") != std::string::npos) break;
    }
    running_ = true;
    const std::string pong = command_line({"PING"});
    if (pong != "+PONG") throw std::runtime_error("redis-server answered PING with '" + pong + "'");
    return true;
}

pid_t RedisServer::pid() const { return process_->pid(); }

void RedisServer::kill() {
    if (!running_) return;
    process_->send_signal(SIGKILL);
    wait_exit();
}

void RedisServer::stop() {
    if (!running_) return;
    process_->send_signal(SIGTERM);
    process_->send_signal(SIGCONT);  // a paused server handles its SIGTERM only once resumed
    wait_exit();
}

void RedisServer::wait_exit() {
    if (!process_->wait(std::chrono::seconds(10))) {
        process_->send_signal(SIGKILL);
        process_->wait(std::chrono::seconds(10));
    }
    running_ = false;
}

void RedisServer::restart() {
    kill();
    if (!launch(timeout_)) {
        throw std::runtime_error("redis-server could not listen on port " + std::to_string(port_) +
                                 " again (taken meanwhile); its log:\n" + log_);
    }
}

void RedisServer::pause() { process_->send_signal(SIGSTOP); }

void RedisServer::resume() { process_->send_signal(SIGCONT); }

std::string RedisServer::command_line(const std::vector<std::string>& argv,
                                      std::chrono::milliseconds timeout) const {
    TestSocket socket = TestSocket::connect(port_);
    socket.send_all(encode_command(argv));
    std::string line = socket.read_line(timeout).value_or("");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string RedisServer::log() const { return log_ + (process_ ? process_->stderr_text() : ""); }

}  // namespace course::testing
