#pragma once
// Lesson 03, "three ways": the one tiny job that blocking.cpp, handlers.cpp and coroutine.cpp
// each do, so that the three styles can be compared on equal terms.
//
// Job k: open a UDP socket, send one datagram ("three-ways handlers job 17") to the echo, and
// wait at most `timeout` for the same bytes to come back from the echo's address. Anybody can
// send a datagram to any port, so a datagram from someone else, or with other bytes (a late
// reply meant for an earlier socket that had the same port), is counted as ignored and the
// wait goes on, until the deadline. Each job ends with one outcome.

#include <asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace lesson03::three_ways {

enum class Style { blocking, handlers, coroutine };

std::string_view style_name(Style style) noexcept;  // "blocking", "handlers", "coroutine"
std::optional<Style> parse_style(std::string_view name) noexcept;

enum class Outcome {
    stopped,    // never finished: the program was asked to stop first (the initial value)
    replied,    // the echo sent our bytes back in time
    timed_out,  // nothing that was ours arrived before the deadline
    failed,     // the socket, or the thread, could not be had (error says why)
};

struct JobResult {
    Outcome outcome = Outcome::stopped;
    std::chrono::microseconds round_trip{};  // from the send to the reply, if replied
    std::size_t ignored = 0;                 // datagrams that arrived but were not the reply
    std::thread::id thread;                  // the thread the job started on
    std::string error;                       // if failed
};

struct JobPlan {
    asio::ip::udp::endpoint echo;             // where each job sends its datagram
    std::chrono::milliseconds timeout{1000};  // how long each job waits for the reply
};

// Datagrams longer than this are cut to it on receipt; a request is far shorter.
inline constexpr std::size_t reply_capacity = 64;

// The bytes job k of `style` sends, and expects back.
std::string request_for(Style style, std::size_t k);

// True if a datagram of `bytes` from `from` is the echo of `request`.
bool is_reply(const JobPlan& plan, const asio::ip::udp::endpoint& from, std::string_view bytes,
              std::string_view request) noexcept;

}  // namespace lesson03::three_ways
