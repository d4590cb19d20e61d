#include "target.hpp"

#include <charconv>
#include <stdexcept>

namespace lesson06 {
namespace {

// wss:// is ws:// over TLS: the same parts, but port 443 when none is written (and then the Host
// header carries no port either, RFC 6455 3).
Target parse_wss(std::string_view url) {
    Target target;
    target.url = std::string(url);
    const std::string_view rest = url.substr(6);
    const std::string_view authority = rest.substr(0, rest.find('/'));
    const std::size_t bracket = authority.rfind(']');
    const std::size_t colon = authority.rfind(':');
    const bool has_port =
        colon != std::string_view::npos &&
        (bracket == std::string_view::npos ? authority.find(':') == colon : colon > bracket);
    target.ws = ws::parse_ws_url("ws://" + std::string(rest));
    if (!has_port) target.ws.port = 443;  // the Host header has no port either: right for 443
    target.scheme = Target::Scheme::wss;
    target.host = target.ws.host;
    target.port = target.ws.port;
    return target;
}

}  // namespace

Target parse_target(std::string_view url) {
    Target target;
    target.url = std::string(url);
    if (url.starts_with("ws://")) {
        target.ws = ws::parse_ws_url(url);
        target.scheme = Target::Scheme::ws;
        target.host = target.ws.host;
        target.port = target.ws.port;
        return target;
    }
    if (url.starts_with("wss://")) return parse_wss(url);
    if (!url.starts_with("tcp://")) {
        throw std::invalid_argument(
            "'" + std::string(url) +
            "': expected tcp://HOST:PORT, ws://HOST:PORT/PATH or wss://HOST:PORT/PATH");
    }
    std::string_view rest = url.substr(6);
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    std::size_t colon;
    if (rest.starts_with('[')) {
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos)
            throw std::invalid_argument("'" + std::string(url) + "': missing ']'");
        target.host = std::string(rest.substr(1, close - 1));
        colon = close + 1;
        if (colon >= rest.size() || rest[colon] != ':') colon = std::string_view::npos;
    } else {
        colon = rest.rfind(':');
        if (colon != std::string_view::npos) target.host = std::string(rest.substr(0, colon));
    }
    if (colon == std::string_view::npos || target.host.empty()) {
        throw std::invalid_argument("'" + std::string(url) + "': tcp:// needs HOST:PORT");
    }
    const std::string_view port = rest.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
        throw std::invalid_argument("'" + std::string(url) + "': bad port '" + std::string(port) + "'");
    }
    target.port = static_cast<std::uint16_t>(value);
    return target;
}

std::string urls_of(const std::vector<Target>& targets) {
    std::string urls;
    for (const Target& target : targets) urls += (urls.empty() ? "" : " ") + target.url;
    return urls;
}

}  // namespace lesson06
