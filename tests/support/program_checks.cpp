#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

namespace course::testing {

namespace {

constexpr std::size_t short_line = 120;  // characters: "NAME: error: --flag: what (see --help)"

}  // namespace

::testing::AssertionResult stdout_line_with(ChildProcess& process, std::string_view needle,
                                            std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string seen;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds::zero()) break;
        const auto line = process.read_line(left);
        if (!line) break;  // the end of its output, or the time is up
        if (line->find(needle) != std::string::npos) return ::testing::AssertionSuccess();
        seen += *line + "\n";
    }
    return ::testing::AssertionFailure() << "no line with '" << needle << "'; got:\n"
                                         << seen << "stderr:\n"
                                         << process.stderr_text();
}

void expect_one_line_failure(ChildProcess& process, std::string_view expected) {
    const auto code = process.wait();  // also waits for the last of stderr
    ASSERT_TRUE(code) << "still running";
    EXPECT_NE(*code, 0);
    const std::string err = process.stderr_text();
    EXPECT_NE(err.find(expected), std::string::npos) << "expected '" << expected << "' in: " << err;
    EXPECT_EQ(err.find('\n'), err.size() - 1) << "expected exactly one line: " << err;
}

void expect_seconds_flag(std::string_view binary, const std::string& flag, std::string_view default_seconds,
                         const std::vector<std::string>& other_args) {
    SCOPED_TRACE(std::string(binary) + " " + flag);
    ChildProcess help({bin_path(binary), "--help"});
    const std::string text = help.read_all_stdout().value_or("");
    EXPECT_EQ(help.wait(), 0);
    // CLI11 lists each option as "  --name,--alias TYPE" and its description, up to the next
    // "  -": find the entry whose names include `flag`.
    std::string entry, name;
    for (std::size_t at = text.find("\n  -"); at != std::string::npos && entry.empty();) {
        const std::size_t next = text.find("\n  -", at + 1);
        const std::string candidate = text.substr(at + 3, next == std::string::npos ? next : next - at - 3);
        const std::string names = candidate.substr(0, candidate.find(' '));
        if (("," + names + ",").find("," + flag + ",") != std::string::npos) {
            entry = candidate;
            name = names.substr(0, names.find(','));  // errors name an option by its first name
        }
        at = next;
    }
    ASSERT_FALSE(entry.empty()) << "not in --help: " << text;
    EXPECT_NE(entry.find("(seconds, default " + std::string(default_seconds) + ")"), std::string::npos)
        << entry;

    for (const char* bad : {"-1", "0", "1e300"}) {
        SCOPED_TRACE(std::string("value ") + bad);
        std::vector<std::string> argv{bin_path(binary)};
        argv.insert(argv.end(), other_args.begin(), other_args.end());
        argv.insert(argv.end(), {flag, bad});
        ChildProcess refused(argv);
        expect_one_line_failure(refused, name + ": must be");
        EXPECT_LE(refused.stderr_text().size(), short_line) << refused.stderr_text();
    }
}

}  // namespace course::testing
