#pragma once
// The request target of the feed's URLs, and the values in its query string, parsed strictly:
//
//   /events?after=41&wait=25     path "/events", after "41", wait "25"
//
// parse_target() splits the path from the query and percent-decodes the query's names and values
// ('+' is a space there, as HTML forms write it). The parsers for the values accept exactly what
// the server documents and nothing else, so "after=-1", "after=1e3" or "wait=forever" get a 400
// that says which parameter was wrong and why.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feed {

struct Target {
    std::string path;  // "/events" (never empty; not decoded: the feed's paths are plain ASCII)
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order

    // The value of the first parameter `name`, or nullptr.
    const std::string* param(std::string_view name) const noexcept;
    std::size_t count(std::string_view name) const noexcept;
};

// nullopt for a target that is not origin-form ("/path?query"), or a bad %-escape.
std::optional<Target> parse_target(std::string_view target);

// An event id: 1 to 20 ASCII digits that fit in 64 bits. No sign, no spaces. Why not, if not.
struct ParsedId {
    std::optional<std::uint64_t> value;
    std::string error;  // "not a number", "negative", "too large"
};
ParsedId parse_event_id(std::string_view text);

// Seconds to wait: digits with an optional fraction ("25", "0.5"), at most 3 decimals, never
// negative. The result is not clamped: the caller applies its maximum.
struct ParsedWait {
    std::optional<std::chrono::milliseconds> value;
    std::string error;
};
ParsedWait parse_wait_seconds(std::string_view text);

}  // namespace feed
