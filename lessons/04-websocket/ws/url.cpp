#include "ws/url.hpp"

#include "ws/http.hpp"

#include <algorithm>
#include <stdexcept>

namespace ws {

WsUrl parse_ws_url(std::string_view url) {
    constexpr std::string_view scheme = "ws://";
    if (url.substr(0, 6) == "wss://")
        throw std::invalid_argument("wss:// needs TLS, which this lesson does not do: use ws://");
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
            !std::all_of(port_text.begin(), port_text.end(),
                         [](char ch) { return ch >= '0' && ch <= '9'; }) ||
            (port = std::stoul(std::string(port_text))) == 0 || port > 65535) {
            throw std::invalid_argument("bad port in " + std::string(url));
        }
        out.port = static_cast<std::uint16_t>(port);
    }
    out.host_header = std::string(authority);
    if (out.target.find_first_of(" \r\n\t") != std::string::npos)
        throw std::invalid_argument("spaces in the path of " + std::string(url));
    return out;
}

std::string make_ws_url(std::string_view host, std::uint16_t port, std::string_view target) {
    const bool ipv6 = host.find(':') != std::string_view::npos;
    std::string url = "ws://";
    url += ipv6 ? "[" + std::string(host) + "]" : std::string(host);
    url += ":" + std::to_string(port);
    url += target;
    return url;
}

}  // namespace ws
