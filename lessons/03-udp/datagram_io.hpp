#pragma once
// Lesson 03: receiving one datagram with a timeout, and learning whether it was truncated.
//
// A datagram is read whole or not at all: one receive returns exactly one datagram. If the
// buffer is smaller, the kernel copies what fits and throws the rest away. recv() alone does
// not say so (and asio's receive_from neither); recvmsg() does, with two Linux details used
// here: the MSG_TRUNC flag on the *call* makes it return the datagram's real length, and the
// MSG_TRUNC flag in the *result* (msg_flags) says the copy was cut short.
//
// A connected UDP socket (connect()) also learns about ICMP errors: if the server's port is
// closed, the kernel of the server's host answers "port unreachable" and our next receive
// fails with ECONNREFUSED. An unconnected socket is never told and just waits.

#include <asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <span>
#include <system_error>

namespace course {
class StopEvent;
}

namespace lesson03 {

struct ReceivedDatagram {
    std::size_t kept = 0;    // bytes copied into the buffer
    std::size_t length = 0;  // bytes the datagram really had
    asio::ip::udp::endpoint from;

    bool truncated() const noexcept { return kept < length; }
};

enum class ReceiveStatus { ok, timed_out, stopped, failed };

struct ReceiveResult {
    ReceiveStatus status = ReceiveStatus::failed;
    ReceivedDatagram datagram;
    std::error_code error;  // when failed: e.g. connection_refused on a connected socket
};

// Waits up to `timeout` (or until `stop`) for one datagram and reads it into `buffer`.
ReceiveResult receive_datagram(asio::ip::udp::socket& socket, std::span<char> buffer,
                               const course::StopEvent& stop, std::chrono::milliseconds timeout);

}  // namespace lesson03
