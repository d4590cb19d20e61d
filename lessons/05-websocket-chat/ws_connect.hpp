#pragma once
// The client side of the opening handshake over asio, shared by 05-chat-client and the tests'
// load client: connect a socket to a ws:// URL and trade the HTTP upgrade for a WebSocket, on
// lesson 04's sans-IO pieces (make_client_handshake, HttpParser, check_server_response).
// Lesson 04's terminal client has the same steps inside its main file; here they are a
// function others can call.

#include "ws/handshake.hpp"

#include "common/logger.hpp"

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <string>
#include <string_view>

namespace lesson05 {

// Connects `socket` (resolving url.host unless it is an IP literal), sends the handshake and
// checks the answer. Returns the bytes that followed the answer's head: the start of the
// server's first frame, which must not be lost. Throws std::runtime_error saying what failed.
// With a logger at --trace, the request and the answer are shown.
asio::awaitable<std::string> connect_websocket(asio::ip::tcp::socket& socket, const ws::WsUrl& url,
                                               std::string_view origin = {}, course::Logger* log = nullptr);

}  // namespace lesson05
