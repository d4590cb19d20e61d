#include "common/endpoint.hpp"

#include <asio/io_context.hpp>
#include <stdexcept>

namespace course {

std::string format_endpoint(const asio::ip::address& address, std::uint16_t port) {
    if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
    return address.to_string() + ":" + std::to_string(port);
}

std::string format_endpoint(const asio::ip::tcp::endpoint& endpoint) {
    return format_endpoint(endpoint.address(), endpoint.port());
}

std::string format_endpoint(const asio::ip::udp::endpoint& endpoint) {
    return format_endpoint(endpoint.address(), endpoint.port());
}

asio::ip::tcp::endpoint resolve_listen_endpoint(const std::string& host, std::uint16_t port) {
    std::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec) return {address, port};
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    const auto results = resolver.resolve(host, std::to_string(port), asio::ip::tcp::resolver::passive, ec);
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve host '" + host +
                                 "': " + (ec ? ec.message() : std::string("no address")));
    }
    return results.begin()->endpoint();
}

}  // namespace course
