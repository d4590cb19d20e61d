#pragma once
// The counters GET /stats answers with, per mode: what a client of each mode cost the server.
// Sans-IO: the server counts, this class adds up and writes JSON.
//
//   {"last_id":41,"cpu_us":123456,"modes":{
//     "poll":{"requests":10,"responses":10,"head_bytes":1530,"body_bytes":420,"events":7,"open":1},
//     "longpoll":{...},"sse":{...},"ws":{...},"other":{...}}}
//
// requests     HTTP requests received (for sse and ws: the one that opened the stream)
// responses    HTTP answers sent whole (sse and ws: the head, or the 101)
// head_bytes   bytes of HTTP heads sent; for ws, of the 101 too
// body_bytes   every other byte sent: JSON arrays, SSE fields and heartbeats, WebSocket frames
// events       events delivered (one event to one client is one)
// open         connections of this mode open now (a keep-alive connection takes the mode of
//              its last request; "other" while it has not sent one)
// cpu_us       the server process' CPU time (user + system), for cost per event

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace feed {

enum class Mode { poll, long_poll, sse, websocket, other };
inline constexpr std::size_t mode_count = 5;
// "poll", "longpoll", "sse", "ws", "other": the keys in /stats.
std::string_view mode_name(Mode mode) noexcept;

struct ModeCounters {
    std::uint64_t requests = 0;
    std::uint64_t responses = 0;
    std::uint64_t head_bytes = 0;
    std::uint64_t body_bytes = 0;
    std::uint64_t events = 0;
    std::int64_t open = 0;
};

class Stats {
public:
    ModeCounters& operator[](Mode mode) noexcept { return modes_[static_cast<std::size_t>(mode)]; }
    const ModeCounters& operator[](Mode mode) const noexcept {
        return modes_[static_cast<std::size_t>(mode)];
    }

    // A connection moves from one mode to another (its next request was of another kind).
    void move_open(Mode from, Mode to) noexcept;

    std::string to_json(std::uint64_t last_id, std::uint64_t cpu_us) const;

private:
    std::array<ModeCounters, mode_count> modes_{};
};

}  // namespace feed
