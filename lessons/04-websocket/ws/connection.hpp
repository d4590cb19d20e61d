#pragma once
// A WebSocket connection after the handshake, as a state machine without sockets: bytes from
// the peer go in, events come out, and the bytes to send wait in an outbox.
//
//   std::string_view input = what_a_read_returned;
//   while (auto event = conn.receive(input)) { ... }   // until Event::Kind::none
//   write(conn.pending_output()); conn.consume_output(n);
//   if (conn.should_close_tcp() && !conn.has_output()) close the socket;
//   at end of stream: auto event = conn.receive_eof();   // clean, or 1006
//
// It assembles fragmented messages (control frames may come between fragments), validates
// text as UTF-8 as the bytes arrive, answers pings with pongs and closes with closes by
// itself (a pong not yet taken from the outbox is replaced by the answer to a newer ping, as
// RFC 6455 5.5.3 allows, so a flood of pings costs one pong), and ends the connection with the
// close code RFC 6455 assigns to each violation:
// 1002 protocol error, 1007 invalid UTF-8, 1009 message too big. The data of an event (a
// message, a ping's payload, a close reason) is a view that stays valid until the next call
// to receive(). Payload bytes are copied once, into a buffer reused from message to message;
// nothing is allocated per byte or per frame.
//
// Memory: a buffer keeps its capacity for the next message only up to retained_capacity
// (4 KiB). A larger one is given back as soon as its bytes are no longer needed: the message
// buffer at the next receive(), the outbox once it has all been sent. So a connection that
// once carried a 16 MiB message does not sit on 32 MiB for the rest of its life, and an idle
// connection holds a few hundred bytes here.

#include "ws/frame.hpp"
#include "ws/random.hpp"
#include "ws/utf8.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ws {

enum class Role { server, client };

struct ConnectionOptions {
    std::size_t max_message_size = 16 * 1024 * 1024;  // bytes; a longer message gets 1009
};

// Capacity a buffer keeps between messages (see above); larger buffers are released.
inline constexpr std::size_t retained_capacity = 4096;

struct Event {
    enum class Kind {
        none,    // all input consumed, nothing (more) to report
        text,    // a whole text message (valid UTF-8) in `data`
        binary,  // a whole binary message in `data`
        ping,    // `data` is its payload; the pong is already queued (replacing an unsent one)
        pong,    // `data` is its payload (unsolicited pongs arrive here too, and need nothing)
        close,   // the peer closed: `code` (1005 if it gave none) and `data` (the reason);
                 // our answering close is queued if we had not sent one
        error,   // the peer broke the protocol: `code` and `data` say how; our close with that
                 // code is queued and the connection is finished
    };
    Kind kind = Kind::none;
    std::string_view data;
    std::uint16_t code = 0;

    explicit operator bool() const noexcept { return kind != Kind::none; }
};

// What --trace shows of each frame, incoming or outgoing.
struct FrameTrace {
    bool incoming;
    FrameHeader header;
    std::string_view raw_header;  // the header bytes as on the wire
    std::string_view payload;     // unmasked
};

class Connection {
public:
    enum class State {
        open,     // messages flow both ways
        closing,  // we sent a close and wait for the peer's
        closed,   // both closes done, or the connection failed: close TCP once the outbox is sent
    };

    explicit Connection(Role role, ConnectionOptions options = {});

    // Consumes bytes from the front of `input` until one event is complete, and returns it;
    // Kind::none once `input` is exhausted. After the connection is closed, input is ignored.
    Event receive(std::string_view& input);

