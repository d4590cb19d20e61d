#include "ws/client_handshake.hpp"

#include "ws/base64.hpp"
#include "ws/handshake.hpp"

#include <algorithm>
#include <stdexcept>

namespace ws {

ClientHandshake make_client_handshake(std::string_view host_header, std::string_view target,
                                      std::string_view random16, const std::vector<std::string>& subprotocols,
                                      std::string_view origin) {
    if (random16.size() != 16) throw std::invalid_argument("a WebSocket key needs exactly 16 random bytes");
    ClientHandshake hs;
    hs.key = base64_encode(random16);
    hs.expected_accept = compute_accept(hs.key);
    hs.request = "GET " + std::string(target) + " HTTP/1.1\r\n";
    hs.request += "Host: " + std::string(host_header) + "\r\n";
    hs.request += "Upgrade: websocket\r\n";
    hs.request += "Connection: Upgrade\r\n";
    hs.request += "Sec-WebSocket-Key: " + hs.key + "\r\n";
    hs.request += "Sec-WebSocket-Version: 13\r\n";
    if (!origin.empty()) hs.request += "Origin: " + std::string(origin) + "\r\n";
    if (!subprotocols.empty()) {
        std::string list;
        for (const auto& p : subprotocols) list += (list.empty() ? "" : ", ") + p;
        hs.request += "Sec-WebSocket-Protocol: " + list + "\r\n";
    }
    hs.request += "\r\n";
    return hs;
}

ClientHandshakeCheck check_server_response(const HttpHead& response, const ClientHandshake& handshake,
                                           const std::vector<std::string>& subprotocols) {
    ClientHandshakeCheck out;
    auto check = [&](bool ok, const std::string& what, std::string_view rfc, const std::string& reason) {
        out.steps.push_back(std::string(ok ? "ok    " : "FAIL  ") + what + " (" + std::string(rfc) + ")");
        if (!ok) out.reason = reason;
        return ok;
    };
    if (!check(response.status == 101, "status is 101: " + std::to_string(response.status), "RFC 6455 4.1",
               "HTTP " + std::to_string(response.status) + " " + response.reason)) {
        return out;
    }
    const std::string* upgrade = response.find("Upgrade");
    if (!check(upgrade && iequals(*upgrade, "websocket"), "Upgrade is \"websocket\"", "RFC 6455 4.1 item 2",
               "the server's 101 has no Upgrade: websocket")) {
        return out;
    }
    if (!check(response.has_token("Connection", "Upgrade"), "Connection holds \"Upgrade\"",
               "RFC 6455 4.1 item 3", "the server's 101 has no Connection: Upgrade")) {
        return out;
    }
    const std::string* accept = response.find("Sec-WebSocket-Accept");
    if (!check(
            accept && *accept == handshake.expected_accept,
            "Sec-WebSocket-Accept is " + handshake.expected_accept + ": " + (accept ? *accept : "(missing)"),
            "RFC 6455 4.1 item 4", "wrong or missing Sec-WebSocket-Accept")) {
        return out;
    }
    if (!check(response.find("Sec-WebSocket-Extensions") == nullptr, "no extension we did not ask for",
               "RFC 6455 4.1 item 5", "the server chose an extension we did not offer")) {
        return out;
    }
    if (const std::string* protocol = response.find("Sec-WebSocket-Protocol")) {
        const bool offered =
            std::find(subprotocols.begin(), subprotocols.end(), *protocol) != subprotocols.end();
        if (!check(offered, "subprotocol " + *protocol + " is one we offered", "RFC 6455 4.1 item 6",
                   "the server chose a subprotocol we did not offer: " + *protocol)) {
            return out;
        }
        out.subprotocol = *protocol;
    }
    out.ok = true;
    return out;
}

ClientHandshaker::ClientHandshaker(const WsUrl& url, std::string_view random16,
                                   ClientHandshakeOptions options)
    : options_(std::move(options)), handshake_(make_client_handshake(url.host_header, url.target, random16,
                                                                     options_.subprotocols, options_.origin)),
      parser_(HttpParser::Kind::response, options_.limits) {}

ClientHandshaker::State ClientHandshaker::refuse(std::string reason) {
    state_ = State::refused;
    reason_ = std::move(reason);
    return state_;
}

ClientHandshaker::State ClientHandshaker::receive(std::string_view& input) {
    if (state_ != State::waiting) return state_;
    const std::size_t before = input.size();
    const HttpParser::Result result = parser_.push(input);
    answer_bytes_.append(input.data() - (before - input.size()), before - input.size());
    switch (result) {
    case HttpParser::Result::incomplete: return state_;
    case HttpParser::Result::error: return refuse("malformed HTTP answer: " + parser_.error_reason());
    case HttpParser::Result::complete: break;
    }
    ClientHandshakeCheck check = check_server_response(parser_.head(), handshake_, options_.subprotocols);
    steps_ = std::move(check.steps);
    if (!check.ok) return refuse(std::move(check.reason));
    subprotocol_ = std::move(check.subprotocol);
    state_ = State::accepted;
    return state_;
}

ClientHandshaker::State ClientHandshaker::receive_eof() {
    if (state_ != State::waiting) return state_;
    return refuse(answer_bytes_.empty() ? "the server closed the connection without answering"
                                        : "the server closed the connection in the middle of its answer");
}

const char* client_handshake_state_name(ClientHandshaker::State state) noexcept {
    switch (state) {
    case ClientHandshaker::State::waiting: return "waiting";
    case ClientHandshaker::State::accepted: return "accepted";
    case ClientHandshaker::State::refused: return "refused";
    }
    return "?";
}

}  // namespace ws
