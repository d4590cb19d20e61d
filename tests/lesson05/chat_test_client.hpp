#pragma once
// A blocking WebSocket chat client for the tests, on lesson 04's ws::Connection over a
// TestSocket: every wait has a timeout, so a broken server fails a test instead of hanging it.
// It answers pings by itself (ws::Connection queues the pong; we send it on the next read)
// unless answer_pings is false, which makes it look like a dead peer.

#include "json.hpp"
#include "ws/connection.hpp"

#include "tests/support/test_socket.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lesson05::testing {

struct Received {
    ws::Event::Kind kind = ws::Event::Kind::none;
    std::string data;
    std::uint16_t code = 0;
};

class ChatTestClient {
public:
    // Connects and completes the opening handshake on /ws (throws with the reason if refused).
    static ChatTestClient connect(std::uint16_t port, std::string_view origin = {});
    // Sends the handshake and returns the server's whole HTTP answer if it did not switch
    // protocols (e.g. "HTTP/1.1 403 ..."), for tests of refusals.
    static std::string refused_handshake(std::uint16_t port, std::string_view origin = {});

    void send_text(std::string_view text);
    void send_raw(std::string_view bytes) { socket_.send_all(bytes); }
    void close(std::uint16_t code = 1000);

    // The next message or close (pings and pongs are skipped); throws on timeout.
    Received next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // The next text message parsed as JSON; fails the test if it is not one.
    json::Object next_json(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Reads events until one of this "type" arrives (others are skipped) and returns it.
    json::Object next_of_type(std::string_view type,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Reads until the server's close frame; its code (0 if TCP closed without one).
    std::uint16_t wait_for_close(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        return read_until_close(timeout).code;
    }
    // The same, with the close's reason in `data` (kind none if TCP closed without a close).
    Received read_until_close(std::chrono::milliseconds timeout = std::chrono::seconds(5));

    course::testing::TestSocket& socket() { return socket_; }
    bool answer_pings = true;

private:
    explicit ChatTestClient(course::testing::TestSocket socket) : socket_(std::move(socket)) {}
    void flush_output();

    course::testing::TestSocket socket_;
    ws::Connection conn_{ws::Role::client};
    std::string pending_;  // received bytes not yet fed to conn_
    bool peer_closed_ = false;
};

std::string type_of(const json::Object& object);
// The string member `key` of an event ("<missing key>" if there is none).
std::string str(const json::Object& object, std::string_view key);
// The integer member `key` of an event (-1 if there is none).
std::int64_t num(const json::Object& object, std::string_view key);
// Reads a newcomer's greeting (hello, the history, its own join); returns its name.
std::string join(ChatTestClient& client);

}  // namespace lesson05::testing
