// 07-feed-server with real third-party clients: Python's standard http.client polls and long
// polls over one keep-alive connection; Debian's curl reads the event stream (`curl -N`) and
// publishes (`curl --data`).
#include "tests/peers/peers.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using namespace std::chrono_literals;
using course::peers::Peer;
using course::testing::ChildProcess;
using course::testing::stdout_line_with;

std::string lesson_peer(std::string_view name) {
    return std::string(COURSE_LESSON07_PEERS_DIR) + "/" + std::string(name);
}

constexpr const char* curl = "/usr/bin/curl";

TEST(FeedServerPeersTest, PythonHttpClientPollsAndLongPollsOnOneConnection) {
    ASSERT_TRUE(std::filesystem::exists(course::peers::python_path())) << "run scripts/setup lesson07";
    auto server = course::testing::start_server("07-feed-server", {"--rate", "0"});
    const auto run = course::peers::run_python(lesson_peer("feed_poll.py"),
                                               {server.host, std::to_string(server.port)}, 30s);
    EXPECT_TRUE(course::peers::passed(run, "poll"));
}

TEST(FeedServerPeersTest, CurlReadsTheEventStreamAndPublishes) {
    ASSERT_TRUE(std::filesystem::exists(curl)) << "run scripts/setup lesson07";
    auto server = course::testing::start_server("07-feed-server", {"--rate", "0"});
    const std::string base = course::peers::http_url(server, "");
    // -N: no buffering, each event printed as it arrives; --max-time bounds the run.
    ChildProcess stream({curl, "-sS", "-N", "--max-time", "30", base + "/sse"});
    ASSERT_TRUE(stdout_line_with(stream, "retry: 3000", 10s));
    const auto published = course::peers::run_program(
        {curl, "-sS", "--max-time", "10", "--data", "hello from curl", base + "/publish"}, 15s);
    EXPECT_EQ(published.exit_code, 0) << published;
    EXPECT_EQ(published.out, "{\"id\":1}") << published;
    EXPECT_TRUE(stdout_line_with(stream, "id: 1", 10s));
    EXPECT_TRUE(stdout_line_with(stream, "\"text\":\"hello from curl\"", 10s));
}

}  // namespace
