#pragma once
// A real HAProxy (Debian's /usr/sbin/haproxy) for a test: its configuration is written from a
// template into a temporary directory and it runs in the foreground (`haproxy -f CFG -db`),
// with no daemon, no chroot, no system log and no stats socket of the machine's. It is ready
// when the constructor returns (it listens on its frontend port), and the destructor always
// ends it, even when the test failed.
//
// The template names values as ${NAME}, which is also how HAProxy itself reads environment
// variables, so one template serves the tests (which substitute) and a script (which exports
// FRONTEND_PORT=... and lets HAProxy expand "${FRONTEND_PORT}"). FRONTEND_PORT is filled with a
// free port unless given; every other ${NAME} must be in `values`.

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace course::testing {

class HaproxyServer {
public:
    static constexpr const char* binary = "/usr/sbin/haproxy";

    // Throws if the binary is missing (naming scripts/setup lesson08), a ${NAME} has no value,
    // HAProxy refuses the configuration (with its error) or does not listen in time.
    explicit HaproxyServer(std::string config_template, std::map<std::string, std::string> values = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~HaproxyServer();
    HaproxyServer(const HaproxyServer&) = delete;
    HaproxyServer& operator=(const HaproxyServer&) = delete;

    std::string host() const { return "127.0.0.1"; }
    std::uint16_t port() const noexcept { return port_; }  // FRONTEND_PORT
    const std::string& config() const noexcept { return config_; }
    ChildProcess& process() { return *process_; }

    // A TCP proxy: 127.0.0.1:${FRONTEND_PORT} to one server, 127.0.0.1:${BACKEND_PORT}, in
    // `mode tcp`, without health checks (each would be a connection the backend sees).
    static std::string tcp_proxy_template();

private:
    TempDir dir_{"course-haproxy"};
    std::uint16_t port_ = 0;
    std::string config_;
    std::unique_ptr<ChildProcess> process_;
};

// Replaces each ${NAME} in `text` by values.at(NAME); throws naming a NAME without a value.
std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values);

// True if process `pid` has a TCP socket listening on `port`: /proc/net/tcp and tcp6 list the
// listening sockets, /proc/PID/fd which of them are its own. No connection is made (a probe
// through a proxy would reach its backend, which would see a client that is not the test's).
bool listens_on(pid_t pid, std::uint16_t port);

}  // namespace course::testing
