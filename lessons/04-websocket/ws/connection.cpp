#include "ws/connection.hpp"

#include <stdexcept>

namespace ws {

namespace {

// TASK 04.close: answer the peer's close frame, checking its code and reason
// STUB-ONLY
std::uint16_t read_u16(std::string_view bytes) noexcept {  // network byte order
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(bytes[0]) << 8) |
                                      static_cast<std::uint8_t>(bytes[1]));
}
// END TASK 04.close

// Empties `buffer`; gives its memory back if it grew past what we keep for the next message.
void clear_and_trim(std::string& buffer) noexcept {
    if (buffer.capacity() > retained_capacity) std::string().swap(buffer);
    else buffer.clear();
}

}  // namespace

const char* event_kind_name(Event::Kind kind) noexcept {
    switch (kind) {
    case Event::Kind::none: return "none";
    case Event::Kind::text: return "text";
    case Event::Kind::binary: return "binary";
    case Event::Kind::ping: return "ping";
    case Event::Kind::pong: return "pong";
    case Event::Kind::close: return "close";
    case Event::Kind::error: return "error";
    }
    return "?";
}

Connection::Connection(Role role, ConnectionOptions options)
    : role_(role), options_(options), decoder_(role == Role::server) {
    control_.reserve(max_control_payload);
}

Event Connection::receive(std::string_view& input) {
    // The last message returned (a view into message_) is no longer needed, nor the part of
    // one cut short by a failure: a large buffer goes.
    if (message_opcode_ == 0 || state_ == State::closed) {
        if (message_.capacity() > retained_capacity) clear_and_trim(message_);
    }
    if (state_ == State::closed) {  // nothing may follow a close (RFC 6455 5.5.1): ignore it
        input = {};
        return {};
    }
    for (;;) {
        const FrameDecoder::Step step = decoder_.next(input);
        Event event;
        switch (step.status) {
        case FrameDecoder::Status::need_more: return {};
        case FrameDecoder::Status::error: return fail(decoder_.error_code(), decoder_.error_reason());
        case FrameDecoder::Status::header: event = on_header(); break;
        case FrameDecoder::Status::payload: event = on_payload(step); break;
        case FrameDecoder::Status::frame_end: event = on_frame_end(); break;
        }
        if (event) return event;
    }
}

Event Connection::receive_eof() {
    const bool clean = closed_cleanly();
    const State before = state_;
    state_ = State::closed;
    if (clean) return {};
    error_reason_ = before == State::open      ? "the connection ended without a closing handshake"
                    : before == State::closing ? "the connection ended before the peer answered our close"
                                               : "the connection ended after a protocol error";
    return {Event::Kind::close, error_reason_, close_code::abnormal};
}

Event Connection::fail(std::uint16_t code, std::string reason) {
    // "Fail the WebSocket connection" (RFC 6455 7.1.7): send a close with the code, unless we
    // already sent one, and take nothing more from this peer.
    if (state_ == State::open) {
        std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
        body += std::string_view(reason).substr(0, max_control_payload - 2);
        queue_frame(Opcode::close, body, true);
        sent_close_code_ = code;
    }
    state_ = State::closed;
    error_reason_ = std::move(reason);
    return {Event::Kind::error, error_reason_, code};
}

Event Connection::on_header() {
    const FrameHeader& h = decoder_.header();
    if (is_control(h.opcode)) {
        control_.clear();
        return {};
    }
    if (h.opcode == static_cast<std::uint8_t>(Opcode::continuation)) {
        if (message_opcode_ == 0)
            return fail(close_code::protocol_error, "continuation frame with no message to continue");
    } else {
        if (message_opcode_ != 0) {
            return fail(close_code::protocol_error,
                        "new message started inside an unfinished fragmented message");
        }
        message_opcode_ = h.opcode;
        message_.clear();  // keeps its capacity (at most retained_capacity): reused, not reallocated
        utf8_.reset();
    }
    // Checked on the header, before any of the payload is stored.
    if (h.length > options_.max_message_size - message_.size()) {
        return fail(close_code::message_too_big,
                    "message larger than " + std::to_string(options_.max_message_size) + " bytes");
    }
    frame_start_ = message_.size();
    return {};
}

Event Connection::on_payload(const FrameDecoder::Step& step) {
    const FrameHeader& h = decoder_.header();
    std::string& target = is_control(h.opcode) ? control_ : message_;
    const std::size_t at = target.size();
    target.append(step.payload);
    if (h.masked)
        apply_mask(reinterpret_cast<std::uint8_t*>(target.data() + at), step.payload.size(), h.mask,
                   step.offset);
    // Validate text as it arrives, so invalid UTF-8 fails at once, not at the end of 16 MiB.
    if (&target == &message_ && message_opcode_ == static_cast<std::uint8_t>(Opcode::text) &&
        !utf8_.feed(std::string_view(message_).substr(at))) {
        return fail(close_code::invalid_payload, "invalid UTF-8 in a text message");
    }
    return {};
}

Event Connection::on_frame_end() {
    const FrameHeader& h = decoder_.header();
    if (observer_) {
        const std::string_view payload = is_control(h.opcode)
                                             ? std::string_view(control_)
                                             : std::string_view(message_).substr(frame_start_);
        observer_(FrameTrace{true, h, decoder_.raw_header(), payload});
    }
    if (is_control(h.opcode)) return on_control_frame();
    if (!h.fin) return {};  // more fragments to come
    const bool text = message_opcode_ == static_cast<std::uint8_t>(Opcode::text);
    message_opcode_ = 0;
    if (text && !utf8_.complete()) {
        return fail(close_code::invalid_payload, "text message ends in the middle of a UTF-8 sequence");
    }
    return {text ? Event::Kind::text : Event::Kind::binary, message_};
}

