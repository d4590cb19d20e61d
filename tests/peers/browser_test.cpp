// Headless Chromium (Debian's, driven by playwright-core) against the reference echo page served
// by Python websockets' echo server: it follows the lesson 04 page contract, and a page that
// turns messages into markup is caught. Needs no lesson binary.

#include "tests/peers/peers.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace {

namespace peers = course::peers;
using peers::has_line;
using peers::Peer;

TEST(PeerBrowserTest, DrivesTheEchoPageAndSeesItClose) {
    ASSERT_TRUE(peers::available(Peer::python));
    ASSERT_TRUE(peers::available(Peer::chromium));
    auto server = peers::start_echo_server();
    const std::string screenshot = peers::output_dir() + "/peers-echo-page.png";
    std::filesystem::remove(screenshot);

    bool stopped = false;
    const auto run = peers::run_browser_echo(peers::http_url(server), screenshot, [&] {
        server.process->send_signal(SIGTERM);
        stopped = true;
    });
    EXPECT_TRUE(peers::passed(run, "browser"));
    EXPECT_TRUE(has_line(run.out, R"(PASS echo: "<img src=x onerror=alert(1)>")")) << run;
    EXPECT_TRUE(has_line(run.out, "PASS closed: #status became 'closed' when the server went away")) << run;
    EXPECT_GT(std::filesystem::exists(screenshot) ? std::filesystem::file_size(screenshot) : 0, 1000u) << run;
    ASSERT_TRUE(stopped) << "the browser never got to the point of stopping the server";
    EXPECT_EQ(server.process->wait(), 0);
    std::cout << "screenshot: " << screenshot << ", browser run: " << run.took.count() << " ms\n";
}

TEST(PeerBrowserTest, CatchesAPageThatRendersMessagesAsMarkup) {
    ASSERT_TRUE(peers::available(Peer::python));
    ASSERT_TRUE(peers::available(Peer::chromium));
    auto server = peers::start_echo_server({"--page", peers::script_path("pages/unsafe_echo_page.html")});
    const auto run = peers::run_browser_echo(peers::http_url(server), "");
    EXPECT_TRUE(peers::failed(run, "browser", "<img src=x onerror=alert(1)>"));
}

}  // namespace
