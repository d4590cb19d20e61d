// The test support's ChildProcess ends what a test started, even a script's background
// servers, and even when the test process dies without running its destructors; and it starts
// them with the signal actions a terminal would give them.
#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>

namespace {

using course::testing::ChildProcess;
using namespace std::chrono_literals;

// True once `pid` has ended (a pidfd becomes readable when its process exits) within `limit`.
bool ends_within(pid_t pid, std::chrono::milliseconds limit) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) return errno == ESRCH;  // already gone
    pollfd p{pidfd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(limit.count()));
    ::close(pidfd);
    return ready == 1;
}

TEST(ChildProcessTest, EndsWhatAScriptStartedInTheBackground) {
    pid_t background = 0;
    {
        // A script that starts a long-running program and prints its process id.
        ChildProcess script({"/bin/bash", "-c", "/bin/sleep 300 </dev/null >/dev/null 2>&1 & echo $!; wait"});
        const auto line = script.read_line();
        ASSERT_TRUE(line);
        background = std::stoi(*line);
        ASSERT_EQ(::kill(background, 0), 0);
    }
    EXPECT_TRUE(ends_within(background, 5s)) << "the script's background program outlived the test";
}

TEST(ChildProcessTest, ChildGetsSigtermWhenTheTestProcessDies) {
    // A stand-in for a test process that crashes: it starts a child, reports the child's id
    // and leaves with _exit(), so no destructor runs.
    int report[2];
    ASSERT_EQ(::pipe(report), 0);
    const pid_t test_process = ::fork();
    ASSERT_GE(test_process, 0);
    if (test_process == 0) {
        ::close(report[0]);
        auto* child = new ChildProcess({"/bin/sleep", "300"});  // never deleted: the crash
        const pid_t pid = child->pid();
        [[maybe_unused]] const auto written = ::write(report[1], &pid, sizeof pid);
        ::_exit(0);
    }
    ::close(report[1]);
    pid_t child = 0;
    const auto got = ::read(report[0], &child, sizeof child);
    ::close(report[0]);
    int status = 0;
    ::waitpid(test_process, &status, 0);
    ASSERT_EQ(got, static_cast<ssize_t>(sizeof child));
    EXPECT_TRUE(ends_within(child, 5s)) << "the child outlived the process that started it";
}

// A shell that runs the tests in the background leaves SIGINT ignored, and exec keeps that.
// The child still gets Ctrl-C's default action, as in a terminal: else a test of what Ctrl-C
// does to a program would test the shell it was started from.
TEST(ChildProcessTest, ChildGetsTheDefaultSignalActionsThoughTheTestIgnoresSigint) {
    struct sigaction ignore {};
    struct sigaction previous {};
    ignore.sa_handler = SIG_IGN;
    ASSERT_EQ(::sigaction(SIGINT, &ignore, &previous), 0);
    ChildProcess child({"/bin/sh", "-c", "echo started; exec /bin/sleep 300"});
    ::sigaction(SIGINT, &previous, nullptr);
    ASSERT_EQ(child.read_line(), "started");  // past exec: a signal now meets what the child has
    child.send_signal(SIGINT);
    EXPECT_EQ(child.wait(5s), 128 + SIGINT);
}

TEST(ChildProcessTest, MissingProgramExitsWith127) {
    ChildProcess missing({"/nonexistent/program"});
    EXPECT_EQ(missing.wait(5s), 127);
    EXPECT_NE(missing.stderr_text().find("cannot exec"), std::string::npos);
}

// A child that died closed its stdin: writing to it is an error the test sees (an exception),
// never a SIGPIPE that kills the test process without its message.
TEST(ChildProcessTest, WritingToADeadChildThrowsInsteadOfRaisingSigpipe) {
    ChildProcess gone({"/bin/sh", "-c", "exit 3"});
    EXPECT_EQ(gone.wait(5s), 3);
    EXPECT_THROW(gone.write_stdin(std::string(1 << 16, 'x')), std::runtime_error);
    sigset_t pending;
    sigpending(&pending);
    EXPECT_FALSE(sigismember(&pending, SIGPIPE));  // none left to strike later
}

}  // namespace