Event Connection::on_control_frame() {
    switch (static_cast<Opcode>(decoder_.header().opcode)) {
    case Opcode::ping:
        if (state_ == State::open) {
            // The same payload (5.5.2). A pong still waiting whole in the outbox is dropped: only
            // the latest ping needs an answer (5.5.3), so a peer that floods us with pings and
            // reads nothing cannot make the outbox grow.
            if (unsent_pong_at_ != npos) out_.resize(unsent_pong_at_);
            queue_frame(Opcode::pong, control_, true);
            unsent_pong_at_ =
                out_.size() - frame_header_size(control_.size(), role_ == Role::client) - control_.size();
        }
        return {Event::Kind::ping, control_};
    case Opcode::pong: return {Event::Kind::pong, control_};
    case Opcode::close: break;
    default: return {};
    }
    // TASK 04.close: answer the peer's close frame, checking its code and reason
    // Close (RFC 6455 5.5.1): an empty body, or a 2-byte code and a UTF-8 reason.
    if (control_.size() == 1) return fail(close_code::protocol_error, "close frame with a 1-byte body");
    std::uint16_t code = close_code::no_status;
    std::string_view reason;
    if (control_.size() >= 2) {
        code = read_u16(control_);
        if (!is_valid_close_code(code)) {
            return fail(close_code::protocol_error, "invalid close code " + std::to_string(code));
        }
        reason = std::string_view(control_).substr(2);
        if (!is_valid_utf8(reason))
            return fail(close_code::invalid_payload, "close reason is not valid UTF-8");
    }
    received_close_code_ = code;
    if (state_ == State::open) {  // answer with a close of our own, echoing the code
        if (code == close_code::no_status) {
            queue_frame(Opcode::close, {}, true);
        } else {
            const char body[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
            queue_frame(Opcode::close, {body, 2}, true);
        }
        sent_close_code_ = code;
    }
    state_ = State::closed;
    return {Event::Kind::close, reason, code};
    // END TASK 04.close
}

void Connection::queue_frame(Opcode opcode, std::string_view payload, bool fin) {
    if (out_sent_ == out_.size()) {  // all sent: start again at the front of the buffer
        out_.clear();
        out_sent_ = 0;
    }
    unsent_pong_at_ = npos;  // a pong before this frame is no longer the last one
    const std::size_t start = out_.size();
    if (role_ == Role::client) {  // a client masks every frame with a fresh key (RFC 6455 5.3)
        if (!mask_keys_ && !random_) random_ = std::make_unique<RandomSource>();
        const MaskKey key = mask_keys_ ? mask_keys_() : random_->mask_key();
        append_frame(out_, opcode, payload, fin, &key);
    } else {
        append_frame(out_, opcode, payload, fin, nullptr);
    }
    if (observer_) {
        FrameHeader h;
        h.fin = fin;
        h.opcode = static_cast<std::uint8_t>(opcode);
        h.length = payload.size();
        h.masked = role_ == Role::client;
        const std::size_t header_size = frame_header_size(payload.size(), h.masked);
        if (h.masked)
            std::copy_n(out_.data() + start + header_size - 4, 4, reinterpret_cast<char*>(h.mask.data()));
        observer_(FrameTrace{false, h, std::string_view(out_).substr(start, header_size), payload});
    }
}

bool Connection::send_text(std::string_view text) { return send_frame(Opcode::text, text, true); }
bool Connection::send_binary(std::string_view bytes) { return send_frame(Opcode::binary, bytes, true); }

bool Connection::send_frame(Opcode opcode, std::string_view payload, bool fin) {
    if (state_ != State::open) return false;  // no data after our close (RFC 6455 5.5.1)
    queue_frame(opcode, payload, fin);
    return true;
}

bool Connection::send_ping(std::string_view payload) {
    if (payload.size() > max_control_payload) throw std::invalid_argument("a ping carries at most 125 bytes");
    return send_frame(Opcode::ping, payload, true);
}

bool Connection::send_pong(std::string_view payload) {
    if (payload.size() > max_control_payload) throw std::invalid_argument("a pong carries at most 125 bytes");
    return send_frame(Opcode::pong, payload, true);
}

bool Connection::close(std::uint16_t code, std::string_view reason) {
    if (state_ != State::open) return false;
    if (reason.size() > max_control_payload - 2)
        throw std::invalid_argument("a close reason is at most 123 bytes");
    if (code == close_code::no_status) {
        queue_frame(Opcode::close, {}, true);
    } else {
        std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
        body += reason;
        queue_frame(Opcode::close, body, true);
    }
    sent_close_code_ = code;
    state_ = State::closing;
    return true;
}

void Connection::consume_output(std::size_t n) noexcept {
    out_sent_ += n;
    if (unsent_pong_at_ != npos && out_sent_ > unsent_pong_at_) unsent_pong_at_ = npos;  // taken: it stays
    if (out_sent_ >= out_.size()) {
        clear_and_trim(out_);
        out_sent_ = 0;
    }
}

}  // namespace ws
