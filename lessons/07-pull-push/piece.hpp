#pragma once
// What a connection of the feed server queues: HTTP answers, SSE fields, WebSocket frames, each
// a shared, already-encoded piece (one event's SSE form or WebSocket frame is encoded once and
// queued by pointer to every stream that carries it, as lesson 05 shares its broadcast frames),
// with what /stats must count once it has actually gone out. The queue itself, with its gathered
// writes and the slow-consumer policy, is the course's (common/write_queue.hpp).

#include "feed/stats.hpp"

#include "common/write_queue.hpp"

#include <cstdint>

namespace lesson07 {

using Bytes = course::SharedBytes;

struct Piece {
    Bytes bytes;
    std::uint32_t head_size = 0;  // bytes of an HTTP head at its start (counted apart in /stats)
    std::uint32_t events = 0;     // feed events it carries
    feed::Mode mode = feed::Mode::other;
    bool response = false;  // the whole of an HTTP answer, or the head that opens a stream
};

// What an eviction keeps besides the piece being sent (WriteQueue::drop_unstarted): an HTTP
// answer or stream head not sent yet, since without its 101 a client would get a bare close frame
// instead of an answer.
inline bool is_response(const Piece& piece) noexcept { return piece.response; }

using WriteQueue = course::WriteQueue<Piece>;

}  // namespace lesson07
