// The HaproxyServer test harness (tests/support/haproxy_server.hpp): a real HAProxy in front of
// a scripted TCP backend, and the ways its start fails.
#include "tests/support/haproxy_server.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

namespace course::testing {
namespace {

TEST(HaproxyServerTest, ProxiesATcpBackendInModeTcp) {
    TestListener backend;
    HaproxyServer haproxy(HaproxyServer::tcp_proxy_template(),
                          {{"BACKEND_PORT", std::to_string(backend.port())}});
    EXPECT_NE(haproxy.config().find("bind 127.0.0.1:" + std::to_string(haproxy.port())), std::string::npos);

    TestSocket client = TestSocket::connect(haproxy.port());
    client.send_all("hello through haproxy\n");
    TestSocket server_side = backend.accept();  // HAProxy connected on the client's behalf
    EXPECT_EQ(server_side.read_line(), "hello through haproxy");
    server_side.send_all("and back\n");
    EXPECT_EQ(client.read_line(), "and back");

    server_side.shutdown_write();  // the backend closes: HAProxy closes the client's side too
    EXPECT_TRUE(client.wait_for_close());
}

TEST(HaproxyServerTest, ProxiesRedis) {
    RedisServer redis;
    HaproxyServer haproxy(HaproxyServer::tcp_proxy_template(),
                          {{"BACKEND_PORT", std::to_string(redis.port())}});
    TestSocket client = TestSocket::connect(haproxy.port());
    client.send_all("*1\r\n$4\r\nPING\r\n");
    EXPECT_EQ(client.read_line(), "+PONG\r");
}

TEST(HaproxyServerTest, ARefusedConfigurationFailsWithHaproxysError) {
    try {
        HaproxyServer haproxy("frontend front\n    bind 127.0.0.1:${FRONTEND_PORT}\n    no-such-keyword\n");
        FAIL() << "started with a broken configuration";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("no-such-keyword"), std::string::npos) << error.what();
    }
}

TEST(HaproxyServerTest, ATemplateValueWithoutAValueIsNamed) {
    EXPECT_EQ(fill_template("a ${X} b ${Y}", {{"X", "1"}, {"Y", "2"}}), "a 1 b 2");
    try {
        HaproxyServer haproxy(HaproxyServer::tcp_proxy_template());  // no BACKEND_PORT
        FAIL() << "started without BACKEND_PORT";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("${BACKEND_PORT}"), std::string::npos) << error.what();
    }
}

TEST(RedisServerTest, RunsOnAFreePortAndRestartsOnTheSameOne) {
    RedisServer redis;
    EXPECT_EQ(redis.command_line({"SET", "k", "v"}), "+OK");
    EXPECT_EQ(redis.command_line({"CONFIG", "GET", "save"}), "*2");
    const std::uint16_t port = redis.port();
    redis.kill();
    EXPECT_FALSE(redis.running());
    EXPECT_THROW(TestSocket::connect(port), std::runtime_error);
    redis.restart();
    EXPECT_EQ(redis.port(), port);
    EXPECT_EQ(redis.command_line({"EXISTS", "k"}), ":0");  // nothing was saved
    redis.stop();
    EXPECT_FALSE(redis.running());
}

}  // namespace
}  // namespace course::testing
