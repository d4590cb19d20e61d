#pragma once
// Real third-party WebSocket peers for the tests: Python's websockets, Node's ws and headless
// Chromium (through playwright-core). The peer programs live beside this file (ws_client.py,
// ws_client.mjs, ws_echo_server.py, browser_echo.mjs); these helpers find the interpreters and
// scripts, run a peer with a timeout and collect what it said.
//
// A missing peer is a failure, never a skip: `available(Peer::...)` fails with a message that
// names `scripts/setup lesson04`, which installs all of them (Debian packages, then `npm ci`).
//
//     ASSERT_TRUE(course::peers::available(course::peers::Peer::python));
//     const auto run = course::peers::run_python("ws_client.py", {url, "text"});
//     EXPECT_TRUE(course::peers::passed(run, "text"));
//
// The peer scripts print `PASS what: detail` or `FAIL what: why` lines and exit 0 on success.

#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace course::peers {

enum class Peer {
    python,    // Debian's python3-websockets, under /usr/bin/python3
    node,      // Node's ws from tests/peers/node_modules
    chromium,  // Debian's chromium driven by playwright-core from tests/peers/node_modules
};

// Names the peer in test output ("python", "node", "chromium").
void PrintTo(Peer peer, std::ostream* os);

// Success, or a failure saying what is missing and to run `scripts/setup lesson04`.
::testing::AssertionResult available(Peer peer);

std::string python_path();                       // /usr/bin/python3 (Debian's, not pyenv's)
std::string node_path();                         // node: /usr/bin/node, else the first on PATH
std::string script_path(std::string_view name);  // tests/peers/<name>
std::string output_dir();                        // <build>/peers-output, created on demand

// What a finished (or timed-out) peer run produced.
struct PeerRun {
    std::string command;           // for messages: the command line
    std::optional<int> exit_code;  // nullopt: killed at the timeout
    std::string out;
    std::string err;
    std::chrono::milliseconds took{0};
};
std::ostream& operator<<(std::ostream& os, const PeerRun& run);

// Runs `interpreter script args...`, waits up to `timeout` (then SIGTERM, and SIGKILL 2 s later).
PeerRun run_python(std::string_view script, std::vector<std::string> args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20));
PeerRun run_node(std::string_view script, std::vector<std::string> args,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20));
// The same, for a program that is not an interpreter (e.g. a lesson binary).
PeerRun run_program(std::vector<std::string> argv,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Whether one line of `text` (each ending in "\n") is exactly `line`, or starts with `prefix`.
bool has_line(const std::string& text, const std::string& line);
bool has_line_starting(const std::string& text, const std::string& prefix);

// Exit code 0 and a `PASS what:` line, else a failure showing the whole run.
::testing::AssertionResult passed(const PeerRun& run, std::string_view what);
// Exit code 1 and a `FAIL what:` line containing `reason`, else a failure showing the run.
::testing::AssertionResult failed(const PeerRun& run, std::string_view what, std::string_view reason);

// Starts a peer to talk to it while it runs (stdin, stdout lines, signals).
std::unique_ptr<testing::ChildProcess> start_python(std::string_view script, std::vector<std::string> args);
std::unique_ptr<testing::ChildProcess> start_node(std::string_view script, std::vector<std::string> args);

// Runs browser_echo.mjs: headless Chromium loads `page_url` and drives the lesson 04 page
// contract, saving a screenshot to `screenshot` (if not empty). With `stop_server`, the run then
// waits for the page's #status to become `closed`: `stop_server` is called once the browser
// reports `WAITING close` and must make the server go away (e.g. SIGTERM). One browser launch.
PeerRun run_browser_echo(const std::string& page_url, const std::string& screenshot,
                         const std::function<void()>& stop_server = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(45));

// Python websockets' echo server (ws_echo_server.py) on a free port, its listening line read.
// Its stdout then has one line per event: `open PATH`, `text N`, `binary N`, `close CODE REASON`.
testing::ServerProcess start_echo_server(std::vector<std::string> args = {});

std::string ws_url(const testing::ServerProcess& server, std::string_view path = "/ws");
std::string http_url(const testing::ServerProcess& server, std::string_view path = "/");

}  // namespace course::peers
