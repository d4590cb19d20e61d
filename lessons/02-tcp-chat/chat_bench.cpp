// 02-chat-bench: measures the chat server by hand (the numbers in README.md). Not a test.
//
//   02-chat-bench --clients 1000 --server-pid PID          joins 1000 idle clients, prints the
//                                                          server's threads and memory, leaves
//   02-chat-bench --clients 50 --senders 5 --lines 2000    fan-out: 5 clients send 2000 lines
//                                                          each, all 50 receive; prints lines/s
//
// One thread, every socket non-blocking, poll() over all of them. Senders keep at most
// `--window` lines ahead of the slowest receiver, so no receiver is dropped for being slow:
// what is measured is the server's delivery rate, not its slow-client policy.

#include "common/cli.hpp"
#include "common/stop_event.hpp"
#include "protocol.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;

struct Client {
    int fd = -1;
    std::string name;
    std::string inbox;    // bytes read, not yet a whole line
    std::string outbox;   // bytes to send
    long chat_lines = 0;  // chat lines received
    bool joined = false;
};

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

int connect_to(const std::string& host, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        throw std::runtime_error("IPv4 literal expected: " + host);
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) fail("connect");
    const int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    return fd;
}

// Reads what is there; counts chat lines; notes the join. False if the server closed.
bool pump_in(Client& client) {
    char buffer[65536];
    const ssize_t n = ::recv(client.fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (n <= 0) return false;
    client.inbox.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t end; (end = client.inbox.find('\n', start)) != std::string::npos; start = end + 1) {
        const std::string_view line(client.inbox.data() + start, end - start);
        const auto parsed = lesson02::protocol::parse_server_line(line);
        if (!parsed) continue;
        if (parsed->kind == lesson02::protocol::ServerLine::Kind::chat) ++client.chat_lines;
        if (parsed->kind == lesson02::protocol::ServerLine::Kind::error) {
            std::cerr << client.name << ": " << line << '\n';
        }
        if (line == "* you are " + client.name) client.joined = true;
    }
    client.inbox.erase(0, start);
    return true;
}

void pump_out(Client& client) {
    if (client.outbox.empty()) return;
    const ssize_t n =
        ::send(client.fd, client.outbox.data(), client.outbox.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0) fail("send");
    client.outbox.erase(0, static_cast<std::size_t>(n));
}

// One round of poll() over every client; false once a stop was requested (Ctrl-C, SIGTERM,
// SIGHUP: the stop event wakes the poll at once). Throws if one was closed or time ran out.
bool poll_all(std::vector<Client>& clients, steady_clock::time_point deadline,
              const course::StopEvent& stop) {
    if (stop.requested()) return false;
    if (steady_clock::now() > deadline) throw std::runtime_error("timed out");
    std::vector<pollfd> fds;
    fds.reserve(clients.size() + 1);
    for (const auto& c : clients)
        fds.push_back({c.fd, static_cast<short>(POLLIN | (c.outbox.empty() ? 0 : POLLOUT)), 0});
    fds.push_back({stop.fd(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) fail("poll");
    if (stop.requested()) return false;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        if (fds[i].revents & POLLOUT) pump_out(clients[i]);
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && !pump_in(clients[i])) {
            throw std::runtime_error(clients[i].name + ": the server closed the connection");
        }
    }
    return true;
}

// Threads and memory from /proc/PID/status; context switches summed over /proc/PID/task/*.
struct ServerStatus {
    std::string threads, rss, vm_size;
    long context_switches = 0;
};

ServerStatus server_status(int pid) {
    ServerStatus result;
    const std::string proc = "/proc/" + std::to_string(pid);
    std::ifstream status(proc + "/status");
    for (std::string line; std::getline(status, line);) {
        const auto start = line.find_first_not_of(" \t", line.find(':') + 1);
        const std::string trimmed = start == std::string::npos ? "" : line.substr(start);
        if (line.rfind("Threads:", 0) == 0) result.threads = trimmed;
        if (line.rfind("VmRSS:", 0) == 0) result.rss = trimmed;
        if (line.rfind("VmSize:", 0) == 0) result.vm_size = trimmed;
    }
    for (const auto& task : std::filesystem::directory_iterator(proc + "/task")) {
        std::ifstream task_status(task.path() / "status");
        for (std::string line; std::getline(task_status, line);) {
            if (line.find("ctxt_switches:") != std::string::npos) {
                result.context_switches += std::stol(line.substr(line.find(':') + 1));
            }
        }
    }
    return result;
}

