#pragma once
// Lesson 03: the datagram 03-udp-client sends in ping mode, and the size limits of a datagram.
//
// One ping is one datagram, so it needs no length prefix and no delimiter: UDP keeps message
// boundaries (compare lesson 01, where TCP did not). All numbers are big-endian (network
// byte order); the layout is written out byte by byte, never a struct copied onto the wire.
//
//   offset  size  field
//   0       4     magic "PING" (50 49 4e 47): tells a ping reply from stray bytes
//   4       4     sequence number, 0, 1, 2, ...
//   8       8     send time: the client's steady clock in nanoseconds (only the client reads it)
//   16      ...   padding up to the requested size: the bytes 'a'..'z' repeating
//
// The server reflects the datagram unchanged, so the reply carries the sequence number (to
// count losses, duplicates and reordering) and the send time (to measure the round trip).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lesson03 {

inline constexpr std::size_t ping_header_size = 16;  // magic + sequence + send time
// An IPv4 packet is at most 65,535 bytes: minus a 20-byte IP header and an 8-byte UDP header.
inline constexpr std::size_t max_udp_payload_ipv4 = 65'507;
// An IPv6 payload length also stops at 65,535 (without jumbograms), and only the 8-byte UDP
// header is counted in it: the 40-byte IPv6 header comes on top.
inline constexpr std::size_t max_udp_payload_ipv6 = 65'527;

struct PingPacket {
    std::uint32_t sequence = 0;
    std::uint64_t sent_ns = 0;

    bool operator==(const PingPacket&) const = default;
};

// The datagram for `packet`, `size` bytes long (at least ping_header_size: a smaller size is
// raised to it).
std::string encode_ping(const PingPacket& packet, std::size_t size);

// Why `bytes` is not a ping reply ("too short: 5 bytes, a ping has at least 16"), or nullopt
// if it is one.
std::optional<std::string> ping_problem(std::string_view bytes);

// The packet in `bytes`, or nullopt if ping_problem() finds one.
std::optional<PingPacket> decode_ping(std::string_view bytes);

// Why a payload of `size` bytes cannot go in one UDP datagram, or nullopt if it can.
std::optional<std::string> payload_size_problem(std::size_t size, bool ipv6);

}  // namespace lesson03
