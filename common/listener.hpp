#pragma once
// Opens a TCP listening socket the way every lesson server does: open, SO_REUSEADDR, bind,
// listen. A port already in use becomes one line that names the port, the error a student
// meets most often; any other failure says which address could not be used and why.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

namespace course {

// Throws std::runtime_error with that one line if the socket cannot listen.
asio::ip::tcp::acceptor open_tcp_listener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint);

}  // namespace course
