#pragma once
// What the lesson 09 tests share: a CA and a server certificate made in a temporary folder by
// the same script scripts/run 09 uses (lessons/09-tls/make_certs.sh, so the script is tested
// too), 09-tls-chat-server started with them, and openssl s_client runs against it.

#include "tests/peers/peers.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <memory>
#include <string>
#include <vector>

namespace lesson09::testing {

// Debian's openssl program (ChildProcess runs a path, it does not search PATH).
inline std::string openssl() { return "/usr/bin/openssl"; }

// A fresh CA and server certificate (for `names`, default localhost 127.0.0.1 ::1), valid for
// `server_days` days (make_certs.sh's SERVER_DAYS; -1: expired).
class Certificates {
public:
    explicit Certificates(std::vector<std::string> names = {}, int server_days = 397);
    std::string file(const std::string& name) const { return dir_->path() + "/" + name; }
    std::string ca() const { return file("ca.pem"); }
    std::string spki() const;  // server.spki's hash, for Chromium

private:
    std::unique_ptr<course::testing::TempDir> dir_;
};

// 09-tls-chat-server --port 0 --cert --key <extra...>, its "listening on" line read.
course::testing::ServerProcess start_tls_server(const Certificates& certs,
                                                std::vector<std::string> extra = {});

// openssl s_client -connect 127.0.0.1:PORT <args...> with stdin closed: it handshakes, prints
// what it negotiated, and leaves.
course::peers::PeerRun s_client(std::uint16_t port, std::vector<std::string> args);

}  // namespace lesson09::testing
