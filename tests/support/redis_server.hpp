#pragma once
// A real redis-server (Debian's /usr/bin/redis-server) for a test: on a free loopback port,
// with its own temporary directory, nothing saved to disk, in the foreground, so it never
// touches the machine's own Redis or its files. It is ready when the constructor returns
// (its log said "Ready to accept connections" and it answered PING, both within a deadline),
// and the destructor always ends it (and removes its directory), even when the test failed.
//
// For failure scenarios: kill() ends it at once (SIGKILL, as a crash), stop() asks it to shut
// down (SIGTERM), restart() starts it again on the same port, pause()/resume() freeze and
// thaw it (SIGSTOP/SIGCONT: the connections stay open, nothing answers).

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace course::testing {

class RedisServer {
public:
    static constexpr const char* binary = "/usr/bin/redis-server";

    // `extra_args` go after the course's own ("--maxmemory", "10mb", ...). Throws if the
    // binary is missing (naming scripts/setup lesson08) or the server is not ready in time.
    explicit RedisServer(std::vector<std::string> extra_args = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    std::string host() const { return "127.0.0.1"; }
    std::uint16_t port() const noexcept { return port_; }
    const std::string& dir() const noexcept { return dir_.path(); }
    pid_t pid() const;
    bool running() const noexcept { return running_; }

    void kill();     // SIGKILL, and waits until it is gone
    void stop();     // SIGTERM (a clean shutdown), and waits until it is gone
    void restart();  // kill() if running, then start again on the same port; ready on return
    void pause();    // SIGSTOP: alive, connected, silent
    void resume();   // SIGCONT

    // Sends one command over a new connection and returns the first line of the reply without
    // "\r\n" ("+OK", ":3", "-ERR ...", "$5" for a bulk string); for setup and checks in tests.
    std::string command_line(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

    // What it logged, for a failure's message.
    std::string log() const;

private:
    bool launch(std::chrono::milliseconds timeout);  // false: the port was taken
    void wait_exit();

    std::vector<std::string> extra_args_;
    std::chrono::milliseconds timeout_;
    TempDir dir_{"course-redis"};
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> process_;
    std::string log_;  // the lines read while waiting for readiness
    bool running_ = false;
};

}  // namespace course::testing
