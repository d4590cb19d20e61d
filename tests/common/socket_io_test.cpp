#include "common/socket_io.hpp"
#include "common/stop_event.hpp"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;
using course::IoStatus;

// Two ends of a real loopback TCP connection.
struct Connection {
    asio::io_context io;
    tcp::socket a{io};
    tcp::socket b{io};
    Connection() {
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        a.connect(acceptor.local_endpoint());
        acceptor.accept(b);
    }
};

TEST(SocketIoTest, ReadSomeReturnsWhatArrived) {
    Connection c;
    course::StopEvent stop;
    ASSERT_EQ(course::write_all(c.a, asio::buffer(std::string("hello")), stop, 1s).status, IoStatus::ok);
    char buffer[64];
    const auto got = course::read_exactly(c.b, asio::buffer(buffer, 5), stop, 5s);
    ASSERT_EQ(got.status, IoStatus::ok);
    EXPECT_EQ(std::string(buffer, 5), "hello");
}

TEST(SocketIoTest, ReadTimesOutOnASilentPeer) {
    Connection c;
    course::StopEvent stop;
    char buffer[8];
    EXPECT_EQ(course::read_some(c.b, asio::buffer(buffer), stop, 50ms).status, IoStatus::timed_out);
}

TEST(SocketIoTest, ReadSeesTheEndOfTheStream) {
    Connection c;
    course::StopEvent stop;
    c.a.close();
    char buffer[8];
    EXPECT_EQ(course::read_some(c.b, asio::buffer(buffer), stop, 5s).status, IoStatus::closed);
}

TEST(SocketIoTest, StopInterruptsARead) {
    Connection c;
    course::StopEvent stop;
    std::thread stopper([&] { stop.request(); });
    char buffer[8];
    EXPECT_EQ(course::read_some(c.b, asio::buffer(buffer), stop, 10s).status, IoStatus::stopped);
    stopper.join();
}

TEST(SocketIoTest, WriteToAPeerThatNeverReadsTimesOutInsteadOfBlocking) {
    Connection c;
    course::StopEvent stop;
    const std::string big(32 << 20, 'x');  // far more than both kernel buffers hold
    const auto sent = course::write_all(c.a, asio::buffer(big), stop, 200ms);
    EXPECT_EQ(sent.status, IoStatus::timed_out);
    EXPECT_GT(sent.bytes, 0u);
    EXPECT_LT(sent.bytes, big.size());
}

}  // namespace
