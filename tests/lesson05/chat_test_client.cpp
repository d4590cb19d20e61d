#include "chat_test_client.hpp"

#include "ws/client_handshake.hpp"
#include "ws/random.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace std::chrono_literals;

namespace lesson05::testing {

namespace {

// Sends the handshake and reads the answer (within 5 s); any bytes after it stay in `rest`.
ws::ClientHandshaker handshake(course::testing::TestSocket& socket, std::uint16_t port,
                               std::string_view origin, std::string& rest) {
    ws::RandomSource random;
    ws::ClientHandshakeOptions options;
    options.origin = std::string(origin);
    ws::ClientHandshaker hs(ws::parse_ws_url("ws://127.0.0.1:" + std::to_string(port) + "/ws"),
                            random.bytes(16), std::move(options));
    socket.send_all(hs.request());
    while (hs.state() == ws::ClientHandshaker::State::waiting) {
        const std::string bytes = socket.read_some(5s);
        if (bytes.empty()) {
            hs.receive_eof();
            break;
        }
        std::string_view in(bytes);
        hs.receive(in);
        rest.assign(in);
    }
    return hs;
}

}  // namespace

ChatTestClient ChatTestClient::connect(std::uint16_t port, std::string_view origin) {
    auto socket = course::testing::TestSocket::connect(port);
    std::string rest;
    const ws::ClientHandshaker hs = handshake(socket, port, origin, rest);
    if (hs.state() != ws::ClientHandshaker::State::accepted) {
        throw std::runtime_error("handshake refused: " + hs.reason() + "\n" + hs.answer_bytes());
    }
    ChatTestClient client(std::move(socket));
    client.pending_ = std::move(rest);
    return client;
}

std::string ChatTestClient::refused_handshake(std::uint16_t port, std::string_view origin) {
    auto socket = course::testing::TestSocket::connect(port);
    std::string rest;
    return handshake(socket, port, origin, rest).answer_bytes();
}

void ChatTestClient::flush_output() {
    if (!conn_.has_output()) return;
    if (!peer_closed_) socket_.send_all(conn_.pending_output());
    conn_.consume_output(conn_.pending_output().size());
}

void ChatTestClient::send_text(std::string_view text) {
    conn_.send_text(text);
    flush_output();
}

void ChatTestClient::close(std::uint16_t code) {
    conn_.close(code);
    flush_output();
}

Received ChatTestClient::next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::string_view in(pending_);
        const ws::Event event = conn_.receive(in);
        Received received{event.kind, std::string(event.data), event.code};
        pending_.erase(0, pending_.size() - in.size());
        if (answer_pings) flush_output();
        else if (event.kind == ws::Event::Kind::ping) conn_.consume_output(conn_.pending_output().size());
        if (event.kind != ws::Event::Kind::none && event.kind != ws::Event::Kind::ping &&
            event.kind != ws::Event::Kind::pong) {
            return received;
        }
        if (event.kind != ws::Event::Kind::none) continue;
        if (peer_closed_) return {ws::Event::Kind::none, {}, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) throw std::runtime_error("no WebSocket message within the timeout");
        const std::string bytes = socket_.read_some(left);
        if (bytes.empty()) peer_closed_ = true;
        pending_ += bytes;
    }
}

json::Object ChatTestClient::next_json(std::chrono::milliseconds timeout) {
    const Received r = next(timeout);
    if (r.kind != ws::Event::Kind::text) {
        ADD_FAILURE() << "expected a text message, got " << ws::event_kind_name(r.kind) << " code " << r.code
                      << " " << r.data;
        return {};
    }
    json::ParseResult parsed = json::parse_object(r.data);
    if (!parsed.object) {
        ADD_FAILURE() << "not a JSON object (" << parsed.error << "): " << r.data;
        return {};
    }
    return std::move(*parsed.object);
}

json::Object ChatTestClient::next_of_type(std::string_view type, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms)
            throw std::runtime_error("no \"" + std::string(type) + "\" event within the timeout");
        json::Object object = next_json(left);
        if (object.members.empty())
            throw std::runtime_error("the connection ended while waiting for " + std::string(type));
        if (type_of(object) == type) return object;
    }
}

Received ChatTestClient::read_until_close(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) throw std::runtime_error("no close within the timeout");
        Received r = next(left);
        if (r.kind == ws::Event::Kind::close || r.kind == ws::Event::Kind::none)
            return r;  // none: TCP closed, no close frame
    }
}

std::string type_of(const json::Object& object) {
    const auto type = object.string("type");
    return type ? std::string(*type) : std::string();
}

std::string str(const json::Object& object, std::string_view key) {
    const auto value = object.string(key);
    return value ? std::string(*value) : std::string("<missing " + std::string(key) + ">");
}

std::int64_t num(const json::Object& object, std::string_view key) {
    const auto* value = object.find(key);
    return value && value->kind == json::Value::Kind::integer ? value->integer : -1;
}

std::string join(ChatTestClient& client) {
    const std::string name = str(client.next_of_type("hello"), "name");
    for (;;) {
        if (str(client.next_of_type("join"), "name") == name) return name;
    }
}

}  // namespace lesson05::testing
