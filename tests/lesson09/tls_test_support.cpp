#include "tls_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lesson09::testing {

using namespace std::chrono_literals;

Certificates::Certificates(std::vector<std::string> names, int server_days)
    : dir_(std::make_unique<course::testing::TempDir>("lesson09-certs")) {
    std::vector<std::string> argv{"/usr/bin/env", "SERVER_DAYS=" + std::to_string(server_days),
                                  std::string(COURSE_LESSON09_DIR) + "/make_certs.sh", dir_->path()};
    argv.insert(argv.end(), names.begin(), names.end());
    const auto run = course::peers::run_program(argv, 30s);
    if (run.exit_code != 0) {
        std::ostringstream text;
        text << "make_certs.sh failed: " << run;
        throw std::runtime_error(text.str());
    }
}

std::string Certificates::spki() const {
    std::ifstream in(file("server.spki"));
    std::string hash;
    std::getline(in, hash);
    return hash;
}

course::testing::ServerProcess start_tls_server(const Certificates& certs, std::vector<std::string> extra) {
    std::vector<std::string> args{"--cert", certs.file("server.pem"), "--key", certs.file("server.key")};
    args.insert(args.end(), extra.begin(), extra.end());
    return course::testing::start_server("09-tls-chat-server", args);
}

course::peers::PeerRun s_client(std::uint16_t port, std::vector<std::string> args) {
    std::vector<std::string> argv{openssl(), "s_client", "-connect", "127.0.0.1:" + std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    return course::peers::run_program(argv, 15s);
}

}  // namespace lesson09::testing
