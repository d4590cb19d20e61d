#include "tests/peers/peers.hpp"

#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

using namespace std::chrono_literals;

namespace course::peers {

namespace {

namespace fs = std::filesystem;

constexpr const char* setup_hint = "run `scripts/setup lesson04` (scripts/test 04 does it for you)";

bool is_executable(const fs::path& path) { return ::access(path.c_str(), X_OK) == 0; }

std::optional<fs::path> find_on_path(std::string_view name) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (!dir.empty() && is_executable(fs::path(dir) / name)) return fs::path(dir) / name;
    }
    return std::nullopt;
}

::testing::AssertionResult missing(const std::string& what) {
    return ::testing::AssertionFailure() << what << ": " << setup_hint;
}

std::vector<std::string> interpreter_argv(std::string interpreter, std::string_view script,
                                          std::vector<std::string> args) {
    std::vector<std::string> argv{std::move(interpreter), script_path(script)};
    argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
    return argv;
}

}  // namespace

std::string python_path() { return "/usr/bin/python3"; }

std::string node_path() {
    if (is_executable("/usr/bin/node")) return "/usr/bin/node";
    return find_on_path("node").value_or(fs::path("node")).string();
}

std::string script_path(std::string_view name) { return (fs::path(COURSE_PEERS_DIR) / name).string(); }

std::string output_dir() {
    fs::create_directories(COURSE_PEERS_OUTPUT_DIR);
    return COURSE_PEERS_OUTPUT_DIR;
}

void PrintTo(Peer peer, std::ostream* os) {
    switch (peer) {
    case Peer::python: *os << "python"; return;
    case Peer::node: *os << "node"; return;
    case Peer::chromium: *os << "chromium"; return;
    }
}

