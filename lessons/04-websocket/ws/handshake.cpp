#include "ws/handshake.hpp"

#include "ws/base64.hpp"
#include "ws/sha1.hpp"

#include <algorithm>
#include <stdexcept>

namespace ws {

namespace {

// One check at a time: record it for --trace, and on failure build the error response.
class Checker {
public:
    explicit Checker(HandshakeResult& result) : result_(result) {}

    bool check(bool ok, std::string_view what, std::string_view rfc, int status, std::string_view reason,
               std::string_view extra_headers = {}) {
        result_.steps.push_back(std::string(ok ? "ok    " : "FAIL  ") + std::string(what) + " (" +
                                std::string(rfc) + ")");
        if (!ok) {
            result_.status = status;
            result_.reason = std::string(reason);
            result_.response = http_error_response(status, reason, extra_headers);
        }
        return ok;
    }

private:
    HandshakeResult& result_;
};

bool is_valid_key(const std::string* key) {
    if (key == nullptr) return false;
    const auto decoded = base64_decode(*key);
    return decoded && decoded->size() == 16;
}

}  // namespace

std::string compute_accept(std::string_view key) {
    Sha1 sha;
    sha.update(key);
    sha.update(websocket_guid);
    const auto digest = sha.digest();
    return base64_encode({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

std::vector<std::string> explain_accept(std::string_view key) {
    const std::string joined = std::string(key) + std::string(websocket_guid);
    const auto digest = Sha1::hash(joined);
    return {
        "key + GUID      = " + joined,
        "SHA-1 (hex)     = " + to_hex(digest),
        "Base64 (accept) = " + base64_encode({reinterpret_cast<const char*>(digest.data()), digest.size()}),
    };
}

std::string http_error_response(int status, std::string_view reason, std::string_view extra_headers) {
    const std::string body = std::string(reason) + "\n";
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + http_reason_phrase(status) + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "Connection: close\r\n";
    out += extra_headers;
    out += "\r\n";
    out += body;
    return out;
}

HandshakeResult evaluate_handshake(const HttpHead& request, const ServerHandshakeOptions& options) {
    HandshakeResult result;
    Checker c(result);
    if (!c.check(request.method == "GET", "method is GET: " + request.method, "RFC 6455 4.2.1 item 1", 405,
                 "the WebSocket handshake must be a GET, not " + request.method, "Allow: GET\r\n")) {
        return result;
    }
    const bool http11 = request.version_major > 1 || (request.version_major == 1 && request.version_minor >= 1);
    if (!c.check(http11, "HTTP version is at least 1.1", "RFC 6455 4.2.1 item 1", 400,
                 "the WebSocket handshake needs HTTP/1.1")) {
        return result;
    }
    if (!c.check(request.count("Host") == 1, "exactly one Host header", "RFC 6455 4.2.1 item 2", 400,
                 "missing or repeated Host header")) {
        return result;
    }
    const std::string_view upgrade_headers = "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";
    if (!c.check(request.has_token("Upgrade", "websocket"), "Upgrade header holds \"websocket\"",
                 "RFC 6455 4.2.1 item 3", 426, "this endpoint speaks WebSocket only: Upgrade: websocket is missing",
                 upgrade_headers)) {
        return result;
    }
    if (!c.check(request.has_token("Connection", "Upgrade"), "Connection header holds the token \"Upgrade\"",
                 "RFC 6455 4.2.1 item 4", 426, "Connection: Upgrade is missing", upgrade_headers)) {
        return result;
    }
    const std::string* version = request.find("Sec-WebSocket-Version");
    if (!c.check(version != nullptr, "Sec-WebSocket-Version is present", "RFC 6455 4.2.1 item 6", 400,
                 "missing Sec-WebSocket-Version header")) {
        return result;
    }
    if (!c.check(*version == "13" && request.count("Sec-WebSocket-Version") == 1,
                 "Sec-WebSocket-Version is 13: " + *version, "RFC 6455 4.2.2 item 4", 426,
                 "unsupported WebSocket version " + *version + ": this server speaks 13",
                 "Sec-WebSocket-Version: 13\r\n")) {
        return result;
    }
    const std::string* key = request.find("Sec-WebSocket-Key");
    if (!c.check(request.count("Sec-WebSocket-Key") == 1 && is_valid_key(key),
                 "Sec-WebSocket-Key is Base64 of 16 bytes: " + (key ? *key : std::string("(missing)")),
                 "RFC 6455 4.2.1 item 5", 400, "Sec-WebSocket-Key must be the Base64 of 16 bytes")) {
        return result;
    }
    if (!options.allowed_origins.empty()) {
        const std::string* origin = request.find("Origin");
        const bool allowed = origin && std::find(options.allowed_origins.begin(), options.allowed_origins.end(),
                                                 *origin) != options.allowed_origins.end();
        if (!c.check(allowed, "Origin is allowed: " + (origin ? *origin : std::string("(missing)")),
                     "RFC 6455 4.2.2 item 4, 10.2", 403, "origin not allowed")) {
            return result;
        }
    }
    // Subprotocol: the first of ours, in our order of preference, that the client offered.
    for (const auto& ours : options.subprotocols) {
        if (request.has_token("Sec-WebSocket-Protocol", ours)) {
            result.subprotocol = ours;
            break;
        }
    }
    if (request.find("Sec-WebSocket-Protocol")) {
        result.steps.push_back("ok    subprotocol chosen: " +
                               (result.subprotocol.empty() ? std::string("none of those offered") : result.subprotocol) +
                               " (RFC 6455 4.2.2 item 5.4)");
    }
    if (request.find("Sec-WebSocket-Extensions")) {
        result.steps.push_back("ok    extensions offered, none accepted: RSV bits must stay 0 (RFC 6455 9.1)");
    }

    result.status = 101;
    result.response = "HTTP/1.1 101 Switching Protocols\r\n"
                      "Upgrade: websocket\r\n"
                      "Connection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: " + compute_accept(*key) + "\r\n";
    if (!result.subprotocol.empty()) result.response += "Sec-WebSocket-Protocol: " + result.subprotocol + "\r\n";
    result.response += "\r\n";
    return result;
}

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
    if (!check(response.has_token("Connection", "Upgrade"), "Connection holds \"Upgrade\"", "RFC 6455 4.1 item 3",
               "the server's 101 has no Connection: Upgrade")) {
        return out;
    }
    const std::string* accept = response.find("Sec-WebSocket-Accept");
    if (!check(accept && *accept == handshake.expected_accept,
               "Sec-WebSocket-Accept is " + handshake.expected_accept + ": " + (accept ? *accept : "(missing)"),
               "RFC 6455 4.1 item 4", "wrong or missing Sec-WebSocket-Accept")) {
        return out;
    }
    if (!check(response.find("Sec-WebSocket-Extensions") == nullptr, "no extension we did not ask for",
               "RFC 6455 4.1 item 5", "the server chose an extension we did not offer")) {
        return out;
    }
    if (const std::string* protocol = response.find("Sec-WebSocket-Protocol")) {
        const bool offered = std::find(subprotocols.begin(), subprotocols.end(), *protocol) != subprotocols.end();
        if (!check(offered, "subprotocol " + *protocol + " is one we offered", "RFC 6455 4.1 item 6",
                   "the server chose a subprotocol we did not offer: " + *protocol)) {
            return out;
        }
        out.subprotocol = *protocol;
    }
    out.ok = true;
    return out;
}

WsUrl parse_ws_url(std::string_view url) {
    constexpr std::string_view scheme = "ws://";
    if (url.substr(0, 6) == "wss://") throw std::invalid_argument("wss:// needs TLS, which this lesson does not do: use ws://");
    if (url.size() < scheme.size() || !iequals(url.substr(0, scheme.size()), scheme)) {
        throw std::invalid_argument("not a ws:// URL: " + std::string(url));
    }
    std::string_view rest = url.substr(scheme.size());
    const std::size_t slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    WsUrl out;
    if (slash != std::string_view::npos) {
        out.target = std::string(rest.substr(slash));
        if (out.target.front() == '?') out.target.insert(0, "/");
    }
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument("unclosed [ in " + std::string(url));
        out.host = std::string(authority.substr(1, close - 1));
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') throw std::invalid_argument("junk after ] in " + std::string(url));
            port_text = after.substr(1);
        }
    } else {
        const std::size_t colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (out.host.empty()) throw std::invalid_argument("no host in " + std::string(url));
    if (!port_text.empty() || authority.back() == ':') {
        unsigned long port = 0;
        if (port_text.empty() || port_text.size() > 5 ||
            !std::all_of(port_text.begin(), port_text.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) ||
            (port = std::stoul(std::string(port_text))) == 0 || port > 65535) {
            throw std::invalid_argument("bad port in " + std::string(url));
        }
        out.port = static_cast<std::uint16_t>(port);
    }
    out.host_header = std::string(authority);
    if (out.target.find_first_of(" \r\n\t") != std::string::npos) throw std::invalid_argument("spaces in the path of " + std::string(url));
    return out;
}

}  // namespace ws
