#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <stdexcept>

extern char** environ;

namespace course::testing {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

std::string bin_path(std::string_view name) { return std::string(COURSE_BIN_DIR) + "/" + std::string(name); }

ChildProcess::ChildProcess(std::vector<std::string> argv, std::vector<std::string> env) : name_(argv.at(0)) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) < 0 || ::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) {
        throw_errno("pipe2");
    }
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    // The environment, made before the fork (the child may not allocate): ours, then `env`.
    const std::size_t added = env.size();
    for (char** variable = environ; *variable; ++variable) {
        const std::string_view entry(*variable);
        const auto same_name = [&](const std::string& override) {
            const std::size_t equals = override.find('=');
            return equals != std::string::npos && entry.size() > equals &&
                   entry.compare(0, equals + 1, override, 0, equals + 1) == 0;
        };
        if (std::none_of(env.begin(), env.begin() + static_cast<std::ptrdiff_t>(added), same_name))
            env.emplace_back(entry);
    }
    std::vector<char*> envp;
    for (auto& variable : env) envp.push_back(variable.data());
    envp.push_back(nullptr);
    const pid_t parent = ::getpid();
    // fork + exec rather than posix_spawn, which cannot set a death signal; between the two
    // the child calls only async-signal-safe functions.
    pid_ = ::fork();
    if (pid_ < 0) throw_errno("fork");
    if (pid_ == 0) {
        // Its own process group: the destructor ends the child and whatever it started (a
        // script's servers) with one kill(-pgid).
        ::setpgid(0, 0);
        // If the test process dies without running destructors (a crash, a kill by ctest's
        // timeout), the child gets SIGTERM: servers stop cleanly, scripts run their traps.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
        // The signals as a terminal gives them to a program: default actions, none blocked. A
        // shell that ran the tests in the background leaves SIGINT and SIGQUIT ignored (nohup:
        // SIGHUP), exec keeps that, and a test of what a signal does would test the shell.
        struct sigaction default_action {};
        default_action.sa_handler = SIG_DFL;
        for (const int signal : {SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE}) {
            ::sigaction(signal, &default_action, nullptr);
        }
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        if (::dup2(in[0], STDIN_FILENO) < 0 || ::dup2(out[1], STDOUT_FILENO) < 0 ||
            ::dup2(err[1], STDERR_FILENO) < 0) {
            ::_exit(127);
        }
        ::execve(args[0], args.data(), envp.data());
        const int error = errno;
        const char message[] = "cannot exec the program\n";
        [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
        ::_exit(error == ENOENT ? 127 : 126);
    }
    ::setpgid(pid_, pid_);  // also from this side, so the group exists before any kill below
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    stdin_fd_ = in[1];
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd_ < 0) throw_errno("pidfd_open");
    out_reader_ = std::thread([this, fd = out[0]] { pump(fd, out_); });
    err_reader_ = std::thread([this, fd = err[0]] { pump(fd, err_); });
}

ChildProcess::~ChildProcess() {
    // The whole group, even when the child itself has exited: a script's background servers
    // stay in its group after it is gone.
    ::kill(-pid_, SIGKILL);
    if (!exit_code_) {
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    close_stdin();
    out_reader_.join();
    err_reader_.join();
    ::close(pidfd_);
    // A test body that ends in an exception is marked failed only after its locals are gone.
    if (::testing::Test::HasFailure() || std::uncaught_exceptions() > 0) {
        std::cerr << "---- stderr of " << name_ << " ----\n" << stderr_text() << "---- end ----\n";
    }
}

// Drains one pipe into memory on its own thread, so the child never blocks on a full pipe.
void ChildProcess::pump(int fd, Stream& stream) {
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        const std::lock_guard lock(mutex_);
        if (n <= 0) {
            stream.closed = true;
            changed_.notify_all();
            break;
        }
        stream.data.append(buffer, static_cast<std::size_t>(n));
        changed_.notify_all();
    }
    ::close(fd);
}

