#pragma once
// Checks on a course program run as a process (ChildProcess), written once for every suite:
// the lines it prints, and how it refuses a bad command line or fails to start: a non-zero
// exit and one line on stderr ("NAME: error: what"), never a stack trace, a page of usage or a
// 300-digit range.

#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace course::testing {

// Reads `process`'s stdout line by line until one contains `needle`, for at most `timeout` in
// all; a failure shows every line read, and stderr.
::testing::AssertionResult stdout_line_with(ChildProcess& process, std::string_view needle,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Waits for `process` to exit (a failure of the test if it does not within 10 s) and expects a
// non-zero exit code and exactly one line on stderr, containing `expected`.
void expect_one_line_failure(ChildProcess& process, std::string_view expected);

// A duration flag made with course::add_seconds_option (common/cli.hpp), checked on the real
// program: --help describes it with "(seconds, default DEFAULT)", and each of -1, 0 and 1e300
// is refused with one short line that names the flag. `other_args` go before the flag (a
// program with a required argument needs it, or it would complain about that first).
void expect_seconds_flag(std::string_view binary, const std::string& flag, std::string_view default_seconds,
                         const std::vector<std::string>& other_args = {});

}  // namespace course::testing
