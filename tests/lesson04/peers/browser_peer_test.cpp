// 04-ws-server's page in a real browser: headless Chromium (Debian's, driven by playwright-core)
// loads GET /, waits for #status "open", types messages into #message, clicks #send and sees each
// echoed into #log; markup in a message shows literally. Then the server is stopped and the page
// must say "closed", and the server's log must show no request for /favicon.ico. One browser
// launch for all of it; a screenshot is kept for a human to look at.
// Then the rest of the page (page_states.mjs): the state pill with each kind of close (our close
// button, the server's shutdown, a killed server), the legend and its markers, and no error of
// any kind in the browser's console.

#include "tests/peers/peers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>

namespace {

namespace peers = course::peers;
using namespace std::chrono_literals;
using peers::has_line;
using peers::has_line_starting;

TEST(WsServerBrowserTest, PageEchoesMessagesAndShowsMarkupAsText) {
    ASSERT_TRUE(peers::available(peers::Peer::chromium));
    auto server = course::testing::start_server("04-ws-server");
    const std::string screenshot = peers::output_dir() + "/lesson04-page.png";
    std::filesystem::remove(screenshot);

    bool stopped = false;
    const auto run = peers::run_browser_echo(peers::http_url(server, "/"), screenshot, [&] {
        server.process->send_signal(SIGTERM);
        stopped = true;
    });
    EXPECT_TRUE(peers::passed(run, "browser"));
    EXPECT_TRUE(has_line_starting(run.out, "PASS page: ")) << run;
    EXPECT_TRUE(has_line_starting(run.out, "PASS status: 'open'")) << run;
    EXPECT_TRUE(has_line(run.out, R"(PASS echo: "<img src=x onerror=alert(1)>")")) << run;
    EXPECT_TRUE(has_line(run.out,
                         "PASS xss: markup shown literally as text: no element created, no dialog, "
                         "no script error"))
        << run;
    EXPECT_TRUE(has_line(run.out, "PASS closed: #status became 'closed' when the server went away")) << run;
    EXPECT_GT(std::filesystem::exists(screenshot) ? std::filesystem::file_size(screenshot) : 0, 1000u) << run;
    // SIGTERM is a clean stop (course convention): exit code 0.
    ASSERT_TRUE(stopped) << "the browser never got to the point of stopping the server";
    EXPECT_EQ(server.process->wait(), 0);
    // The page names its own icon: Chromium never asked for /favicon.ico, so a visit leaves no
    // 404 in the server's log (a student would read it as an error).
    ASSERT_TRUE(server.process->wait_for_stderr("server stopped"));  // the whole log is in
    const std::string log = server.process->stderr_text();
    EXPECT_EQ(log.find("-> 404"), std::string::npos) << log;
    EXPECT_EQ(log.find("favicon"), std::string::npos) << log;
    std::cout << "screenshot: " << screenshot << "; browser run " << run.took.count() << " ms\n";
}

// Appends `child`'s stdout lines to `out` until the line `stop` (true), or the end of its output
// or the deadline (false). With no `stop`, reads to the end.
bool read_lines(course::testing::ChildProcess& child, std::string& out,
                std::chrono::steady_clock::time_point deadline,
                std::optional<std::string> stop = std::nullopt) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) return false;
        const auto line = child.read_line(left);
        if (!line) return false;
        out += *line + "\n";
        if (*line == stop) return true;
    }
}

TEST(WsServerBrowserTest, PagePillShowsEachStateWithTheCloseCodeAndReasonAndTheLegendsMarkers) {
    ASSERT_TRUE(peers::available(peers::Peer::chromium));
    auto a = course::testing::start_server("04-ws-server", {"-v"});  // stopped with SIGTERM: close 1001
    auto b = course::testing::start_server("04-ws-server");          // killed: no close frame, 1006
    const std::string screenshot = peers::output_dir() + "/lesson04-page-states.png";
    std::filesystem::remove(screenshot);

    auto browser = peers::start_node(
        std::string(COURSE_LESSON04_PEERS_DIR) + "/page_states.mjs",
        {peers::http_url(a), peers::http_url(b), "--screenshot", screenshot, "--timeout", "60"});
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + 65s;
    const bool waiting = read_lines(*browser, out, deadline, "WAITING stop");
    if (waiting) {
        a.process->send_signal(SIGTERM);
        b.process->send_signal(SIGKILL);
    }
    read_lines(*browser, out, deadline);  // the rest of its report
    const auto code = browser->wait(5s);
    const std::string report = out + "---- stderr ----\n" + browser->stderr_text();
    ASSERT_TRUE(waiting) << report;
    EXPECT_EQ(code, 0) << report;
    EXPECT_TRUE(has_line_starting(out, "PASS page-states: ")) << report;
    EXPECT_TRUE(has_line(out, "PASS pill: 'connecting', then 'open'")) << report;
    EXPECT_TRUE(has_line(
        out, "PASS close-button: 'closing', then 'closed 1000 (normal closure)'; only #connect enabled"))
        << report;
    EXPECT_TRUE(has_line(out, "PASS server-close: 'closed 1001 server shutting down', a clean close"))
        << report;
    EXPECT_TRUE(has_line(out, "PASS abnormal-close: 'closed 1006 (no close frame)', not clean")) << report;
    EXPECT_TRUE(has_line(
        out, "PASS no-errors: no console error, script error, dialog or failed request on either page"))
        << report;
    EXPECT_GT(std::filesystem::exists(screenshot) ? std::filesystem::file_size(screenshot) : 0, 1000u)
        << report;

    EXPECT_EQ(a.process->wait(), 0);
    EXPECT_EQ(b.process->wait(), 128 + SIGKILL);
    // The page's close button sent 1000 with the reason "bye"; nobody asked for /favicon.ico.
    ASSERT_TRUE(a.process->wait_for_stderr("server stopped"));
    const std::string log = a.process->stderr_text();
    EXPECT_NE(log.find("client closed with 1000 (normal closure) reason: bye"), std::string::npos) << log;
    EXPECT_EQ(log.find("favicon"), std::string::npos) << log;
    std::cout << "screenshots: " << screenshot << " and its -1006.png sibling\n";
}

}  // namespace
