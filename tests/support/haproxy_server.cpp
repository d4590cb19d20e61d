#include "tests/support/haproxy_server.hpp"

#include "tests/support/test_socket.hpp"

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace course::testing {

namespace {

constexpr auto exit_check = std::chrono::milliseconds(5);  // between two looks at /proc

// The inodes of the TCP sockets listening on `port`, from one /proc/net/tcp* table.
void listening_inodes(const char* table, std::uint16_t port, std::set<std::string>& inodes) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        std::istringstream fields(line);
        std::string sl, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        fields >> sl >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
        const auto colon = local.rfind(':');
        if (state != "0A" || colon == std::string::npos) continue;  // 0A: LISTEN
        if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) inodes.insert(inode);
    }
}

}  // namespace

std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values) {
    std::string out;
    std::size_t at = 0;
    for (;;) {
        const std::size_t open = text.find("${", at);
        if (open == std::string::npos) break;
        const std::size_t close = text.find('}', open);
        if (close == std::string::npos) throw std::runtime_error("template: '${' without '}'");
        const std::string name = text.substr(open + 2, close - open - 2);
        const auto value = values.find(name);
        if (value == values.end()) throw std::runtime_error("template: no value for ${" + name + "}");
        out += text.substr(at, open - at) + value->second;
        at = close + 1;
    }
    return out + text.substr(at);
}

bool listens_on(pid_t pid, std::uint16_t port) {
    std::set<std::string> inodes;
    listening_inodes("/proc/net/tcp", port, inodes);
    listening_inodes("/proc/net/tcp6", port, inodes);
    if (inodes.empty()) return false;
    std::error_code error;
    for (const auto& fd :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
        const auto target = std::filesystem::read_symlink(fd.path(), error).string();
        // "socket:[12345]"
        if (target.rfind("socket:[", 0) == 0 && inodes.count(target.substr(8, target.size() - 9)) > 0)
            return true;
    }
    return false;
}

HaproxyServer::HaproxyServer(std::string config_template, std::map<std::string, std::string> values,
                             std::chrono::milliseconds timeout) {
    if (::access(binary, X_OK) != 0) {
        throw std::runtime_error(std::string(binary) + " not found: run scripts/setup lesson08");
    }
    if (values.count("FRONTEND_PORT") == 0) values["FRONTEND_PORT"] = std::to_string(unused_tcp_port());
    port_ = static_cast<std::uint16_t>(std::stoul(values.at("FRONTEND_PORT")));
    config_ = fill_template(config_template, values);
    const std::string path = dir_.path() + "/haproxy.cfg";
    std::ofstream(path) << config_;

    // -db: foreground, logs on stderr. No -W (master-worker): one process, the one we end.
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{binary, "-f", path, "-db"});
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!listens_on(process_->pid(), port_)) {
        // Waiting for its exit is the pause between two looks: a refused configuration ends
        // the wait at once.
        if (process_->wait(exit_check)) {
            throw std::runtime_error("haproxy exited; its configuration:\n" + config_ + "its stderr:\n" +
                                     process_->stderr_text());
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw std::runtime_error("haproxy did not listen on port " + std::to_string(port_) +
                                     " in time; its stderr:\n" + process_->stderr_text());
        }
    }
}

HaproxyServer::~HaproxyServer() = default;  // ChildProcess kills and reaps it, TempDir removes the config

std::string HaproxyServer::tcp_proxy_template() {
    return R"(global
    nbthread 1
    maxconn 256

defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s

frontend front
    bind 127.0.0.1:${FRONTEND_PORT}
    default_backend back

backend back
    server only 127.0.0.1:${BACKEND_PORT}
)";
}

}  // namespace course::testing
