#include "echo_server.hpp"

#include "common/endpoint.hpp"
#include "common/fd_wait.hpp"
#include "common/hex_dump.hpp"
#include "common/listener.hpp"
#include "common/socket_io.hpp"

#include <asio/socket_base.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace lesson01 {

EchoServer::EchoServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, EchoServerConfig config,
                       course::Logger& log, const course::StopEvent& stop)
    : acceptor_(course::open_tcp_listener(io, endpoint)), config_(config), log_(log), stop_(stop) {}

void EchoServer::run() {
    for (;;) {
        // Sleep until a client is waiting to be accepted, or until we are told to stop.
        if (course::wait_readable(acceptor_.native_handle(), stop_, course::no_timeout) ==
            course::WaitResult::stopped) {
            return;
        }
        asio::ip::tcp::socket client(acceptor_.get_executor());
        std::error_code ec;
        acceptor_.accept(client, ec);
        if (ec) {  // e.g. the client gave up before we got to it: not a reason to stop serving
            log_.info("accept failed: ", ec.message());
            continue;
        }
        // TCP_NODELAY: send each echo at once. Without it, Nagle's algorithm holds back a small
        // last piece until the client ACKs, and the client delays that ACK by up to 40 ms.
        client.set_option(asio::ip::tcp::no_delay(true), ec);
        const std::string peer = course::format_endpoint(client.remote_endpoint(ec));
        log_.info("client ", peer, " connected");
        serve(client, peer);
        if (stop_.requested()) return;
    }
}

void EchoServer::serve(asio::ip::tcp::socket& client, const std::string& peer) {
    std::vector<char> buffer(config_.buffer_size);
    std::size_t total = 0;
    for (;;) {
        // read_some returns as soon as *some* bytes are there: 1 byte or a whole buffer,
        // however the sender's writes were cut up on the way. Its return value is the truth.
        const auto got = course::read_some(client, asio::buffer(buffer), stop_, config_.idle_timeout);
        if (got.status != course::IoStatus::ok) {
            switch (got.status) {
            case course::IoStatus::closed:
                log_.info("client ", peer, " disconnected after ", total, " bytes");
                break;
            case course::IoStatus::timed_out:
                log_.info("client ", peer, " idle for ", config_.idle_timeout.count(), " ms: disconnecting");
                break;
            case course::IoStatus::stopped:
                log_.info("closing client ", peer, ": server shutting down");
                break;
            default: log_.info("client ", peer, " connection error: ", got.error.message());
            }
            return;  // the socket closes when the caller's `client` goes out of scope
        }
        if (log_.tracing()) {
            log_.trace(course::hex_dump("recv " + std::to_string(got.bytes) + " bytes from " + peer,
                                        {buffer.data(), got.bytes}));
        }
        const auto sent =
            course::write_all(client, asio::buffer(buffer.data(), got.bytes), stop_, config_.idle_timeout);
        if (sent.status != course::IoStatus::ok) {
            log_.info("client ", peer, " write ", course::describe(sent.status),
                      sent.error ? ": " + sent.error.message() : std::string());
            return;
        }
        log_.trace("sent ", got.bytes, " bytes back to ", peer);
        total += got.bytes;
    }
}

}  // namespace lesson01
