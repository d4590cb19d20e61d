#include "lossy_chat.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace lesson06::testing {
namespace {

constexpr int poll_ms = 20;  // how often the loop looks at stop_

void send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;  // a test peer that went away: nothing to do
        sent += static_cast<std::size_t>(n);
    }
}

bool every(int n, int count) { return n > 0 && count % n == 0; }

}  // namespace

LossyChat::LossyChat(Faults faults) : faults_(faults) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener_, 64) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        close(listener_);
        throw std::runtime_error("LossyChat: cannot listen on loopback");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
}

LossyChat::~LossyChat() {
    stop_ = true;
    thread_.join();
    close(listener_);
}

void LossyChat::run() {
    struct Client {
        int fd;
        std::string name;  // empty until the first line
        std::string buffer;
    };
    std::vector<Client> clients;
    int chat_lines = 0;
    // A line held back (delay_every): its sender's fd and the relayed text, sent after the next.
    struct Held {
        int from;
        std::string text;
    };
    std::vector<Held> held;
    const auto relay = [&](int from, const std::string& text, int copies) {
        for (const auto& other : clients) {
            if (other.fd == from || other.name.empty()) continue;
            for (int c = 0; c < copies; ++c) send_all(other.fd, text);
        }
    };
    while (!stop_) {
        std::vector<pollfd> fds{{listener_, POLLIN, 0}};
        for (const auto& client : clients) fds.push_back({client.fd, POLLIN, 0});
        if (poll(fds.data(), fds.size(), poll_ms) <= 0) continue;
        if (fds[0].revents & POLLIN) {
            const int fd = accept(listener_, nullptr, nullptr);
            if (fd >= 0) clients.push_back({fd, "", ""});
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Client& client = clients[i - 1];
            char buffer[4096];
            const ssize_t n = recv(client.fd, buffer, sizeof buffer, 0);
            if (n <= 0) continue;  // the load generator hangs up at the end; the destructor cleans up
            client.buffer.append(buffer, static_cast<std::size_t>(n));
            std::size_t end;
            while ((end = client.buffer.find('\n')) != std::string::npos) {
                const std::string line = client.buffer.substr(0, end);
                client.buffer.erase(0, end + 1);
                if (client.name.empty()) {
                    client.name = line;
                    send_all(client.fd, "* you are " + line + "\n");
                    continue;
                }
                ++chat_lines;
                if (every(faults_.drop_every, chat_lines)) continue;
                const std::string text = client.name + ": " + line + "\n";
                if (every(faults_.delay_every, chat_lines)) {
                    held.push_back({client.fd, text});
                    continue;
                }
                relay(client.fd, text, every(faults_.duplicate_every, chat_lines) ? 2 : 1);
                for (const auto& late : held) relay(late.from, late.text, 1);
                held.clear();
            }
        }
    }
    for (const auto& client : clients) close(client.fd);
}

}  // namespace lesson06::testing
