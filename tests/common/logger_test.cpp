#include "common/logger.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <thread>
#include <vector>

namespace {

using course::Logger;
using course::LogLevel;

TEST(LoggerTest, LinesAreTimestamped) {
    std::ostringstream out;
    Logger log(LogLevel::info, out);
    log.info("client ", 42, " connected");
    EXPECT_TRUE(std::regex_match(out.str(), std::regex(R"(\d\d:\d\d:\d\d\.\d\d\d client 42 connected\n)")))
        << out.str();
}

TEST(LoggerTest, LevelsNest) {
    std::ostringstream out;
    Logger log(LogLevel::verbose, out);
    log.info("a");
    log.verbose("b");
    log.trace("c");
    EXPECT_NE(out.str().find(" a\n"), std::string::npos);
    EXPECT_NE(out.str().find(" b\n"), std::string::npos);
    EXPECT_EQ(out.str().find(" c\n"), std::string::npos);
    EXPECT_FALSE(log.tracing());
}

TEST(LoggerTest, QuietShowsNothing) {
    std::ostringstream out;
    Logger log(LogLevel::quiet, out);
    log.info("a");
    EXPECT_EQ(out.str(), "");
}

TEST(LoggerTest, ConcurrentLinesNeverInterleave) {
    std::ostringstream out;
    Logger log(LogLevel::info, out);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&log, t] {
            for (int i = 0; i < 200; ++i) log.info("thread ", t, " line ", i, " end");
        });
    }
    for (auto& thread : threads) thread.join();
    std::istringstream lines(out.str());
    std::string line;
    int count = 0;
    const std::regex whole(R"(\S+ thread \d line \d+ end)");
    while (std::getline(lines, line)) {
        ASSERT_TRUE(std::regex_match(line, whole)) << line;
        ++count;
    }
    EXPECT_EQ(count, 800);
}

}  // namespace
