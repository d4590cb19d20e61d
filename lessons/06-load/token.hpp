#pragma once
// The token a broadcast sender puts in each chat message, and the search for it in whatever a
// receiver gets back (a "NAME: " prefix from lesson 02, a JSON object from lesson 05).
//
//   ~t6~RUN~SENDER~SEQ~NANOS~        every field lowercase hexadecimal
//
// RUN tells this run's tokens from an earlier run's (lesson 05 replays its history to newcomers);
// SENDER and SEQ identify the message, so a receiver can count it once and notice a duplicate;
// NANOS is the steady clock of the process that sent it, so the receiver (the same process)
// computes the latency without any shared state. '~' and hex digits need no escaping in JSON,
// never appear in a lesson 02 name, and survive lesson 02's sanitising of control bytes, so the
// token arrives byte for byte as sent. Pure code, no sockets.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lesson06 {

struct Token {
    std::uint32_t run = 0;
    std::uint32_t sender = 0;
    std::uint32_t seq = 0;
    std::uint64_t nanos = 0;  // steady_clock of the sender, nanoseconds since its epoch
};

inline constexpr std::string_view token_marker = "~t6~";
inline constexpr std::size_t max_token_size = 4 + 8 + 1 + 8 + 1 + 8 + 1 + 16 + 1;  // marker and fields

// Appends the token to `out` (no allocation when `out` has the capacity).
void append_token(std::string& out, const Token& token);

// Finds the first well-formed token of run `run` in `text`, starting at `from`, and returns it;
// `from` is moved past it, so a loop finds them all. Tokens of other runs and broken ones are
// skipped. nullopt when there is none left.
std::optional<Token> find_token(std::string_view text, std::uint32_t run, std::size_t& from);

// The readiness probe, for chat servers that greet nobody (06-loadgen --join probe):
//
//   ~p6~RUN~        RUN lowercase hexadecimal
//
// A receiver that finds its run's probe in a message knows the room reaches it. It is not a
// token (find_token skips it), so it is never counted as a delivery.
inline constexpr std::string_view probe_marker = "~p6~";
std::string make_probe(std::uint32_t run);

}  // namespace lesson06
