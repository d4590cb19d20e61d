#include "feed/target.hpp"

#include <algorithm>
#include <charconv>

namespace feed {

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A query's name or value: "%XX" is the byte XX, '+' a space (HTML forms). nullopt for a '%'
// not followed by two hex digits.
std::optional<std::string> decode_component(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] != '%') {
            out += text[i];
        } else {
            if (i + 2 >= text.size()) return std::nullopt;
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        }
    }
    return out;
}

bool all_digits(std::string_view text) noexcept {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const std::string* Target::param(std::string_view name) const noexcept {
    for (const auto& [key, value] : query) {
        if (key == name) return &value;
    }
    return nullptr;
}

std::size_t Target::count(std::string_view name) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(query.begin(), query.end(), [&](const auto& item) { return item.first == name; }));
}

std::optional<Target> parse_target(std::string_view target) {
    // origin-form = absolute-path [ "?" query ] (RFC 9112 3.2.1): no scheme, no fragment.
    if (target.empty() || target.front() != '/' || target.find('#') != target.npos) return std::nullopt;
    Target out;
    const std::size_t question = target.find('?');
    out.path = target.substr(0, question);
    if (question == target.npos) return out;

    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view item = query.substr(0, amp);
        query.remove_prefix(amp == query.npos ? query.size() : amp + 1);
        if (item.empty()) continue;  // "a=1&&b=2"
        const std::size_t equals = item.find('=');
        auto name = decode_component(item.substr(0, equals));
        auto value = decode_component(equals == item.npos ? std::string_view{} : item.substr(equals + 1));
        if (!name || !value) return std::nullopt;
        out.query.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

ParsedId parse_event_id(std::string_view text) {
    ParsedId parsed;
    if (text.size() > 1 && text.front() == '-' && all_digits(text.substr(1))) {
        parsed.error = "negative";
    } else if (!all_digits(text)) {
        parsed.error = "not a number";
    } else {
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc::result_out_of_range) parsed.error = "too large";
        else parsed.value = value;
    }
    return parsed;
}

ParsedWait parse_wait_seconds(std::string_view text) {
    ParsedWait parsed;
    if (text.starts_with('-') && parse_wait_seconds(text.substr(1)).value) {
        parsed.error = "negative";
        return parsed;
    }
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == text.npos ? std::string_view{} : text.substr(dot + 1);
    if (!all_digits(whole) || (dot != text.npos && !all_digits(fraction))) {
        parsed.error = "not a number";
        return parsed;
    }
    if (fraction.size() > 3) {
        parsed.error = "more than 3 decimals";
        return parsed;
    }
    // Whole seconds that still fit in milliseconds once multiplied by 1000, fraction added.
    constexpr std::int64_t max_seconds = std::chrono::milliseconds::max().count() / 1000 - 1;
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
    if (ec == std::errc::result_out_of_range || seconds > max_seconds) {
        parsed.error = "too large";
        return parsed;
    }
    std::int64_t millis = 0;
    for (std::size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    parsed.value = std::chrono::milliseconds(seconds * 1000 + millis);
    return parsed;
}

}  // namespace feed
