#include "feed/stats.hpp"

namespace feed {

std::string_view mode_name(Mode mode) noexcept {
    switch (mode) {
    case Mode::poll: return "poll";
    case Mode::long_poll: return "longpoll";
    case Mode::sse: return "sse";
    case Mode::websocket: return "ws";
    case Mode::other: return "other";
    }
    return "other";
}

void Stats::move_open(Mode from, Mode to) noexcept {
    if (from == to) return;
    --(*this)[from].open;
    ++(*this)[to].open;
}

std::string Stats::to_json(std::uint64_t last_id, std::uint64_t cpu_us) const {
    std::string out =
        "{\"last_id\":" + std::to_string(last_id) + ",\"cpu_us\":" + std::to_string(cpu_us) + ",\"modes\":{";
    for (std::size_t i = 0; i < mode_count; ++i) {
        const auto mode = static_cast<Mode>(i);
        const ModeCounters& c = (*this)[mode];
        if (i > 0) out += ',';
        out += '"';
        out += mode_name(mode);
        out += "\":{\"requests\":" + std::to_string(c.requests) +
               ",\"responses\":" + std::to_string(c.responses) +
               ",\"head_bytes\":" + std::to_string(c.head_bytes) +
               ",\"body_bytes\":" + std::to_string(c.body_bytes) + ",\"events\":" + std::to_string(c.events) +
               ",\"open\":" + std::to_string(c.open) + '}';
    }
    out += "}}";
    return out;
}

}  // namespace feed
