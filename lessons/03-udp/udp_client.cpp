#include "udp_client.hpp"

#include "ping_packet.hpp"

#include "common/endpoint.hpp"
#include "common/fd_wait.hpp"
#include "common/hex_dump.hpp"

#include <algorithm>
#include <asio/error.hpp>
#include <stdexcept>

namespace lesson03 {

namespace {

using asio::ip::udp;

constexpr std::chrono::seconds send_wait_limit{1};  // longest wait for room in the send buffer

udp::endpoint resolve(asio::io_context& io, const std::string& host, std::uint16_t port) {
    udp::resolver resolver(io);
    std::error_code ec;
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve host '" + host +
                                 "': " + (ec ? ec.message() : std::string("no address")));
    }
    return results.begin()->endpoint();
}

}  // namespace

UdpClient::UdpClient(asio::io_context& io, const std::string& host, std::uint16_t port, bool connect,
                     std::size_t receive_buffer, const course::StopEvent& stop, course::Logger& log)
    : socket_(io), server_(resolve(io, host, port)), connected_(connect), buffer_(receive_buffer),
      stop_(stop), log_(log) {
    socket_.open(server_.protocol());
    if (connected_) {
        socket_.connect(server_);  // no packet is sent: this only fixes the peer address
        log_.verbose("connected UDP socket ", course::format_endpoint(socket_.local_endpoint()), " -> ",
                     course::format_endpoint(server_));
    }
    socket_.non_blocking(true);  // every wait happens in poll(), with a timeout
}

void UdpClient::refused() const {
    throw std::runtime_error(
        "connection refused by " + course::format_endpoint(server_) +
        ": an ICMP \"port unreachable\" came back, so nothing is bound to that port (only a "
        "connected UDP socket is told; without --connect the client would just wait)");
}

void UdpClient::send(std::string_view payload) {
    if (const auto problem = payload_size_problem(payload.size(), server_.address().is_v6())) {
        throw std::runtime_error(*problem);
    }
    const auto give_up = std::chrono::steady_clock::now() + send_wait_limit;
    for (;;) {
        std::error_code ec;
        if (connected_) {
            socket_.send(asio::buffer(payload), 0, ec);
        } else {
            socket_.send_to(asio::buffer(payload), server_, 0, ec);
        }
        if (!ec) break;
        if (ec == asio::error::connection_refused) refused();  // an ICMP error from an earlier send
        if (ec != asio::error::would_block) {
            throw std::runtime_error("send to " + course::format_endpoint(server_) +
                                     " failed: " + ec.message());
        }
        // The socket's send buffer is full for a moment: wait for room, briefly.
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
        if (left.count() <= 0 ||
            course::wait_writable(socket_.native_handle(), stop_, left) != course::WaitResult::ready) {
            throw std::runtime_error("send to " + course::format_endpoint(server_) + ": no buffer space");
        }
    }
    if (!announced_) {
        // An unconnected socket gets its port from the kernel at the first sendto (an
        // "ephemeral" port): only now is there a local address to show.
        announced_ = true;
        std::error_code ignored;
        log_.verbose("sending from ", course::format_endpoint(socket_.local_endpoint(ignored)), " to ",
                     course::format_endpoint(server_));
    }
    if (log_.tracing()) {
        log_.trace(course::hex_dump(
            "sent " + std::to_string(payload.size()) + " bytes to " + course::format_endpoint(server_),
            payload));
    }
}

ReceiveResult UdpClient::receive(std::chrono::milliseconds timeout) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
        auto result =
            receive_datagram(socket_, buffer_, stop_, std::max(left, std::chrono::milliseconds::zero()));
        if (result.status == ReceiveStatus::failed) {
            if (result.error == asio::error::connection_refused) refused();
            throw std::runtime_error("receive failed: " + result.error.message());
        }
        if (result.status != ReceiveStatus::ok) return result;
        const auto& datagram = result.datagram;
        if (log_.tracing()) {
            log_.trace(course::hex_dump("recv " + std::to_string(datagram.length) + " bytes from " +
                                            course::format_endpoint(datagram.from),
                                        payload(datagram)));
        }
        // An unconnected socket accepts datagrams from anyone: only the server's count.
        if (!connected_ && datagram.from != server_) {
            log_.info("ignoring ", datagram.length, " bytes from ", course::format_endpoint(datagram.from),
                      " (not the server)");
            continue;
        }
        return result;
    }
}

}  // namespace lesson03
