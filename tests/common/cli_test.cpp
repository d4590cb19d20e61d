#include "common/cli.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

namespace {

struct Parsed {
    course::CommonOptions options;
    CLI::App app{"test", "prog"};
    Parsed() {
        options.port = 7001;
        course::add_common_options(app, options, course::Role::server);
    }
    void parse(std::vector<std::string> args) {
        std::reverse(args.begin(), args.end());  // CLI11 takes them last to first
        app.parse(args);
    }
};

TEST(CommonOptionsTest, DefaultsAreLoopbackAndTheLessonPort) {
    Parsed p;
    p.parse({});
    EXPECT_EQ(p.options.host, "127.0.0.1");
    EXPECT_EQ(p.options.port, 7001);
    EXPECT_EQ(p.options.log_level(), course::LogLevel::info);
}

TEST(CommonOptionsTest, AcceptsIpv6HostPortZeroAndTrace) {
    Parsed p;
    p.parse({"--host", "::1", "--port", "0", "--trace"});
    EXPECT_EQ(p.options.host, "::1");
    EXPECT_EQ(p.options.port, 0);
    EXPECT_EQ(p.options.log_level(), course::LogLevel::trace);
}

TEST(CommonOptionsTest, RejectsPortOutOfRange) {
    Parsed p;
    EXPECT_THROW(p.parse({"--port", "70000"}), CLI::ParseError);
    Parsed q;
    EXPECT_THROW(q.parse({"--port", "seven"}), CLI::ParseError);
}

TEST(CommonOptionsTest, ErrorMessageIsOneLine) {
    Parsed p;
    try {
        p.parse({"--bogus"});
        FAIL() << "expected a parse error";
    } catch (const CLI::ParseError& error) {
        std::ostringstream out, err;
        EXPECT_NE(p.app.exit(error, out, err), 0);
        const std::string message = err.str();
        EXPECT_EQ(message.find('\n'), message.size() - 1) << message;
        EXPECT_EQ(message.rfind("prog: error: ", 0), 0u) << message;
    }
}

// What --help says about --host and --port, for a program of the given role.
std::string common_help(course::Role role) {
    CLI::App app{"test", "prog"};
    course::CommonOptions options;
    course::add_common_options(app, options, role);
    return app.help();
}

TEST(CommonOptionsTest, ServerHelpSaysWhereItListensAndThatPortZeroPicksAFreePort) {
    const std::string help = common_help(course::Role::server);
    EXPECT_NE(help.find("the address to listen on"), std::string::npos) << help;
    EXPECT_NE(help.find("0 picks any free port"), std::string::npos) << help;
    EXPECT_EQ(help.find("the server's"), std::string::npos) << help;
}

TEST(CommonOptionsTest, ClientHelpNamesTheServersAddressAndPortAndNoFreePort) {
    const std::string help = common_help(course::Role::client);
    EXPECT_NE(help.find("the server's address or name"), std::string::npos) << help;
    EXPECT_NE(help.find("the server's port"), std::string::npos) << help;
    EXPECT_EQ(help.find("free port"), std::string::npos) << help;
    EXPECT_EQ(help.find("listen"), std::string::npos) << help;
}

TEST(SecondsOptionTest, TakesFractionsAndRefusesZero) {
    CLI::App app{"test", "prog"};
    std::chrono::milliseconds timeout{std::chrono::seconds(5)};
    course::add_seconds_option(app, "--timeout", timeout, "how long");
    app.parse(std::vector<std::string>{"0.25", "--timeout"});
    EXPECT_EQ(timeout, std::chrono::milliseconds(250));
    EXPECT_THROW(app.parse(std::vector<std::string>{"0", "--timeout"}), CLI::ValidationError);
}

TEST(SecondsOptionTest, RoundsUpSoAPositiveValueNeverBecomesZeroMilliseconds) {
    CLI::App app{"test", "prog"};
    std::chrono::milliseconds timeout{std::chrono::seconds(5)};
    course::add_seconds_option(app, "--timeout", timeout, "how long");
    app.parse(std::vector<std::string>{"0.0001", "--timeout"});
    EXPECT_EQ(timeout, std::chrono::milliseconds(1));
    app.parse(std::vector<std::string>{"1.5", "--timeout"});
    EXPECT_EQ(timeout, std::chrono::milliseconds(1500));
}

TEST(SecondsOptionTest, HelpSaysSecondsAndTheDefault) {
    CLI::App app{"test", "prog"};
    std::chrono::milliseconds timeout{std::chrono::milliseconds(2500)};
    course::add_seconds_option(app, "--timeout", timeout, "how long");
    EXPECT_NE(app.help().find("how long (seconds, default 2.5)"), std::string::npos) << app.help();
}

TEST(SecondsOptionTest, RefusesNegativeAndAbsurdValuesInOneShortLine) {
    CLI::App app{"test", "prog"};
    std::chrono::milliseconds timeout{std::chrono::seconds(5)};
    course::add_seconds_option(app, "--timeout", timeout, "how long");
    for (const char* bad : {"-1", "1e300", "inf", "nan", "abc"}) {
        try {
            app.parse(std::vector<std::string>{bad, "--timeout"});
            ADD_FAILURE() << bad << " was accepted";
        } catch (const CLI::ValidationError& e) {
            EXPECT_LT(std::string(e.what()).size(), 120u) << "no 300-digit range: " << e.what();
        } catch (const CLI::ParseError& e) {
            EXPECT_LT(std::string(e.what()).size(), 120u) << e.what();
        }
    }
    EXPECT_EQ(timeout, std::chrono::seconds(5)) << "unchanged by refused values";
    app.parse(std::vector<std::string>{"31536000", "--timeout"});
    EXPECT_EQ(timeout, std::chrono::seconds(31'536'000));
}

TEST(GuardedMainTest, ExceptionBecomesFailureExit) {
    CLI::App app{"test", "prog"};
    EXPECT_EQ(course::guarded_main(app, [] { return 0; }), 0);
    EXPECT_EQ(course::guarded_main(app, []() -> int { throw std::runtime_error("boom"); }), EXIT_FAILURE);
}

}  // namespace
