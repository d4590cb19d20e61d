#include "ws/handshake.hpp"

#include "ws/base64.hpp"
#include "ws/sha1.hpp"

#include <algorithm>

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

// Every response of http_ok_response() and http_error_response(): one shape, one place.
std::string http_response(int status, std::string_view content_type, std::string_view body,
                          std::string_view extra_headers) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + http_reason_phrase(status) + "\r\n";
    out += "Content-Type: ";
    out += content_type;
    out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    out += "Connection: close\r\n";
    out += extra_headers;
    out += "\r\n";
    out += body;
    return out;
}

bool is_valid_key(const std::string* key) {
    if (key == nullptr) return false;
    const auto decoded = base64_decode(*key);
    return decoded && decoded->size() == 16;
}

}  // namespace

std::string compute_accept(std::string_view key) {
    // TASK 04.accept-key: compute Sec-WebSocket-Accept from the client's key
    // STUB: (void)key;
    Sha1 sha;
    sha.update(key);
    sha.update(websocket_guid);
    const auto digest = sha.digest();
    return base64_encode({reinterpret_cast<const char*>(digest.data()), digest.size()});
    // END TASK 04.accept-key
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

std::string http_ok_response(std::string_view content_type, std::string_view body,
                             std::string_view extra_headers) {
    return http_response(200, content_type, body, extra_headers);
}

std::string http_error_response(int status, std::string_view reason, std::string_view extra_headers) {
    return http_response(status, "text/plain; charset=utf-8", std::string(reason) + "\n", extra_headers);
}

HandshakeResult evaluate_handshake(const HttpHead& request, const ServerHandshakeOptions& options) {
    HandshakeResult result;
    Checker c(result);
    if (!c.check(request.method == "GET", "method is GET: " + request.method, "RFC 6455 4.2.1 item 1", 405,
                 "the WebSocket handshake must be a GET, not " + request.method, "Allow: GET\r\n")) {
        return result;
    }
    const bool http11 =
        request.version_major > 1 || (request.version_major == 1 && request.version_minor >= 1);
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
                 "RFC 6455 4.2.1 item 3", 426,
                 "this endpoint speaks WebSocket only: Upgrade: websocket is missing", upgrade_headers)) {
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
        const bool allowed =
            origin && std::find(options.allowed_origins.begin(), options.allowed_origins.end(), *origin) !=
                          options.allowed_origins.end();
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
        result.steps.push_back(
            "ok    subprotocol chosen: " +
            (result.subprotocol.empty() ? std::string("none of those offered") : result.subprotocol) +
            " (RFC 6455 4.2.2 item 5.4)");
    }
    if (request.find("Sec-WebSocket-Extensions")) {
        result.steps.push_back(
            "ok    extensions offered, none accepted: RSV bits must stay 0 (RFC 6455 9.1)");
    }

    result.status = 101;
    result.response =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        compute_accept(*key) + "\r\n";
    if (!result.subprotocol.empty())
        result.response += "Sec-WebSocket-Protocol: " + result.subprotocol + "\r\n";
    result.response += "\r\n";
    return result;
}

}  // namespace ws
