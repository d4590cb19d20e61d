// Memory per idle wss:// connection: printed, and at most 64 KiB (the bound). The README
// gives the measured number and where it goes: TlsStream keeps no buffer while idle (OpenSSL's
// record buffers are released, ciphertext and plaintext pass through buffers the server's
// connections share), so what remains is the SSL object, its session, the socket and lesson 05's
// session. asio::ssl::stream, which kept four 17 KiB buffers per connection, cost about 76 KiB.
// For comparison the same client measures lesson 05's server over ws:// (printed, not bounded
// here: lesson 05's tests bound it).
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
#include <string>
#include <string_view>

namespace {

using asio::ip::tcp;
using lesson09::testing::Certificates;

constexpr std::size_t warm_up = 20;       // connections before the first measurement
constexpr std::size_t measured = 200;     // idle connections measured
constexpr std::size_t bound = 64 * 1024;  // bytes per idle wss:// connection, at most

using TlsStream = asio::ssl::stream<tcp::socket>;

constexpr std::string_view upgrade =
    "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

// Connects with a 10 s timeout on every read and write (SO_RCVTIMEO, SO_SNDTIMEO on the blocking socket).
void connect(tcp::socket& socket, std::uint16_t port) {
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    const timeval timeout{10, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

// Completes the WebSocket upgrade on `stream`, which then stays silent.
template <class SyncStream> void upgrade_and_idle(SyncStream& stream) {
    asio::write(stream, asio::buffer(upgrade));
    std::string answer;
    asio::read_until(stream, asio::dynamic_buffer(answer, 64 * 1024), "\r\n\r\n");
    ASSERT_EQ(answer.rfind("HTTP/1.1 101 ", 0), 0u) << answer;
}

// A verifying TLS client (wss://).
class WssClients {
public:
    WssClients(const Certificates& certs, std::uint16_t port) : port_(port) {
        context_.load_verify_file(certs.ca());
    }
    void open_idle() {
        TlsStream& stream = streams_.emplace_back(io_, context_);
        connect(stream.next_layer(), port_);
        stream.set_verify_mode(asio::ssl::verify_peer);
        stream.handshake(TlsStream::client);
        upgrade_and_idle(stream);
    }

private:
    std::uint16_t port_;
    asio::io_context io_;
    asio::ssl::context context_{asio::ssl::context::tls_client};
    std::list<TlsStream> streams_;
};

// The same client without TLS (ws://).
class WsClients {
public:
    explicit WsClients(std::uint16_t port) : port_(port) {}
    void open_idle() {
        tcp::socket& socket = sockets_.emplace_back(io_);
        connect(socket, port_);
        upgrade_and_idle(socket);
    }

private:
    std::uint16_t port_;
    asio::io_context io_;
    std::list<tcp::socket> sockets_;
};

// The server's RSS growth per idle connection that `clients` opens, after a warm-up.
template <class Clients> std::size_t bytes_per_connection(const course::testing::ServerProcess& server,
                                                          Clients& clients, std::string_view scheme) {
    for (std::size_t i = 0; i < warm_up; ++i) {
        clients.open_idle();
        if (::testing::Test::HasFatalFailure()) return 0;
    }
    const std::size_t before = lesson05::testing::rss_bytes(server.process->pid());
    for (std::size_t i = 0; i < measured; ++i) {
        clients.open_idle();
        if (::testing::Test::HasFatalFailure()) return 0;
    }
    const std::size_t after = lesson05::testing::rss_bytes(server.process->pid());
    const std::size_t per_connection = after > before ? (after - before) / measured : 0;
    std::cout << "server RSS " << before / 1024 << " KiB -> " << after / 1024 << " KiB for " << measured
              << " idle " << scheme << " connections: " << per_connection << " bytes each\n";
    return per_connection;
}

TEST(TlsMemoryTest, AnIdleWssConnectionCostsAtMost64KiB) {
    const Certificates certs;
    auto tls_server = lesson05::testing::start_measured_server(
        "09-tls-chat-server", {"--cert", certs.file("server.pem"), "--key", certs.file("server.key")});
    WssClients wss(certs, tls_server.port);
    const std::size_t wss_bytes = bytes_per_connection(tls_server, wss, "wss://");
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_LE(wss_bytes, bound);

    auto plain_server = lesson05::testing::start_measured_server("05-chat-server");
    WsClients ws(plain_server.port);
    const std::size_t ws_bytes = bytes_per_connection(plain_server, ws, "ws://");
    ASSERT_FALSE(HasFatalFailure());
    std::cout << "TLS adds " << (wss_bytes > ws_bytes ? wss_bytes - ws_bytes : 0)
              << " bytes per idle connection\n";
}

}  // namespace
