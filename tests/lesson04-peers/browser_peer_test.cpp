// 04-ws-server's page in a real browser: headless Chromium (Debian's, driven by playwright-core)
// loads GET /, waits for #status "open", types messages into #message, clicks #send and sees each
// echoed into #log; markup in a message shows literally. Then the server is stopped and the page
// must say "closed", and the server's log must show no request for /favicon.ico. One browser
// launch for all of it; a screenshot is kept for a human to look at.

#include "tests/peers/peers.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <iostream>

namespace {

namespace peers = course::peers;

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

bool has_line_starting(const std::string& text, const std::string& prefix) {
    return ("\n" + text).find("\n" + prefix) != std::string::npos;
}

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
    EXPECT_TRUE(has_line(run.out, "PASS xss: markup shown literally as text: no element created, no dialog, "
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

}  // namespace
