#include "common/stop_event.hpp"
#include "common/fd_wait.hpp"
#include "common/logger.hpp"
#include "common/stop_signals.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>
#include <asio/io_context.hpp>
#include <csignal>
#include <sstream>
#include <thread>

namespace {

using namespace std::chrono_literals;
using course::WaitResult;

struct SocketPair {
    int fds[2];
    SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
    ~SocketPair() {
        ::close(fds[0]);
        ::close(fds[1]);
    }
};

TEST(StopEventTest, StartsUnrequestedAndStaysRequested) {
    course::StopEvent stop;
    EXPECT_FALSE(stop.requested());
    stop.request();
    EXPECT_TRUE(stop.requested());
    EXPECT_TRUE(stop.requested());  // nobody consumes it: every waiter sees it
    stop.request();                 // requesting twice is harmless
    EXPECT_TRUE(stop.requested());
}

TEST(FdWaitTest, TimesOutWhenNothingHappens) {
    course::StopEvent stop;
    SocketPair pair;
    EXPECT_EQ(course::wait_readable(pair.fds[0], stop, 50ms), WaitResult::timed_out);
}

TEST(FdWaitTest, ReadyWhenDataArrives) {
    course::StopEvent stop;
    SocketPair pair;
    ASSERT_EQ(::write(pair.fds[1], "x", 1), 1);
    EXPECT_EQ(course::wait_readable(pair.fds[0], stop, 5s), WaitResult::ready);
    EXPECT_EQ(course::wait_writable(pair.fds[0], stop, 5s), WaitResult::ready);
}

TEST(FdWaitTest, StopFromAnotherThreadWakesAWaiterWithNoTimeout) {
    course::StopEvent stop;
    SocketPair pair;
    std::thread stopper([&] { stop.request(); });
    EXPECT_EQ(course::wait_readable(pair.fds[0], stop, course::no_timeout), WaitResult::stopped);
    stopper.join();
}

TEST(FdWaitTest, StopWinsOverReadyData) {
    course::StopEvent stop;
    SocketPair pair;
    ASSERT_EQ(::write(pair.fds[1], "x", 1), 1);
    stop.request();
    EXPECT_EQ(course::wait_readable(pair.fds[0], stop, 5s), WaitResult::stopped);
}

TEST(SignalStopperTest, SigtermRequestsStop) {
    std::ostringstream log_text;
    course::Logger log(course::LogLevel::info, log_text);
    course::StopEvent stop;
    course::SignalStopper stopper(stop, log);
    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    SocketPair pair;
    EXPECT_EQ(course::wait_readable(pair.fds[0], stop, 10s), WaitResult::stopped);
    EXPECT_NE(log_text.str().find("received SIGTERM, shutting down"), std::string::npos);
}

// Every program stops cleanly on SIGHUP (the terminal went away) as on SIGINT and SIGTERM.
TEST(StopSignalsTest, SighupCallsOnStopOnceAndSaysWhichSignal) {
    std::ostringstream log_text;
    course::Logger log(course::LogLevel::info, log_text);
    asio::io_context io;
    course::StopSignals signals(io);
    int stops = 0;
    signals.async_wait(log, [&] { ++stops; });
    ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
    io.run_for(10s);  // returns as soon as the handler has run: nothing else is pending
    EXPECT_EQ(stops, 1);
    EXPECT_NE(log_text.str().find("received SIGHUP, shutting down"), std::string::npos) << log_text.str();
}

TEST(StopSignalsTest, CancelledMeansNoCall) {
    std::ostringstream log_text;
    course::Logger log(course::LogLevel::info, log_text);
    asio::io_context io;
    course::StopSignals signals(io);
    bool stopped = false;
    signals.async_wait(log, [&] { stopped = true; });
    signals.cancel();
    io.run_for(10s);
    EXPECT_FALSE(stopped);
    EXPECT_EQ(log_text.str(), "");
}

}  // namespace
