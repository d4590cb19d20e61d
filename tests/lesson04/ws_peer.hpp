#pragma once
// A WebSocket client for the integration tests, over a plain TestSocket: it writes frames
// byte for byte as the test asks (broken ones included) and reads the server's frames through
// ws::Connection, so each test reads like a script of what goes over the wire.

#include "ws_test_helpers.hpp"

#include "tests/support/test_socket.hpp"
#include "ws/connection.hpp"
#include "ws/handshake.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace lesson04::testing {

using course::testing::TestSocket;

// The whole HTTP answer to `request` (the server closes after an error or a page).
inline std::string http_exchange(std::uint16_t port, std::string_view request) {
    auto socket = TestSocket::connect(port);
    socket.send_all(request);
    std::string response;
    for (;;) {
        const std::string piece = socket.read_some(std::chrono::seconds(5));
        if (piece.empty()) return response;
        response += piece;
    }
}

inline std::string upgrade_request(std::string_view path = "/ws", std::string_view extra_headers = "") {
    return "GET " + std::string(path) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           std::string(extra_headers) + "\r\n";
}

class WsPeer {
public:
    // Connects and completes the handshake (asserting the 101), or throws.
    static WsPeer open(std::uint16_t port, std::string_view extra_headers = "") {
        WsPeer peer(TestSocket::connect(port));
        peer.socket_.send_all(upgrade_request("/ws", extra_headers));
        peer.read_handshake_answer();
        return peer;
    }

    explicit WsPeer(TestSocket socket) : socket_(std::move(socket)), conn_(ws::Role::client) {
        conn_.set_mask_key_source([] { return test_key; });
    }

    // Reads the server's answer to the handshake up to the blank line; keeps what follows.
    std::string read_handshake_answer() {
        std::string head;
        while (head.find("\r\n\r\n") == std::string::npos) {
            const std::string piece = socket_.read_some(std::chrono::seconds(5));
            if (piece.empty()) throw std::runtime_error("closed during the handshake: " + head);
            head += piece;
        }
        const std::size_t end = head.find("\r\n\r\n") + 4;
        pending_ = head.substr(end);
        head.resize(end);
        if (head.rfind("HTTP/1.1 101 ", 0) != 0) throw std::runtime_error("handshake refused: " + head);
        if (head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") == std::string::npos) {
            throw std::runtime_error("wrong accept: " + head);
        }
        return head;
    }

    TestSocket& socket() { return socket_; }
    void send_raw(std::string_view bytes) { socket_.send_all(bytes); }
    void send(ws::Opcode opcode, std::string_view payload, bool fin = true) {
        send_raw(frame(opcode, payload, fin));
    }
    void send_text(std::string_view text) { send(ws::Opcode::text, text); }

    // The next event from the server, described ("text:hi", "close 1002:reason"), or "eof"
    // if the server closed TCP first. Throws on timeout (TestSocket).
    std::string next(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        for (;;) {
            std::string_view in = pending_;
            const ws::Event event = conn_.receive(in);
            const std::size_t used = pending_.size() - in.size();
            if (event) {
                std::string text = describe(event);
                pending_.erase(0, used);
                return text;
            }
            pending_.clear();
            const std::string piece = socket_.read_some(timeout);
            if (piece.empty()) return "eof";
            pending_ = piece;
        }
    }

    // Answers the server's close (as a well-behaved client) and checks that TCP ends next.
    bool answer_close_and_expect_tcp_close(std::uint16_t code) {
        socket_.send_all(frame(ws::Opcode::close, close_body(code)));
        return socket_.wait_for_close(std::chrono::seconds(5));
    }

private:
    TestSocket socket_;
    ws::Connection conn_;
    std::string pending_;
};

}  // namespace lesson04::testing
