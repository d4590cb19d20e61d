#include "ping_packet.hpp"

namespace lesson03 {

namespace {

constexpr std::string_view magic = "PING";

// TASK 03.ping-packet: encode and decode the ping header byte by byte, big-endian
// STUB-ONLY
void put_be(std::string& out, std::uint64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out += static_cast<char>((value >> shift) & 0xff);
    }
}

std::uint64_t get_be(std::string_view in, std::size_t offset, int bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[offset + i]);
    return value;
}
// END TASK 03.ping-packet

}  // namespace

std::string encode_ping(const PingPacket& packet, std::size_t size) {
    // TASK 03.ping-packet: encode and decode the ping header byte by byte, big-endian
    // STUB: (void)packet;
    // STUB: (void)size;
    std::string out;
    out.reserve(size > ping_header_size ? size : ping_header_size);
    out += magic;
    put_be(out, packet.sequence, 4);
    put_be(out, packet.sent_ns, 8);
    for (std::size_t i = 0; out.size() < size; ++i) out += static_cast<char>('a' + i % 26);
    return out;
    // END TASK 03.ping-packet
}

std::optional<std::string> ping_problem(std::string_view bytes) {
    if (bytes.size() < ping_header_size) {
        return "too short: " + std::to_string(bytes.size()) + " bytes, a ping has at least " +
               std::to_string(ping_header_size);
    }
    if (bytes.substr(0, magic.size()) != magic) return std::string("does not start with \"PING\"");
    return std::nullopt;
}

std::optional<PingPacket> decode_ping(std::string_view bytes) {
    // TASK 03.ping-packet: encode and decode the ping header byte by byte, big-endian
    // STUB: (void)bytes;
    if (ping_problem(bytes)) return std::nullopt;
    PingPacket packet;
    packet.sequence = static_cast<std::uint32_t>(get_be(bytes, 4, 4));
    packet.sent_ns = get_be(bytes, 8, 8);
    return packet;
    // END TASK 03.ping-packet
}

std::optional<std::string> payload_size_problem(std::size_t size, bool ipv6) {
    const std::size_t limit = ipv6 ? max_udp_payload_ipv6 : max_udp_payload_ipv4;
    if (size <= limit) return std::nullopt;
    const std::string headers = ipv6 ? "65,535 minus the 8-byte UDP header"
                                     : "65,535 minus the 20-byte IPv4 header and the 8-byte UDP header";
    return "payload of " + std::to_string(size) + " bytes does not fit in one UDP datagram over " +
           (ipv6 ? "IPv6" : "IPv4") + ": the limit is " + std::to_string(limit) + " bytes (" + headers +
           "); UDP never splits a message for you";
}

}  // namespace lesson03
