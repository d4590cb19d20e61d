#include "chat_test_client.hpp"

#include "ws/handshake.hpp"
#include "ws/http.hpp"
#include "ws/random.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace std::chrono_literals;

namespace lesson05::testing {

namespace {

// Sends the handshake; returns the parsed head and leaves any bytes after it in `rest`.
ws::HttpHead handshake(course::testing::TestSocket& socket, const ws::ClientHandshake& hs, std::string& raw,
                       std::string& rest) {
    socket.send_all(hs.request);
    ws::HttpParser parser(ws::HttpParser::Kind::response);
    for (;;) {
        const std::string bytes = socket.read_some(5s);
        if (bytes.empty()) throw std::runtime_error("server closed during the handshake");
        std::string_view in(bytes);
        const auto result = parser.push(in);
        raw.append(bytes.data(), bytes.size() - in.size());
        if (result == ws::HttpParser::Result::error) throw std::runtime_error("bad HTTP answer: " + parser.error_reason());
        if (result == ws::HttpParser::Result::complete) {
            rest.assign(in);
            return parser.head();
        }
    }
}

ws::ClientHandshake make_handshake(std::uint16_t port, std::string_view origin) {
    ws::RandomSource random;
    return ws::make_client_handshake("127.0.0.1:" + std::to_string(port), "/ws", random.bytes(16), {}, origin);
}

}  // namespace

ChatTestClient ChatTestClient::connect(std::uint16_t port, std::string_view origin) {
    auto socket = course::testing::TestSocket::connect(port);
    const ws::ClientHandshake hs = make_handshake(port, origin);
    std::string raw, rest;
    const ws::HttpHead head = handshake(socket, hs, raw, rest);
    const ws::ClientHandshakeCheck check = ws::check_server_response(head, hs);
    if (!check.ok) throw std::runtime_error("handshake refused: " + check.reason + "\n" + raw);
    ChatTestClient client(std::move(socket));
    client.pending_ = std::move(rest);
    return client;
}

std::string ChatTestClient::refused_handshake(std::uint16_t port, std::string_view origin) {
    auto socket = course::testing::TestSocket::connect(port);
    const ws::ClientHandshake hs = make_handshake(port, origin);
    std::string raw, rest;
    handshake(socket, hs, raw, rest);
    return raw;
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
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) throw std::runtime_error("no WebSocket message within the timeout");
        const std::string bytes = socket_.read_some(left);
        if (bytes.empty()) peer_closed_ = true;
        pending_ += bytes;
    }
}

json::Object ChatTestClient::next_json(std::chrono::milliseconds timeout) {
    const Received r = next(timeout);
    if (r.kind != ws::Event::Kind::text) {
        ADD_FAILURE() << "expected a text message, got " << ws::event_kind_name(r.kind) << " code " << r.code << " " << r.data;
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
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) throw std::runtime_error("no \"" + std::string(type) + "\" event within the timeout");
        json::Object object = next_json(left);
        if (object.members.empty()) throw std::runtime_error("the connection ended while waiting for " + std::string(type));
        if (type_of(object) == type) return object;
    }
}

Received ChatTestClient::read_until_close(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) throw std::runtime_error("no close within the timeout");
        Received r = next(left);
        if (r.kind == ws::Event::Kind::close || r.kind == ws::Event::Kind::none) return r;  // none: TCP closed, no close frame
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
