#include "ws/http.hpp"

#include <algorithm>
#include <cstring>

namespace ws {

namespace {

bool is_tchar(char c) noexcept {  // RFC 9110 5.6.2: the characters a token may hold
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool is_token(std::string_view text) noexcept {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar);
}

bool is_space_or_tab(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_space_or_tab(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space_or_tab(text.back())) text.remove_suffix(1);
    return text;
}

// Field values may hold visible characters, spaces, tabs and bytes >= 0x80 (obs-text), no
// other control characters (RFC 9110 5.5).
bool is_field_value(std::string_view text) noexcept {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte == '\t' || (byte >= 0x20 && byte != 0x7F);
    });
}

// "HTTP/1.1" -> 1, 1
bool parse_version(std::string_view text, int& major, int& minor) noexcept {
    if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || text[6] != '.') return false;
    if (text[5] < '0' || text[5] > '9' || text[7] < '0' || text[7] > '9') return false;
    major = text[5] - '0';
    minor = text[7] - '0';
    return true;
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::vector<std::string_view> split_tokens(std::string_view value) {
    std::vector<std::string_view> tokens;
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        const std::string_view element = trim(value.substr(0, comma));
        if (!element.empty()) tokens.push_back(element);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return tokens;
}

const char* http_reason_phrase(int status) noexcept {
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

const std::string* HttpHead::find(std::string_view name) const noexcept {
    for (const auto& header : headers) {
        if (iequals(header.name, name)) return &header.value;
    }
    return nullptr;
}

std::size_t HttpHead::count(std::string_view name) const noexcept {
    return static_cast<std::size_t>(std::count_if(
        headers.begin(), headers.end(), [&](const HttpHeader& h) { return iequals(h.name, name); }));
}

bool HttpHead::has_token(std::string_view name, std::string_view token) const {
    for (const auto& header : headers) {  // a field may also be repeated: look in every one
        if (!iequals(header.name, name)) continue;
        for (const std::string_view element : split_tokens(header.value)) {
            if (iequals(element, token)) return true;
        }
    }
    return false;
}

HttpParser::HttpParser(Kind kind, HttpLimits limits) : kind_(kind), limits_(limits) {}

HttpParser::Result HttpParser::fail(int status, std::string reason) {
    result_ = Result::error;
    error_status_ = status;
    error_reason_ = std::move(reason);
    line_.clear();
    return result_;
}

HttpParser::Result HttpParser::push(std::string_view& input) {
    while (result_ == Result::incomplete && !input.empty()) {
        const std::size_t newline = input.find('\n');
        const std::size_t take = newline == std::string_view::npos ? input.size() : newline + 1;
        // Check the limits before buffering, so a peer that never sends "\n" costs us at most
        // max_head_size bytes. When both would be crossed, the one crossed at the earlier byte
        // decides: the answer must not depend on how TCP happened to cut the stream.
        const std::size_t head_room = limits_.max_head_size - consumed_;
        const std::size_t line_room = limits_.max_line + 2 - line_.size();  // +2 for the CRLF
        if (take > head_room || take > line_room) {
            input.remove_prefix(std::min(take, head_room));
            if (line_room < head_room) {
                if (!have_start_line_ && kind_ == Kind::request) {
                    return fail(414,
                                "request line longer than " + std::to_string(limits_.max_line) + " bytes");
                }
                return fail(431, "header line longer than " + std::to_string(limits_.max_line) + " bytes");
            }
            return fail(431, "request head larger than " + std::to_string(limits_.max_head_size) + " bytes");
        }
        line_.append(input.substr(0, take));
        input.remove_prefix(take);
        consumed_ += take;
        if (newline == std::string_view::npos) break;  // the rest of this line is yet to come

        std::string_view line(line_);
        line.remove_suffix(1);  // the "\n"
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const Result result = parse_line(line);
        line_.clear();
        if (result != Result::incomplete) return result;
    }
    return result_;
}

HttpParser::Result HttpParser::parse_line(std::string_view line) {
    if (line.find('\r') != std::string_view::npos) return fail(400, "bare CR in the head");
    if (!have_start_line_) {
        if (line.empty()) return Result::incomplete;  // RFC 9112 2.2: ignore empty lines before it
        if (!parse_start_line(line)) return result_;
        have_start_line_ = true;
        return Result::incomplete;
    }
    if (line.empty()) return result_ = Result::complete;  // the blank line ends the head
    if (!parse_header_line(line)) return result_;
    return Result::incomplete;
}

bool HttpParser::parse_start_line(std::string_view line) {
    const std::size_t first = line.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (kind_ == Kind::request) {
        // METHOD SP TARGET SP HTTP/x.y, single spaces, nothing else (RFC 9112 3).
        if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
            return fail(400, "malformed request line (want METHOD TARGET HTTP/1.1)"), false;
        }
        const std::string_view method = line.substr(0, first);
        const std::string_view target = line.substr(first + 1, second - first - 1);
        if (!is_token(method)) return fail(400, "malformed method"), false;
        if (target.empty() || !is_field_value(target) || target.find('\t') != std::string_view::npos) {
            return fail(400, "malformed request target"), false;
        }
        if (!parse_version(line.substr(second + 1), head_.version_major, head_.version_minor)) {
            return fail(400, "malformed HTTP version"), false;
        }
        head_.method = method;
        head_.target = target;
        return true;
    }
    // HTTP/x.y SP 3DIGIT SP REASON (the reason may be empty, RFC 9112 4).
    if (first == std::string_view::npos ||
        !parse_version(line.substr(0, first), head_.version_major, head_.version_minor)) {
        return fail(400, "malformed status line"), false;
    }
    const std::string_view code =
        line.substr(first + 1, second == std::string_view::npos ? second : second - first - 1);
    if (code.size() != 3 ||
        !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return fail(400, "malformed status code"), false;
    }
    head_.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    if (second != std::string_view::npos) {
        const std::string_view reason = line.substr(second + 1);
        if (!is_field_value(reason)) return fail(400, "malformed reason phrase"), false;
        head_.reason = reason;
    }
    return true;
}

bool HttpParser::parse_header_line(std::string_view line) {
    if (is_space_or_tab(line.front())) return fail(400, "obsolete line folding in the head"), false;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400, "header line without a colon"), false;
    const std::string_view name = line.substr(0, colon);
    if (!is_token(name)) return fail(400, "malformed header name (no spaces before the colon)"), false;
    const std::string_view value = trim(line.substr(colon + 1));
    if (!is_field_value(value)) return fail(400, "control character in a header value"), false;
    if (head_.headers.size() >= limits_.max_headers) {
        return fail(431, "more than " + std::to_string(limits_.max_headers) + " header fields"), false;
    }
    head_.headers.push_back({std::string(name), std::string(value)});
    return true;
}

}  // namespace ws
