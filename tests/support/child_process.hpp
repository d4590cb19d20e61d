#pragma once
// Runs a lesson binary as a child process, the way a student or a script would, and talks to
// it through its stdin, stdout and stderr. Every read takes a timeout, so a broken server makes
// a test fail instead of hang. The destructor kills and reaps the child, and everything it
// started (its process group), even when the test failed, and prints the child's stderr when it
// did, to show what the program said. If the test process itself dies, the child gets SIGTERM.

#include <sys/types.h>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace course::testing {

// build/bin/<name>
std::string bin_path(std::string_view name);

class ChildProcess {
public:
    // argv[0] is the program's path; `env` ("NAME=value" each) is added to this process'
    // environment, replacing a variable of the same name. Throws std::runtime_error if it
    // cannot be started.
    explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> env = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const noexcept { return pid_; }

    void write_stdin(std::string_view data);
    void close_stdin();

    // The next line of stdout without its "\n"; nullopt at end of output or on timeout.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Everything the child writes to stdout until it closes it (nullopt on timeout).
    std::optional<std::string> read_all_stdout(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // True once stderr contains `needle` (waits up to `timeout`).
    bool wait_for_stderr(std::string_view needle,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
    std::string stderr_text() const;

    void send_signal(int signal);
    // True once the child has a handler for `signal` (SigCgt in /proc/PID/status): from then on
    // the signal is the program's to handle, not a kill. A bounded poll of /proc.
    bool wait_until_catching(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // The exit code (128 + N if killed by signal N), or nullopt if still running at the timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    struct Stream {
        std::string data;
        std::size_t consumed = 0;
        bool closed = false;
    };
    void pump(int fd, Stream& stream);

    std::string name_;
    pid_t pid_ = -1;
    int pidfd_ = -1;
    int stdin_fd_ = -1;
    std::optional<int> exit_code_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    Stream out_;
    Stream err_;
    std::thread out_reader_;
    std::thread err_reader_;
};

// A server started with --port 0 (plus `args`) whose "listening on HOST:PORT" line was read.
struct ServerProcess {
    std::unique_ptr<ChildProcess> process;
    std::string host;
    std::uint16_t port = 0;
};

// Starts build/bin/<binary> --port 0 <args...> (with `env` as ChildProcess takes it) and waits
// for its "listening on" line.
ServerProcess start_server(std::string_view binary, std::vector<std::string> args = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(10),
                           std::vector<std::string> env = {});

// The command line of a client of the server at `port`: build/bin/<binary> --port PORT <extra...>.
std::vector<std::string> client_argv(std::string_view binary, std::uint16_t port,
                                     std::vector<std::string> extra = {});

}  // namespace course::testing
