#pragma once
// The command-line flags every lesson program shares, on CLI11, and the one shape of `main`.
// Include this only in files that hold a main(): CLI11 is a large header.
//
//   int main(int argc, char** argv) {
//       CLI::App app{"Blocking TCP echo server", "01-echo-server"};
//       course::CommonOptions options{.port = 7001};
//       course::add_common_options(app, options, course::Role::server);
//       CLI11_PARSE(app, argc, argv);
//       return course::guarded_main(app, [&] { ...; return EXIT_SUCCESS; });
//   }

#include "common/backpressure.hpp"
#include "common/logger.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>

namespace course {

// Which end of the conversation a program is. It decides what --host and --port mean, and so
// what --help says about them: a server listens on them, a client connects to them.
enum class Role {
    server,  // --host: the address to listen on; --port: its port, 0 for any free one
    client,  // --host, --port: where the server is
};

struct CommonOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // each lesson sets its own default; a server given 0 gets any free port
    bool trace = false;
    bool verbose = false;
    bool quiet = false;

    LogLevel log_level() const noexcept;
};

// Adds --host, --port, --trace, --verbose and --quiet, described for the program's role, and
// makes a bad argument print one line ("NAME: error: ... (see --help)") and exit non-zero.
void add_common_options(CLI::App& app, CommonOptions& options, Role role);

// Accepts a number greater than zero, with a short message otherwise (CLI11 2.1's own
// PositiveNumber prints the whole range of a double).
CLI::Validator positive_number();

// Adds a flag given in (fractional) seconds, such as "--idle-timeout 0.5", stored as
// milliseconds (rounded up, so never 0). The value must be greater than 0 and at most
// max_seconds (a year): every duration flag of the course reads, and fails, the same way.
inline constexpr double max_seconds = 365.0 * 24 * 3600;
CLI::Option* add_seconds_option(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                                const std::string& description);

// Adds the slow-consumer limits of common/backpressure.hpp: --queue-hard-limit (also spelled
// --max-queue), --queue-soft-limit and --queue-soft-time. Sizes take units: 32MiB, 512KiB, 1M.
void add_backpressure_options(CLI::App& app, BackpressureLimits& limits);

// Runs the program body; an exception becomes "NAME: error: what" on stderr and EXIT_FAILURE.
int guarded_main(const CLI::App& app, const std::function<int()>& body);

}  // namespace course
