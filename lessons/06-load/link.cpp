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

}  // namespace

Link::Link(asio::io_context& io, const Target& target, LinkHandler& handler, ReadBuffers& buffers,
           std::size_t index, course::Logger* log, TlsClient* tls, std::size_t target_index)
    : socket_(io), target_(target), handler_(handler), index_(index),
      trace_(log && log->tracing() ? log : nullptr), buffers_(buffers), tls_client_(tls),
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
    case Target::Scheme::wss:
        state_ = State::tls_handshake;
        tls_.emplace(tls_client_->context().native_handle(), course::tls::TlsEngine::Role::client);
        tls_client_->prepare(tls_->native_handle(), target_, target_index_);
        tls_started_ns_ = now_nanos();
        tls_handshake({});  // the ClientHello
        break;
    }
    if (state_ != State::finished) wait_readable();
}

void Link::start_websocket_handshake() {
    state_ = State::handshake;
    handshake_.emplace(target_.ws, random_.bytes(16));
    out_ += handshake_->request();
    flush();
}

void Link::tls_handshake(std::span<const char> input) {
    using Status = course::tls::TlsEngine::Status;
    const Status status = tls_->handshake(input);
    flush();  // our next handshake message (or the alert)
    if (status == Status::want_input || state_ == State::finished) return;
    if (status == Status::failed)
        return fail(course::tls::describe_client_failure(tls_->native_handle(), target_.host, tls_->error()));
    const bool resumed = SSL_session_reused(tls_->native_handle()) == 1;
    if (trace_) {
        trace_->trace("link ", index_, ": TLS up: ", course::tls::describe_connection(tls_->native_handle()));
    }
    handler_.on_tls_handshake(*this, now_nanos() - tls_started_ns_, resumed);
    if (state_ == State::finished) return;
    start_websocket_handshake();
    if (state_ != State::finished && tls_->has_input()) decrypt({});  // what came after the handshake
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
        std::vector<char>& bytes = buffers_.bytes;
        const std::size_t n = socket_.read_some(asio::buffer(bytes), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) return wait_readable();
        if (ec == asio::error::eof) return fail("server closed the connection");
        if (ec) return fail("read: " + ec.message());
        if (state_ == State::tls_handshake) tls_handshake(std::span<const char>(bytes.data(), n));
        else if (tls_) decrypt(std::span<const char>(bytes.data(), n));
        else received(std::string_view(bytes.data(), n));
        if (state_ == State::finished) return;
    }
    // More may be waiting: come back after the other links had their turn.
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
        if (self->state_ != State::finished) self->on_readable();
    });
}

void Link::decrypt(std::span<const char> ciphertext) {
    using Status = course::tls::TlsEngine::Status;
    std::vector<char>& plaintext = buffers_.plaintext;
    for (;;) {
        const course::tls::TlsEngine::Read read = tls_->read(ciphertext, plaintext);
        ciphertext = {};
        switch (read.status) {
        case Status::ok: received(std::string_view(plaintext.data(), read.size)); break;
        case Status::want_input: return flush();  // what reading made OpenSSL send (a KeyUpdate's answer)
        case Status::closed: return fail("server closed the connection");
        case Status::failed: return fail("read: " + course::tls::describe_error(tls_->error()));
        }
        if (state_ == State::finished) return;
    }
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
    if (write_pending_ || state_ == State::finished) return;
    if (trace_ && !out_.empty()) {
        trace_->trace(course::hex_dump(
            "link " + std::to_string(index_) + ": send " + std::to_string(out_.size()) + " bytes", out_));
    }
    if (tls_) {
        // Encrypted as it goes out: the whole batch in one call (records of up to 16 KiB), then
        // the ciphertext is handed over, so nothing the engine adds can move it mid-write.
        if (!out_.empty() && !tls_->write(out_))
            return fail("write: " + course::tls::describe_error(tls_->error()));
        out_.clear();
        if (tls_->output().empty()) return;
        writing_ = tls_->take_output();
    } else {
        if (out_.empty()) return;
        writing_.swap(out_);  // out_ now holds the old (empty) buffer and keeps its capacity
        out_.clear();
    }
    write_pending_ = true;
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
