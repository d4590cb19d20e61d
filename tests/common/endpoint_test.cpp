#include "common/endpoint.hpp"
#include "common/announce.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace {

TEST(EndpointTest, FormatsIpv4AsHostColonPort) {
    EXPECT_EQ(course::format_endpoint(asio::ip::make_address("127.0.0.1"), 7001), "127.0.0.1:7001");
}

TEST(EndpointTest, FormatsIpv6InBrackets) {
    EXPECT_EQ(course::format_endpoint(asio::ip::tcp::endpoint(asio::ip::make_address("::1"), 80)),
              "[::1]:80");
}

TEST(EndpointTest, ResolvesLiteralsWithoutDns) {
    EXPECT_EQ(course::resolve_listen_endpoint("::1", 5).address().to_string(), "::1");
    EXPECT_EQ(course::resolve_listen_endpoint("0.0.0.0", 0).address().to_string(), "0.0.0.0");
    EXPECT_TRUE(course::resolve_listen_endpoint("localhost", 9).address().is_loopback());
}

TEST(EndpointTest, UnknownHostNamesTheHost) {
    try {
        course::resolve_listen_endpoint("no-such-host.invalid", 1);
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("no-such-host.invalid"), std::string::npos);
    }
}

TEST(AnnounceTest, PrintsTheListeningLine) {
    std::ostringstream out;
    course::announce_listening(out, "[::1]:1234");
    EXPECT_EQ(out.str(), "listening on [::1]:1234\n");
}

}  // namespace
