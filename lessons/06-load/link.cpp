#include "link.hpp"

#include "options.hpp"  // now_nanos

#include "common/hex_dump.hpp"
#include "common/tls/tls_info.hpp"

#include <asio/post.hpp>
#include <asio/ssl/error.hpp>
#include <asio/write.hpp>

namespace lesson06 {
namespace {

constexpr std::size_t max_line = 1 << 20;         // bytes in one tcp:// reply line
constexpr std::size_t max_ws_message = 16 << 20;  // bytes in one ws:// message
constexpr int reads_per_turn = 8;                 // then let other links run
constexpr std::size_t tls_read_size = 16 * 1024;  // wss://: one TLS record's plaintext at most

}  // namespace

Link::Link(asio::io_context& io, const Target& target, LinkHandler& handler, std::vector<char>& scratch,
           std::size_t index, course::Logger* log, TlsClient* tls, std::size_t target_index)
    : socket_(io), target_(target), handler_(handler), index_(index),
      trace_(log && log->tracing() ? log : nullptr), scratch_(scratch), tls_client_(tls),
      target_index_(target_index) {}

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
    switch (target_.scheme) {
    case Target::Scheme::tcp:
        lines_.emplace(max_line);
        state_ = State::open;
        handler_.on_open(*this);
        break;
    case Target::Scheme::ws: start_websocket_handshake(); break;
    case Target::Scheme::wss: {
        state_ = State::tls_handshake;
        tls_.emplace(socket_, tls_client_->context());
        tls_client_->prepare(tls_->native_handle(), target_, target_index_);
        const std::uint64_t started = now_nanos();
        tls_->async_handshake(asio::ssl::stream_base::client,
                              [self = shared_from_this(), started](const std::error_code& error) {
                                  self->on_tls_handshake(error, started);
                              });
        return;  // reading starts once TLS is up
    }
    }
    if (state_ != State::finished) wait_readable();
}

void Link::start_websocket_handshake() {
    state_ = State::handshake;
    handshake_.emplace(target_.ws, random_.bytes(16));
    out_ += handshake_->request();
    flush();
}

void Link::on_tls_handshake(const std::error_code& ec, std::uint64_t started_ns) {
    if (state_ == State::finished) return;
    if (ec) return fail(course::tls::describe_client_failure(tls_->native_handle(), target_.host, ec));
    const bool resumed = SSL_session_reused(tls_->native_handle()) == 1;
    if (trace_) {
        trace_->trace("link ", index_, ": TLS up: ", course::tls::describe_connection(tls_->native_handle()));
    }
    handler_.on_tls_handshake(*this, now_nanos() - started_ns, resumed);
    if (state_ == State::finished) return;
    tls_in_.resize(tls_read_size);
    start_websocket_handshake();
    if (state_ != State::finished) read_tls();
}

void Link::read_tls() {
    tls_->async_read_some(asio::buffer(tls_in_),
                          [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
                              if (self->state_ == State::finished) return;
                              if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
                                  return self->fail("server closed the connection");
                              if (ec) return self->fail("read: " + course::tls::describe_error(ec));
                              self->received(std::string_view(self->tls_in_.data(), n));
                              if (self->state_ != State::finished) self->read_tls();
                          });
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
        received(std::string_view(scratch_.data(), n));
        if (state_ == State::finished) return;
    }
    // More may be waiting: come back after the other links had their turn.
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
        if (self->state_ != State::finished) self->on_readable();
    });
}

void Link::received(std::string_view bytes) {
    if (trace_) {
        trace_->trace(course::hex_dump(
            "link " + std::to_string(index_) + ": recv " + std::to_string(bytes.size()) + " bytes", bytes));
    }
    if (state_ == State::handshake) {
        deliver_handshake(bytes);
    } else {
        deliver(bytes);
    }
}

void Link::deliver_handshake(std::string_view bytes) {
    switch (handshake_->receive(bytes)) {
    case ws::ClientHandshaker::State::waiting: return;
    case ws::ClientHandshaker::State::refused: return fail("handshake: " + handshake_->reason());
    case ws::ClientHandshaker::State::accepted: break;
    }
    if (trace_) trace_->trace("link ", index_, ": handshake accepted (101, Sec-WebSocket-Accept matches)");
    handshake_.reset();
    // The session tickets of TLS 1.3 came before the 101: the session is complete by now.
    if (tls_) tls_client_->remember(tls_->native_handle(), target_index_);
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
    auto written = [self = shared_from_this()](const std::error_code& ec, std::size_t) {
        self->write_pending_ = false;
        self->writing_.clear();
        if (self->state_ == State::finished) return;
        if (ec) return self->fail("write: " + ec.message());
        self->flush();
    };
    if (tls_) {
        asio::async_write(*tls_, asio::buffer(writing_), std::move(written));
    } else {
        asio::async_write(socket_, asio::buffer(writing_), std::move(written));
    }
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
