#pragma once
// The flags both lesson 01 servers take, so that they stay the same program to a user.
// Only for files with a main(): it brings in CLI11.

#include "common/cli.hpp"

#include <chrono>

namespace lesson01 {

struct EchoServerFlags {
    course::CommonOptions common;
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};  // drop a silent client
};

inline void add_echo_server_flags(CLI::App& app, EchoServerFlags& flags) {
    flags.common.port = 7001;  // lesson 01's default port
    course::add_common_options(app, flags.common, course::Role::server);
    course::add_seconds_option(app, "--idle-timeout", flags.idle_timeout,
                               "silence after which a client is dropped");
}

}  // namespace lesson01
