#pragma once
// The server's GET /stats answer, as the benchmark reads it: a JSON object whose values are
// unsigned integers or objects of the same kind, flattened to dotted names:
//
//   {"last_id":41,"cpu_us":123456,"modes":{"poll":{"requests":10,...},...}}
//   -> last_id = 41, cpu_us = 123456, modes.poll.requests = 10, ...
//
// Strict (RFC 8259 for this subset): anything else (a string, a negative or fractional number,
// an array, a duplicate name, bytes after the object, nesting deeper than 4) is refused with a
// reason and the byte offset. Names must be plain ASCII without escapes: the server's are.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lesson07 {

struct StatsJson {
    std::map<std::string, std::uint64_t, std::less<>> values;  // "modes.sse.events" -> 12
    std::string error;                                         // why it was refused, if it was
    bool ok() const noexcept { return error.empty(); }
    // The value, or 0 if the server did not report it.
    std::uint64_t get(std::string_view name) const;
};

StatsJson parse_stats_json(std::string_view text);

}  // namespace lesson07
