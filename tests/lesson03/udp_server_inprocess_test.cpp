// UdpServer as a class, run in this process: bound to port 0, driven by an io_context on a
// thread of its own, stopped through that io_context (the server is single-threaded, so
// stop() must run on the thread that runs it: asio::post puts it there).

#include "lessons/03-udp/udp_server.hpp"
#include "tests/lesson03/udp_test_socket.hpp"

#include <gtest/gtest.h>

#include <asio/post.hpp>
#include <sstream>
#include <thread>

namespace {

using namespace std::chrono_literals;
using lesson03::testing::UdpTestSocket;

class InProcessServer {
public:
    explicit InProcessServer(lesson03::ServerConfig config)
        : log_(course::LogLevel::info, log_text_),
          server_(lesson03::UdpServer::create(io_, {asio::ip::make_address("127.0.0.1"), 0}, config, log_)) {
        server_->start();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~InProcessServer() { stop(); }

    std::uint16_t port() const { return server_->local_endpoint().port(); }

    void stop() {
        if (!thread_.joinable()) return;
        asio::post(io_, [server = server_] { server->stop(); });
        thread_.join();  // run() returns once nothing is pending: the stop really stopped it
    }

    std::string log() const { return log_text_.str(); }  // only after stop(): the thread is gone

private:
    std::ostringstream log_text_;
    course::Logger log_;
    asio::io_context io_;
    std::shared_ptr<lesson03::UdpServer> server_;
    std::thread thread_;
};

TEST(UdpServerInProcessTest, BindsPortZeroAndReflects) {
    InProcessServer server({});
    EXPECT_NE(server.port(), 0);
    UdpTestSocket client;
    client.send_to(server.port(), "in process");
    EXPECT_EQ(client.receive().data, "in process");
    server.stop();
    EXPECT_NE(server.log().find("datagrams_in=1 bytes_in=10 datagrams_out=1 bytes_out=10 dropped=0"),
              std::string::npos)
        << "the last summary, at stop: " << server.log();
}

TEST(UdpServerInProcessTest, StopEndsRunAndDiscardsHeldDatagrams) {
    // A seed whose plan holds datagram #0 for at least 30 s and sends #1 back within 100 ms:
    // once #1 is back, #0 has been handled (one thread, arrival order) and is waiting.
    lesson03::ServerConfig config;
    config.faults.jitter_ms = 60'000;
    for (config.faults.seed = 1;; ++config.faults.seed) {
        ASSERT_LT(config.faults.seed, 1'000'000u);
        const lesson03::FaultPlan plan(config.faults);
        if (plan.decide(0).delay[0] >= 30s && plan.decide(1).delay[0] < 100ms) break;
    }
    InProcessServer server(config);
    UdpTestSocket client;
    client.send_to(server.port(), "held");
    client.send_to(server.port(), "marker");
    EXPECT_EQ(client.receive().data, "marker");
    server.stop();
    EXPECT_NE(server.log().find("discarding 1 datagrams still held back"), std::string::npos) << server.log();
}

}  // namespace