void ChildProcess::write_stdin(std::string_view data) {
    // A child that has died closed its end of the pipe: the write fails with EPIPE, and must not
    // kill the test process with SIGPIPE (the test would end without its failure message and
    // without the child's stderr). SIGPIPE is blocked for this thread while it writes, and one it
    // raised is taken off the pending set before it is unblocked again.
    sigset_t pipe_only, previous;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
    int error = 0;
    while (!data.empty()) {
        const ssize_t n = ::write(stdin_fd_, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = errno;
            break;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    if (error == EPIPE && !sigismember(&previous, SIGPIPE)) {
        const timespec no_wait{};
        while (sigtimedwait(&pipe_only, nullptr, &no_wait) == SIGPIPE) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (error != 0) {
        errno = error;
        throw_errno("writing to the stdin of " + name_);
    }
}

void ChildProcess::close_stdin() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    stdin_fd_ = -1;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::size_t newline = std::string::npos;
    changed_.wait_for(lock, timeout, [&] {
        newline = out_.data.find('\n', out_.consumed);
        return newline != std::string::npos || out_.closed;
    });
    if (newline == std::string::npos) return std::nullopt;
    std::string line = out_.data.substr(out_.consumed, newline - out_.consumed);
    out_.consumed = newline + 1;
    return line;
}

std::optional<std::string> ChildProcess::read_all_stdout(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return out_.closed; })) return std::nullopt;
    std::string rest = out_.data.substr(out_.consumed);
    out_.consumed = out_.data.size();
    return rest;
}

bool ChildProcess::wait_for_stderr(std::string_view needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
        return err_.data.find(needle) != std::string::npos || err_.closed;
    }) && err_.data.find(needle) != std::string::npos;
}

std::string ChildProcess::stderr_text() const {
    const std::lock_guard lock(mutex_);
    return err_.data;
}

void ChildProcess::send_signal(int signal) {
    if (!exit_code_) ::kill(pid_, signal);
}

bool ChildProcess::wait_until_catching(int signal, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string status_path = "/proc/" + std::to_string(pid_) + "/status";
    for (;;) {
        std::ifstream status(status_path);
        for (std::string line; std::getline(status, line);) {
            if (line.rfind("SigCgt:", 0) != 0) continue;
            const unsigned long long caught = std::stoull(line.substr(7), nullptr, 16);
            if (caught & (1ULL << (signal - 1))) return true;
        }
        if (exit_code_ || std::chrono::steady_clock::now() >= deadline) return false;
        ::usleep(5'000);  // ok-sleep: polling /proc for the handler, bounded
    }
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    if (exit_code_) return exit_code_;
    // The pidfd becomes readable when the child exits: a wait with a timeout, no polling loop.
    pollfd p{pidfd_, POLLIN, 0};
    int rc;
    do {
        rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    } while (rc < 0 && errno == EINTR);
    if (rc <= 0) return std::nullopt;
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) throw_errno("waitpid");
    exit_code_ = exit_code_of(status);
    // The child is gone, but its last output may still be in the pipes: let the readers drain
    // them (bounded) so that stderr_text() after wait() holds everything it wrote.
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(5), [&] { return out_.closed && err_.closed; });
    return exit_code_;
}

ServerProcess start_server(std::string_view binary, std::vector<std::string> args,
                           std::chrono::milliseconds timeout, std::vector<std::string> env) {
    std::vector<std::string> argv{bin_path(binary), "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    ServerProcess server;
    server.process = std::make_unique<ChildProcess>(std::move(argv), std::move(env));
    const auto line = server.process->read_line(timeout);
    const std::string prefix = "listening on ";
    if (!line || line->rfind(prefix, 0) != 0) {
        throw std::runtime_error(std::string(binary) + " did not announce itself; first line: '" +
                                 line.value_or("<none>") + "', stderr: " + server.process->stderr_text());
    }
    const std::string address = line->substr(prefix.size());
    const auto colon = address.rfind(':');
    server.host = address.substr(0, colon);
    if (server.host.size() > 2 && server.host.front() == '[')
        server.host = server.host.substr(1, server.host.size() - 2);
    server.port = static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)));
    return server;
}

std::vector<std::string> client_argv(std::string_view binary, std::uint16_t port,
                                     std::vector<std::string> extra) {
    std::vector<std::string> argv{bin_path(binary), "--port", std::to_string(port)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

}  // namespace course::testing
