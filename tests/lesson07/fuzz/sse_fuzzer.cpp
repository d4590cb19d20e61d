// libFuzzer target: the SSE parser (feed::SseParser) and the encoders.
//
// Oracles besides ASan+UBSan:
// - parsing: the stream fed in two pieces (cut where the fuzzer chooses) and fed a byte at a
//   time gives the same events, retry, last event id, comment count and verdict as fed whole;
// - round trip: for any bytes D and any name N without CR or LF, parsing sse_event(id, D, N)
//   gives exactly one event, named N ("message" if N is empty), with id `id` and the data D with
//   each CRLF and each lone CR turned into LF (the line breaks SSE cannot tell apart); a
//   comment gives no event and counts one comment.
// Run it with scripts/fuzz.

#include "feed/sse.hpp"
#include "fuzz_check.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace {

constexpr std::size_t max_line = 256;  // small, so that the limits are reachable
constexpr std::size_t max_data = 1024;

struct Outcome {
    std::vector<feed::SseMessage> events;
    feed::SseParser::Result result = feed::SseParser::Result::ok;
    std::optional<std::chrono::milliseconds> retry;
    std::string last_event_id;
    std::uint64_t comments = 0;

    bool operator==(const Outcome& other) const {
        if (events.size() != other.events.size()) return false;
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (events[i].event != other.events[i].event || events[i].data != other.events[i].data ||
                events[i].id != other.events[i].id)
                return false;
        }
        // After an error the parser's state is where it stopped, which is the same byte however
        // the stream was cut; compare it all the same.
        return result == other.result && retry == other.retry && last_event_id == other.last_event_id &&
               comments == other.comments;
    }
};

Outcome run(const std::vector<std::string_view>& pieces) {
    feed::SseParser parser(max_line, max_data);
    Outcome outcome;
    for (const std::string_view piece : pieces) {
        outcome.result = parser.push(piece, outcome.events);
        if (outcome.result == feed::SseParser::Result::error) {
            FUZZ_CHECK(!parser.error().empty());
            break;
        }
    }
    for (const auto& event : outcome.events) {
        FUZZ_CHECK(event.data.size() < max_data);
        FUZZ_CHECK(!event.event.empty());
    }
    outcome.retry = parser.retry();
    outcome.last_event_id = parser.last_event_id();
    outcome.comments = parser.comments();
    return outcome;
}

std::string normalize_line_breaks(std::string_view data) {
    std::string out;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] != '\r') {
            out += data[i];
            continue;
        }
        out += '\n';
        if (i + 1 < data.size() && data[i + 1] == '\n') ++i;
    }
    return out;
}

void check_round_trip(std::uint64_t id, std::string_view name, std::string_view data) {
    feed::SseParser parser(1 << 20, 1 << 20);
    std::vector<feed::SseMessage> events;
    const std::string comment(name);
    FUZZ_CHECK(parser.push(feed::sse_comment(comment), events) == feed::SseParser::Result::ok);
    FUZZ_CHECK(parser.push(feed::sse_event(id, data, name), events) == feed::SseParser::Result::ok);
    FUZZ_CHECK(events.size() == 1);
    FUZZ_CHECK(events[0].data == normalize_line_breaks(data));
    FUZZ_CHECK(events[0].event == (name.empty() ? std::string_view("message") : name));
    FUZZ_CHECK(events[0].id == std::to_string(id));
    FUZZ_CHECK(parser.comments() == 1);

    FUZZ_CHECK(parser.push(feed::sse_event_without_id(data, name), events) == feed::SseParser::Result::ok);
    FUZZ_CHECK(events.size() == 2);
    FUZZ_CHECK(events[1].data == events[0].data && events[1].event == events[0].event);
    FUZZ_CHECK(events[1].id == std::to_string(id));  // the last id stays in force
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Byte 0: where to cut; bytes 1..8: an id; then the stream (or, for the round trip, a name
    // up to the first CR or LF, and the data after it).
    if (size < 9) return 0;
    std::uint64_t id = 0;
    for (std::size_t i = 1; i < 9; ++i) id = id << 8 | data[i];
    const std::string_view input(reinterpret_cast<const char*>(data) + 9, size - 9);
    const std::size_t cut = data[0] % (input.size() + 1);

    const Outcome whole = run({input});
    FUZZ_CHECK(run({input.substr(0, cut), input.substr(cut)}) == whole);
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
    FUZZ_CHECK(run(bytes) == whole);

    const std::size_t name_end = std::min(input.find_first_of("\r\n"), input.size());
    const std::string_view name = input.substr(0, std::min(name_end, cut));
    check_round_trip(id, name, input.substr(name.size()));
    return 0;
}
