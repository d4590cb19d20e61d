#include "common/cli.hpp"

#include <cstdlib>
#include <iostream>

namespace course {

LogLevel CommonOptions::log_level() const noexcept {
    if (trace) return LogLevel::trace;
    if (verbose) return LogLevel::verbose;
    if (quiet) return LogLevel::quiet;
    return LogLevel::info;
}

void add_common_options(CLI::App& app, CommonOptions& options, Role role) {
    const bool server = role == Role::server;
    const char* host_help =
        server ? "the address to listen on (0.0.0.0 or :: for every interface; IPv6 literals work: ::1)"
               : "the server's address or name (IPv6 literals work: ::1)";
    const char* port_help = server ? "the port to listen on; 0 picks any free port" : "the server's port";
    app.add_option("--host", options.host, host_help)->capture_default_str();
    app.add_option("--port", options.port, port_help)->capture_default_str()->check(CLI::Range(0, 65535));
    app.add_flag("--trace", options.trace, "show every protocol step and a hex dump of each packet");
    app.add_flag("--verbose,-v", options.verbose, "log more detail");
    app.add_flag("--quiet,-q", options.quiet, "log nothing but errors");
    app.failure_message([](const CLI::App* failed, const CLI::Error& error) {
        return failed->get_name() + ": error: " + error.what() + " (see --help)\n";
    });
}

CLI::Validator positive_number() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            double value = 0;
            if (!CLI::detail::lexical_cast(text, value) || !(value > 0))
                return "must be a number greater than 0";
            return {};
        },
        "POSITIVE");
}

CLI::Option* add_seconds_option(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                                const std::string& description) {
    const double default_seconds = std::chrono::duration<double>(target).count();
    return app
        .add_option_function<double>(
            name,
            [&target](double seconds) {
                // Rounded up: a value above 0 never becomes a timeout of 0 ms (0.0001 is 1 ms).
                target = std::chrono::ceil<std::chrono::milliseconds>(std::chrono::duration<double>(seconds));
            },
            description + " (seconds, default " + CLI::detail::to_string(default_seconds) + ")")
        ->check(positive_number())
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                double value = 0;
                if (CLI::detail::lexical_cast(text, value) && value > max_seconds) {
                    return "must be at most " + CLI::detail::to_string(max_seconds) + " seconds (a year)";
                }
                return {};
            },
            "SECONDS"));
}

void add_backpressure_options(CLI::App& app, BackpressureLimits& limits) {
    app.add_option("--queue-hard-limit,--max-queue", limits.hard_bytes,
                   "bytes waiting for one client that close it at once")
        ->transform(CLI::AsSizeValue(false))
        ->check(positive_number())
        ->capture_default_str();
    app.add_option("--queue-soft-limit", limits.soft_bytes,
                   "bytes waiting for one client that close it when they stay for --queue-soft-time")
        ->transform(CLI::AsSizeValue(false))
        ->check(positive_number())
        ->capture_default_str();
    add_seconds_option(app, "--queue-soft-time", limits.soft_time,
                       "how long a client may stay above the soft limit, or read nothing while bytes wait");
}

int guarded_main(const CLI::App& app, const std::function<int()>& body) {
    try {
        return body();
    } catch (const std::exception& error) {
        std::cerr << app.get_name() << ": error: " << error.what() << std::endl;
        return EXIT_FAILURE;
    }
}

}  // namespace course
