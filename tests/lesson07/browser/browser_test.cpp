// 07-feed-server's page in headless Chromium (playwright-core, Debian's chromium, through
// tests/peers/browser.mjs): feed_page.mjs publishes events over HTTP while the page is open, and
// each of the four panels (polling every 0.25 s, long polling, EventSource, WebSocket) must
// receive every one, in order and once, show markup from the network as text, pick up after a
// pause from where it stopped, and ask no server but this one for anything.
// The peers come from tests/peers (scripts/setup lesson07 installs them; a missing one fails).
#include "tests/peers/peers.hpp"
#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono_literals;
using course::peers::Peer;

std::string browser_script(std::string_view name) {
    return std::string(COURSE_LESSON07_BROWSER_DIR) + "/" + std::string(name);
}

TEST(FeedBrowserTest, EveryPanelReceivesPublishedEventsInOrderOnceAsText) {
    ASSERT_TRUE(course::peers::available(Peer::chromium));
    // --rate 0: no ticker, so every event the page receives is one the script published.
    auto server = course::testing::start_server("07-feed-server", {"--rate", "0"});
    const std::string screenshot = course::peers::output_dir() + "/lesson07-feed.png";
    const auto run = course::peers::run_node(
        browser_script("feed_page.mjs"),
        {course::peers::http_url(server), "--screenshot", screenshot, "--timeout", "90"}, 100s);
    EXPECT_TRUE(course::peers::passed(run, "feed-page"));
    EXPECT_TRUE(std::filesystem::exists(screenshot));

    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(10s), 0);
}

}  // namespace
