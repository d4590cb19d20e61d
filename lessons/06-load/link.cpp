#include "link.hpp"

#include "common/hex_dump.hpp"

#include <asio/post.hpp>
#include <asio/write.hpp>

namespace lesson06 {
namespace {

constexpr std::size_t max_line = 1 << 20;         // bytes in one tcp:// reply line
constexpr std::size_t max_ws_message = 16 << 20;  // bytes in one ws:// message
constexpr int reads_per_turn = 8;                 // then let other links run

}  // namespace

Link::Link(asio::io_context& io, const Target& target, LinkHandler& handler, std::vector<char>& scratch,
           std::size_t index, course::Logger* log)
    : socket_(io), target_(target), handler_(handler), index_(index),
      trace_(log && log->tracing() ? log : nullptr), scratch_(scratch) {}

void Link::start(const asio::ip::tcp::endpoint& endpoint) {
    socket_.async_connect(endpoint,
                          [self = shared_from_this()](const std::error_code& ec) { self->on_connected(ec); });
}

void Link::on_connected(const std::error_code& ec) {
    if (state_ == State::finished) return;
    if (ec) return fail("connect: " + ec.message());
    if (trace_) trace_->trace("link ", index_, ": connected to ", target_.url);
    std::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // small messages go out at once
    socket_.non_blocking(true, ignored);
    if (target_.scheme == Target::Scheme::tcp) {
        lines_.emplace(max_line);
        state_ = State::open;
        handler_.on_open(*this);
    } else {
        state_ = State::handshake;
        handshake_.emplace(target_.ws, random_.bytes(16));
        out_ += handshake_->request();
        flush();
    }
    if (state_ != State::finished) wait_readable();
}

void Link::wait_readable() {
    socket_.async_wait(asio::ip::tcp::socket::wait_read,
                       [self = shared_from_this()](const std::error_code& ec) {
                           if (self->state_ == State::finished) return;
                           if (ec) return self->fail("wait: " + ec.message());
                           self->on_readable();
                       });
}

void Link::on_readable() {
    for (int turn = 0; turn < reads_per_turn; ++turn) {
        std::error_code ec;
        const std::size_t n = socket_.read_some(asio::buffer(scratch_), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) return wait_readable();
        if (ec == asio::error::eof) return fail("server closed the connection");
        if (ec) return fail("read: " + ec.message());
        const std::string_view bytes(scratch_.data(), n);
        if (trace_) {
            trace_->trace(course::hex_dump(
                "link " + std::to_string(index_) + ": recv " + std::to_string(n) + " bytes", bytes));
        }
        if (state_ == State::handshake) {
            deliver_handshake(bytes);
        } else {
            deliver(bytes);
        }
        if (state_ == State::finished) return;
    }
    // More may be waiting: come back after the other links had their turn.
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
        if (self->state_ != State::finished) self->on_readable();
    });
}

void Link::deliver_handshake(std::string_view bytes) {
    switch (handshake_->receive(bytes)) {
    case ws::ClientHandshaker::State::waiting: return;
    case ws::ClientHandshaker::State::refused: return fail("handshake: " + handshake_->reason());
    case ws::ClientHandshaker::State::accepted: break;
    }
    if (trace_) trace_->trace("link ", index_, ": handshake accepted (101, Sec-WebSocket-Accept matches)");
    handshake_.reset();
    ws_.emplace(ws::Role::client, ws::ConnectionOptions{max_ws_message});
    state_ = State::open;
    handler_.on_open(*this);
    if (state_ == State::open && !bytes.empty()) deliver(bytes);  // the server may speak first
}

void Link::deliver(std::string_view bytes) {
    if (lines_) {
        lines_->push(bytes);
        while (auto event = lines_->pop()) {
            if (event->kind == course::LineEvent::Kind::too_long) return fail("reply line too long");
            handler_.on_message(*this, event->text);
            if (state_ != State::open) return;
        }
        return;
    }
    while (const ws::Event event = ws_->receive(bytes)) {
        switch (event.kind) {
        case ws::Event::Kind::text:
        case ws::Event::Kind::binary:
            handler_.on_message(*this, event.data);
            if (state_ != State::open) return;
            break;
        case ws::Event::Kind::close:
            return fail("server closed with " + std::to_string(event.code) +
                        (event.data.empty() ? "" : " " + std::string(event.data)));
        case ws::Event::Kind::error:
            return fail("protocol error " + std::to_string(event.code) + ": " + std::string(event.data));
        default: break;  // pings are answered by ws::Connection; pongs need nothing
        }
    }
    if (ws_->has_output()) {  // pongs
        out_ += ws_->pending_output();
        ws_->consume_output(ws_->pending_output().size());
        flush();
    }
}

void Link::send(std::string_view message) {
    if (state_ != State::open) return;
    if (lines_) {
        out_ += message;
        out_ += '\n';
    } else {
        const ws::MaskKey key = random_.mask_key();
        ws::append_frame(out_, ws::Opcode::text, message, true, &key);
    }
    flush();
}

void Link::flush() {
    if (write_pending_ || out_.empty() || state_ == State::finished) return;
    write_pending_ = true;
    writing_.swap(out_);  // out_ now holds the old (empty) buffer and keeps its capacity
    out_.clear();
    if (trace_) {
        trace_->trace(course::hex_dump(
            "link " + std::to_string(index_) + ": send " + std::to_string(writing_.size()) + " bytes",
            writing_));
    }
    asio::async_write(socket_, asio::buffer(writing_),
                      [self = shared_from_this()](const std::error_code& ec, std::size_t) {
                          self->write_pending_ = false;
                          self->writing_.clear();
                          if (self->state_ == State::finished) return;
                          if (ec) return self->fail("write: " + ec.message());
                          self->flush();
                      });
}

void Link::fail(std::string reason) {
    if (state_ == State::finished) return;
    if (trace_) trace_->trace("link ", index_, ": closed: ", reason);
    state_ = State::finished;
    std::error_code ignored;
    socket_.close(ignored);
    handler_.on_closed(*this, reason);
}

void Link::stop() {
    if (state_ == State::finished) return;
    state_ = State::finished;
    std::error_code ignored;
    socket_.close(ignored);
}

}  // namespace lesson06