    // Queue a message or control frame; false (and nothing queued) once we have sent a close.
    bool send_text(std::string_view text);
    bool send_binary(std::string_view bytes);
    // One frame of a message that the caller fragments itself: `opcode` is text or binary for
    // the first frame and continuation for the others; fin marks the last.
    bool send_frame(Opcode opcode, std::string_view payload, bool fin);
    bool send_ping(std::string_view payload = {});  // at most 125 bytes
    bool send_pong(std::string_view payload = {});  // at most 125 bytes
    // Starts the closing handshake; reason at most 123 bytes of UTF-8. code 1005 sends no body.
    bool close(std::uint16_t code = close_code::normal, std::string_view reason = {});
    // Bytes queued exactly as given (the client's deliberate protocol violations use this).
    void send_raw(std::string_view bytes) {
        out_.append(bytes);
        unsent_pong_at_ = npos;
    }

    std::string_view pending_output() const noexcept { return std::string_view(out_).substr(out_sent_); }
    bool has_output() const noexcept { return out_sent_ < out_.size(); }
    // Releases the outbox's memory once all of it is sent, if it grew past retained_capacity.
    void consume_output(std::size_t n) noexcept;

    // Bytes of buffer capacity this connection holds (the message being assembled, the outbox,
    // the control frame's payload): what it costs in memory beyond its own size.
    std::size_t buffer_capacity() const noexcept {
        return message_.capacity() + out_.capacity() + control_.capacity();
    }

    // The TCP stream ended: a read returned end of stream, or failed (reset, timeout). After a
    // completed closing handshake that is how a connection should end: Kind::none. Otherwise
    // the connection ended abnormally: Kind::close with code 1006, which is never sent on the
    // wire but names "closed without a close frame" (RFC 6455 7.1.5), and `data` says at which
    // point. Either way the state is closed afterwards.
    Event receive_eof();
    // Both close frames were exchanged (the closing handshake completed, RFC 6455 7.1.4).
    bool closed_cleanly() const noexcept { return sent_close_code_ != 0 && received_close_code_ != 0; }

    State state() const noexcept { return state_; }
    bool should_close_tcp() const noexcept { return state_ == State::closed; }
    // The code of the close we sent (0 if none yet), and the peer's (0 if none yet).
    std::uint16_t sent_close_code() const noexcept { return sent_close_code_; }
    std::uint16_t received_close_code() const noexcept { return received_close_code_; }

    // Called for every whole frame received or sent, when set (for --trace).
    void set_frame_observer(std::function<void(const FrameTrace&)> observer) {
        observer_ = std::move(observer);
    }

    // Mask keys for a client's frames; by default from the kernel's random source. Tests set a
    // fixed one to compare bytes.
    void set_mask_key_source(std::function<MaskKey()> source) { mask_keys_ = std::move(source); }

private:
    Event fail(std::uint16_t code, std::string reason);
    Event on_header();
    Event on_payload(const FrameDecoder::Step& step);
    Event on_frame_end();
    Event on_control_frame();
    void queue_frame(Opcode opcode, std::string_view payload, bool fin);

    Role role_;
    ConnectionOptions options_;
    FrameDecoder decoder_;
    State state_ = State::open;

    // The message being assembled, and where the current frame's payload starts in it.
    std::string message_;
    std::size_t frame_start_ = 0;
    std::uint8_t message_opcode_ = 0;  // text or binary; 0 when no message is in progress
    Utf8Validator utf8_;
    std::string control_;       // the current control frame's payload (at most 125 bytes)
    std::string error_reason_;  // the text of our last error event

    std::string out_;
    std::size_t out_sent_ = 0;
    static constexpr std::size_t npos = std::string::npos;
    // Where our answer to the last ping starts in out_, while it is the last frame there and
    // none of it has been taken: a newer ping's answer replaces it (RFC 6455 5.5.3).
    std::size_t unsent_pong_at_ = npos;
    std::uint16_t sent_close_code_ = 0;
    std::uint16_t received_close_code_ = 0;

    std::function<void(const FrameTrace&)> observer_;
    std::function<MaskKey()> mask_keys_;
    std::unique_ptr<RandomSource> random_;  // a client's mask keys; created at its first frame
};

const char* event_kind_name(Event::Kind kind) noexcept;

}  // namespace ws
