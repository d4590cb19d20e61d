// Memory per idle wss:// connection: printed, and at most 64 KiB (the bound). The README
// gives the measured number and where it goes: TlsStream keeps no buffer while idle (OpenSSL's
// record buffers are released, ciphertext and plaintext pass through buffers the server's
// connections share), so what remains is the SSL object, its session, the socket and lesson 05's
// session. asio::ssl::stream, which kept four 17 KiB buffers per connection, cost about 76 KiB.
#include "tests/lesson05/proc_memory.hpp"
#include "tls_test_support.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#include <iostream>
#include <list>

namespace {

using asio::ip::tcp;
using lesson09::testing::Certificates;

constexpr std::size_t warm_up = 20;       // connections before the first measurement
constexpr std::size_t measured = 200;     // idle connections measured
constexpr std::size_t bound = 64 * 1024;  // bytes per idle connection, at most

using Stream = asio::ssl::stream<tcp::socket>;

// A verifying TLS client that completes the WebSocket upgrade and then stays silent. Every
// read and write has a 10 s timeout (SO_RCVTIMEO, SO_SNDTIMEO on the blocking socket).
void open_idle(std::list<Stream>& streams, asio::io_context& io, asio::ssl::context& context,
               std::uint16_t port) {
    Stream& stream = streams.emplace_back(io, context);
    stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    const timeval timeout{10, 0};
    ::setsockopt(stream.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(stream.next_layer().native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    stream.set_verify_mode(asio::ssl::verify_peer);
    stream.handshake(Stream::client);
    asio::write(stream,
                asio::buffer(std::string_view(
                    "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")));
    std::string answer;
    asio::read_until(stream, asio::dynamic_buffer(answer, 64 * 1024), "\r\n\r\n");
    ASSERT_EQ(answer.rfind("HTTP/1.1 101 ", 0), 0u) << answer;
}

TEST(TlsMemoryTest, AnIdleWssConnectionCostsAtMost64KiB) {
    const Certificates certs;
    auto server = lesson05::testing::start_measured_server(
        "09-tls-chat-server", {"--cert", certs.file("server.pem"), "--key", certs.file("server.key")});
    asio::io_context io;
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(certs.ca());
    std::list<Stream> streams;
    for (std::size_t i = 0; i < warm_up; ++i)
        ASSERT_NO_FATAL_FAILURE(open_idle(streams, io, context, server.port));
    const std::size_t before = lesson05::testing::rss_bytes(server.process->pid());
    for (std::size_t i = 0; i < measured; ++i)
        ASSERT_NO_FATAL_FAILURE(open_idle(streams, io, context, server.port));
    const std::size_t after = lesson05::testing::rss_bytes(server.process->pid());
    const std::size_t per_connection = after > before ? (after - before) / measured : 0;
    std::cout << "server RSS " << before / 1024 << " KiB -> " << after / 1024 << " KiB for " << measured
              << " idle wss:// connections: " << per_connection << " bytes each\n";
    EXPECT_LE(per_connection, bound);
}

}  // namespace
