#include "common/listener.hpp"

#include "common/endpoint.hpp"

#include <asio/error.hpp>
#include <asio/socket_base.hpp>
#include <stdexcept>
#include <string>

namespace course {

asio::ip::tcp::acceptor open_tcp_listener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint) {
    asio::ip::tcp::acceptor acceptor(io);
    std::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    // SO_REUSEADDR: restart at once on the same port, even while old connections sit in TIME_WAIT.
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec == asio::error::address_in_use) {
        throw std::runtime_error("cannot listen on " + format_endpoint(endpoint) + ": port " +
                                 std::to_string(endpoint.port()) +
                                 " is already in use (another server running? try --port 0)");
    }
    if (ec) throw std::runtime_error("cannot listen on " + format_endpoint(endpoint) + ": " + ec.message());
    return acceptor;
}

}  // namespace course