void print_server_status(const ServerStatus& status) {
    std::cout << "  server: " << status.threads << " threads, RSS " << status.rss << ", virtual "
              << status.vm_size << '\n';
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 02: joins many chat clients and measures the server (by hand, not a test)",
                 "02-chat-bench"};
    course::CommonOptions options;
    options.port = 7002;
    course::add_common_options(app, options, course::Role::client);
    int clients_wanted = 100, senders = 0, lines = 1000, size = 64, window = 50, server_pid = 0;
    milliseconds timeout{120'000};
    app.add_option("--clients,-c", clients_wanted, "clients to join")
        ->capture_default_str()
        ->check(CLI::Range(1, 10000));
    app.add_option("--senders", senders, "clients that send (0: just join, measure, leave)")
        ->check(CLI::Range(0, 10000));
    app.add_option("--lines", lines, "lines each sender sends")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    app.add_option("--size", size, "bytes of text per line")
        ->capture_default_str()
        ->check(CLI::Range(8, 4000));
    app.add_option("--window", window, "lines a sender may be ahead of the slowest receiver")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app.add_option("--server-pid", server_pid,
                   "print this process's threads and memory once all have joined");
    course::add_seconds_option(app, "--timeout", timeout, "give up after this long");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        course::StopEvent stop;
        course::SignalStopper stopper(stop, log);
        senders = std::min(senders, clients_wanted);
        const auto deadline = steady_clock::now() + timeout;
        std::vector<Client> clients(static_cast<std::size_t>(clients_wanted));
        const auto join_start = steady_clock::now();
        for (int i = 0; i < clients_wanted; ++i) {
            auto& c = clients[static_cast<std::size_t>(i)];
            c.name = "bench" + std::to_string(i);
            c.fd = connect_to(options.host, options.port);
            c.outbox = c.name + "\n";  // the first line is the name
        }
        // Stopped before the end: the clients leave and the program exits 0, as you asked.
        const auto stopped = [&] {
            for (auto& c : clients) ::close(c.fd);
            std::cout << "stopped before the end\n";
            return EXIT_SUCCESS;
        };
        while (!std::all_of(clients.begin(), clients.end(), [](const Client& c) { return c.joined; })) {
            if (!poll_all(clients, deadline, stop)) return stopped();
        }
        std::cout << clients_wanted << " clients joined in "
                  << duration_cast<milliseconds>(steady_clock::now() - join_start).count() << " ms"
                  << std::endl;
        ServerStatus before;
        if (server_pid > 0) print_server_status(before = server_status(server_pid));

        if (senders > 0) {
            for (auto& c : clients) c.chat_lines = 0;
            const std::string text(static_cast<std::size_t>(size), 'x');
            const long expected_each =
                static_cast<long>(senders) * lines;  // a sender gets one line less each
            std::vector<int> sent(static_cast<std::size_t>(senders), 0);
            const auto start = steady_clock::now();
            for (;;) {
                long least = expected_each;  // the slowest receiver, as if it got its own lines
                for (int i = 0; i < clients_wanted; ++i) {
                    const auto& c = clients[static_cast<std::size_t>(i)];
                    least =
                        std::min(least, c.chat_lines + (i < senders ? sent[static_cast<std::size_t>(i)] : 0));
                }
                if (least >= expected_each) break;
                for (int s = 0; s < senders; ++s) {
                    // Sender s may send line k once everyone has had (k - window) of everyone's lines.
                    auto& count = sent[static_cast<std::size_t>(s)];
                    while (count < lines &&
                           static_cast<long>(count) * senders < least + static_cast<long>(window) * senders) {
                        clients[static_cast<std::size_t>(s)].outbox += text + "\n";
                        ++count;
                    }
                }
                if (!poll_all(clients, deadline, stop)) return stopped();
            }
            const double seconds = duration<double>(steady_clock::now() - start).count();
            const double delivered = static_cast<double>(senders) * lines * (clients_wanted - 1);
            std::cout << senders << " senders x " << lines << " lines of " << size << " bytes to "
                      << clients_wanted << " clients: " << static_cast<long>(delivered)
                      << " lines delivered in " << seconds
                      << " s = " << static_cast<long>(delivered / seconds) << " lines/s, "
                      << delivered * (size + 9 + 1) / seconds / 1e6 << " MB/s\n";
            if (server_pid > 0) {
                const ServerStatus after = server_status(server_pid);
                print_server_status(after);
                std::cout << "  server: " << after.context_switches - before.context_switches
                          << " context switches, "
                          << static_cast<double>(after.context_switches - before.context_switches) / delivered
                          << " per line delivered\n";
            }
        }
        for (auto& c : clients) ::close(c.fd);
        return EXIT_SUCCESS;
    });
}