::testing::AssertionResult available(Peer peer) {
    const fs::path modules = fs::path(COURSE_PEERS_DIR) / "node_modules";
    switch (peer) {
    case Peer::python: {
        if (!is_executable(python_path())) return missing(python_path() + " not found");
        // Ask that very interpreter: the module must import, not merely exist somewhere.
        const auto run = run_program({python_path(), "-c", "import websockets"}, 10s);
        if (run.exit_code != 0) {
            return missing("Python's websockets does not import under " + python_path() + " (" + run.err +
                           ")");
        }
        return ::testing::AssertionSuccess();
    }
    case Peer::node:
        if (!is_executable(node_path())) return missing("node not found");
        if (!fs::exists(modules / "ws" / "package.json"))
            return missing("Node's ws is not in " + modules.string());
        return ::testing::AssertionSuccess();
    case Peer::chromium:
        if (!is_executable(node_path())) return missing("node not found");
        if (!is_executable("/usr/bin/chromium")) return missing("/usr/bin/chromium not found");
        if (!fs::exists(modules / "playwright-core" / "package.json")) {
            return missing("playwright-core is not in " + modules.string());
        }
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "unknown peer";
}

std::ostream& operator<<(std::ostream& os, const PeerRun& run) {
    os << run.command << "\n  ";
    if (run.exit_code) {
        os << "exited " << *run.exit_code;
    } else {
        os << "KILLED: still running at the timeout";
    }
    os << " after " << run.took.count() << " ms\n---- stdout ----\n"
       << run.out << "---- stderr ----\n"
       << run.err << "---- end ----";
    return os;
}

PeerRun run_program(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
    PeerRun run;
    for (const auto& arg : argv) run.command += (run.command.empty() ? "" : " ") + arg;
    const auto start = std::chrono::steady_clock::now();
    testing::ChildProcess child(std::move(argv));
    child.close_stdin();
    run.exit_code = child.wait(timeout);
    run.took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (!run.exit_code) {
        // SIGTERM first: node then closes the browser it started; SIGKILL follows in ~ChildProcess.
        child.send_signal(SIGTERM);
        child.wait(2s);
        // What it printed so far, line by line (its pipe may still be open).
        while (auto line = child.read_line(0ms)) run.out += *line + "\n";
    } else {
        run.out = child.read_all_stdout(5s).value_or("<stdout still open 5 s after exit>\n");
    }
    run.err = child.stderr_text();
    return run;
}

PeerRun run_python(std::string_view script, std::vector<std::string> args,
                   std::chrono::milliseconds timeout) {
    return run_program(interpreter_argv(python_path(), script, std::move(args)), timeout);
}

PeerRun run_node(std::string_view script, std::vector<std::string> args, std::chrono::milliseconds timeout) {
    return run_program(interpreter_argv(node_path(), script, std::move(args)), timeout);
}

::testing::AssertionResult passed(const PeerRun& run, std::string_view what) {
    if (run.exit_code == 0 && has_line_starting(run.out, "PASS " + std::string(what) + ":")) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "expected a pass of '" << what << "' from\n" << run;
}

::testing::AssertionResult failed(const PeerRun& run, std::string_view what, std::string_view reason) {
    std::istringstream lines(run.out);
    const std::string prefix = "FAIL " + std::string(what) + ":";
    for (std::string line; std::getline(lines, line);) {
        if (run.exit_code == 1 && line.rfind(prefix, 0) == 0 && line.find(reason) != std::string::npos) {
            return ::testing::AssertionSuccess();
        }
    }
    return ::testing::AssertionFailure()
           << "expected '" << prefix << " ..." << reason << "...' and exit 1 from\n"
           << run;
}

std::unique_ptr<testing::ChildProcess> start_python(std::string_view script, std::vector<std::string> args) {
    return std::make_unique<testing::ChildProcess>(interpreter_argv(python_path(), script, std::move(args)));
}

std::unique_ptr<testing::ChildProcess> start_node(std::string_view script, std::vector<std::string> args) {
    return std::make_unique<testing::ChildProcess>(interpreter_argv(node_path(), script, std::move(args)));
}

PeerRun run_browser_echo(const std::string& page_url, const std::string& screenshot,
                         const std::function<void()>& stop_server, std::chrono::milliseconds timeout) {
    std::vector<std::string> args{page_url, "--timeout", std::to_string(timeout.count() / 1000)};
    if (!screenshot.empty()) args.insert(args.end(), {"--screenshot", screenshot});
    if (!stop_server) return run_node("browser_echo.mjs", std::move(args), timeout + 5s);

    args.push_back("--expect-close");
    PeerRun run;
    run.command = node_path() + " " + script_path("browser_echo.mjs");
    for (const auto& arg : args) run.command += " " + arg;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + timeout + 5s;
    auto browser = start_node("browser_echo.mjs", std::move(args));
    // Read its report up to WAITING close (or its end), then stop the server and read the rest.
    while (auto line = browser->read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
               deadline - std::chrono::steady_clock::now()))) {
        run.out += *line + "\n";
        if (*line == "WAITING close") {
            stop_server();
            break;
        }
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    run.exit_code = browser->wait(std::max(left, 1ms));
    if (run.exit_code) {
        run.out += browser->read_all_stdout(5s).value_or("");
    } else {
        browser->send_signal(SIGTERM);
        browser->wait(2s);
        while (auto line = browser->read_line(0ms)) run.out += *line + "\n";
    }
    run.took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    run.err = browser->stderr_text();
    return run;
}

testing::ServerProcess start_echo_server(std::vector<std::string> args) {
    testing::ServerProcess server;
    server.process = start_python("ws_echo_server.py", std::move(args));
    const auto line = server.process->read_line(10s);
    const std::string prefix = "listening on ";
    if (!line || line->rfind(prefix, 0) != 0) {
        throw std::runtime_error("ws_echo_server.py did not announce itself; first line: '" +
                                 line.value_or("<none>") + "', stderr: " + server.process->stderr_text());
    }
    const std::string address = line->substr(prefix.size());
    const auto colon = address.rfind(':');
    server.host = address.substr(0, colon);
    server.port = static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)));
    return server;
}

namespace {

std::string authority(const testing::ServerProcess& server) {
    const bool v6 = server.host.find(':') != std::string::npos;
    return (v6 ? "[" + server.host + "]" : server.host) + ":" + std::to_string(server.port);
}

}  // namespace

std::string ws_url(const testing::ServerProcess& server, std::string_view path) {
    return "ws://" + authority(server) + std::string(path);
}

std::string http_url(const testing::ServerProcess& server, std::string_view path) {
    return "http://" + authority(server) + std::string(path);
}

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

bool has_line_starting(const std::string& text, const std::string& prefix) {
    return ("\n" + text).find("\n" + prefix) != std::string::npos;
}

}  // namespace course::peers
