#include "tls_stream.hpp"

#include "common/tls/tls_info.hpp"

#include <algorithm>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/error.hpp>
#include <asio/use_awaitable.hpp>

namespace lesson09 {

using asio::awaitable;
using asio::ip::tcp;
using course::tls::TlsEngine;

namespace {

// Where an SSL object keeps a pointer to its TlsStream, for the info callback.
int stream_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

bool would_block(const std::error_code& ec) {
    return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

TlsStream::TlsStream(tcp::socket socket, SSL_CTX* context, std::shared_ptr<TlsBuffers> buffers)
    : socket_(std::move(socket)), engine_(context, TlsEngine::Role::server), buffers_(std::move(buffers)),
      write_done_(socket_.get_executor()) {
    std::error_code ec;
    socket_.non_blocking(true, ec);  // reads and sends try first, and wait only if they must
    SSL_set_ex_data(engine_.native_handle(), stream_index(), this);
    SSL_set_info_callback(engine_.native_handle(), &TlsStream::on_step);
}

void TlsStream::on_step(const SSL* ssl, int where, int ret) {
    auto* self = static_cast<TlsStream*>(SSL_get_ex_data(ssl, stream_index()));
    if (!self) return;
    std::string step = course::tls::describe_step(ssl, where, ret);
    // OpenSSL reports some states twice in a row (once per attempt): one line each.
    if (step.empty() || step == self->last_step_) return;
    self->last_step_ = step;
    // The alert we send is part of the one line a failed handshake gets.
    if ((where & SSL_CB_ALERT) && (where & SSL_CB_WRITE)) self->alert_sent_ = SSL_alert_desc_string_long(ret);
    if (self->log_ && self->log_->tracing()) self->log_->trace(self->label_, ": TLS ", self->last_step_);
}

awaitable<std::string> TlsStream::handshake(course::Logger& log, std::string label) {
    log_ = &log;
    label_ = std::move(label);
    std::error_code ec;
    TlsEngine::Status status = engine_.handshake({});
    for (;;) {
        send_output();  // our answer (or the alert), while we wait for the client's next message
        if (status != TlsEngine::Status::want_input || sender_ == Sender::failed) break;
        const std::span<const char> input = co_await read_ciphertext(ec);
        if (ec) break;
        status = engine_.handshake(input);
    }
    if (status == TlsEngine::Status::failed) ec = engine_.error();  // OpenSSL's reason first
    if (!ec && sender_ == Sender::failed) ec = write_error_;
    if (ec == asio::error::operation_aborted) co_return "TLS handshake stopped";  // timeout or shutdown
    if (ec == asio::error::eof) ec = asio::ssl::error::stream_truncated;
    if (ec) {
        std::string why = "TLS handshake failed: " + course::tls::describe_error(ec);
        if (!alert_sent_.empty()) why += " (alert sent: " + alert_sent_ + ")";
        co_return why;
    }
    SSL* ssl = engine_.native_handle();
    log.verbose(label_, ": TLS ", course::tls::describe_connection(ssl));
    if (log.tracing())
        log.trace(label_,
                  ": TLS certificate sent: ", course::tls::describe_certificate(SSL_get_certificate(ssl)));
    co_return std::string();
}

awaitable<std::span<const char>> TlsStream::read_ciphertext(std::error_code& ec) {
    std::vector<char>& buffer = buffers_->ciphertext;
    for (;;) {
        // Try first: the bytes are often there already. Waiting, the connection holds no buffer.
        const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
        if (!would_block(ec)) co_return std::span<const char>(buffer.data(), n);
        co_await socket_.async_wait(
            tcp::socket::wait_read,
            asio::bind_cancellation_slot(read_cancel_.slot(), asio::redirect_error(asio::use_awaitable, ec)));
        if (ec) co_return std::span<const char>();
    }
}

awaitable<std::string_view> TlsStream::read_some(std::error_code& ec) {
    std::vector<char>& plaintext = buffers_->plaintext;
    std::span<const char> input;
    for (;;) {
        if (ending_ == Ending::close_wanted) {
            co_await finish_closing(ec);
            co_return std::string_view();
        }
        if (ending_ == Ending::closed) {
            ec = asio::error::eof;
            co_return std::string_view();
        }
        if (!input.empty() || engine_.has_input()) {
            const TlsEngine::Read read = engine_.read(input, plaintext);
            input = {};
            send_output();  // what reading made OpenSSL send (e.g. an alert)
            switch (read.status) {
            case TlsEngine::Status::ok: co_return std::string_view(plaintext.data(), read.size);
            case TlsEngine::Status::closed: ec = asio::error::eof; co_return std::string_view();
            case TlsEngine::Status::failed: ec = engine_.error(); co_return std::string_view();
            case TlsEngine::Status::want_input: break;
            }
        }
        // OpenSSL also answers by itself (a TLS 1.3 KeyUpdate asks for one): a client that asks
        // without reading what we send is not read from until the answers are sent.
        if (engine_.output().size() > max_unsent && sender_ == Sender::waiting) {
            co_await writable(ec);
            if (sender_ == Sender::waiting) co_return std::string_view();  // cancel() woke us
            ec = {};
            continue;
        }
        input = co_await read_ciphertext(ec);
        // Woken to close: go round.
        if (ec == asio::error::operation_aborted && ending_ == Ending::close_wanted && socket_.is_open()) {
            ec = {};
            continue;
        }
        if (ec == asio::error::eof) ec = asio::ssl::error::stream_truncated;  // FIN, no close_notify
        if (ec) co_return std::string_view();
    }
}

awaitable<void> TlsStream::finish_closing(std::error_code& ec) {
    // Our close_notify is queued (shutdown_send). The client's close_notify (or its FIN) ends the
    // stream; what it sends before that is dropped, as lesson 05's draining does.
    ending_ = Ending::closed;
    ec = {};
    std::vector<char>& plaintext = buffers_->plaintext;
    std::span<const char> input;  // first what the engine holds: its close_notify may be there
    for (;;) {
        TlsEngine::Read read{TlsEngine::Status::ok, 0};
        while (read.status == TlsEngine::Status::ok) {
            read = engine_.read(input, plaintext);
            input = {};
        }
        if (read.status == TlsEngine::Status::failed) ec = engine_.error();
        if (read.status != TlsEngine::Status::want_input) break;
        input = co_await read_ciphertext(ec);
        if (ec == asio::error::operation_aborted && socket_.is_open()) {  // cancel(): not now
            ec = {};
            continue;
        }
        if (ec) break;
    }
    // TCP's FIN only after our last byte (the close_notify) is sent.
    std::error_code ignored;
    while (sender_ == Sender::waiting && socket_.is_open()) co_await writable(ignored);
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    if (!ec || ec == asio::error::eof) ec = asio::error::eof;
}

course::GatheredWrite TlsStream::write_some(const iovec* buffers, std::size_t count, std::error_code& ec) {
    switch (sender_) {
    case Sender::failed: ec = write_error_; return {course::Flushed::failed, 0};
    case Sender::waiting: return {course::Flushed::would_block, 0};
    case Sender::idle: break;
    }
    if (ending_ != Ending::open) {
        ec = asio::error::shut_down;  // nothing goes after our close_notify
        return {course::Flushed::failed, 0};
    }
    // One record's worth, gathered: SSL_write takes one contiguous buffer.
    std::vector<char>& record = buffers_->record;
    std::size_t size = 0;
    for (std::size_t i = 0; i < count && size < record.size(); ++i) {
        const std::size_t take = std::min(buffers[i].iov_len, record.size() - size);
        std::copy_n(static_cast<const char*>(buffers[i].iov_base), take, record.data() + size);
        size += take;
    }
    if (!engine_.write(std::string_view(record.data(), size))) {
        ec = engine_.error() ? engine_.error() : std::error_code(asio::error::shut_down);
        return {course::Flushed::failed, 0};
    }
    send_output();
    if (sender_ == Sender::failed) {
        ec = write_error_;
        return {course::Flushed::failed, 0};
    }
    return {course::Flushed::all, size};
}

void TlsStream::send_output() {
    if (sender_ != Sender::idle) return;  // waiting: the socket's wait sends the rest; failed: never
    std::error_code ec;
    while (!engine_.output().empty()) {
        const std::string_view out = engine_.output();
        const std::size_t n = socket_.send(asio::buffer(out.data(), out.size()), 0, ec);
        if (ec) break;
        engine_.sent(n);  // frees the string once it is all sent
    }
    if (!ec) return;
    if (!would_block(ec)) {
        on_sent(ec);
        return;
    }
    sender_ = Sender::waiting;
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](const std::error_code& error) {
        if (error) {
            self->on_sent(error);
            return;
        }
        self->sender_ = Sender::idle;
        self->send_output();
        if (self->sender_ == Sender::idle) self->on_sent({});
    });
}

void TlsStream::on_sent(const std::error_code& ec) {
    sender_ = ec ? Sender::failed : Sender::idle;
    write_error_ = ec;
    write_done_.cancel();  // wakes writable()
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& ready : waiting) ready(ec);
}

void TlsStream::wake_reader() {
    // Only while the socket is open: a read on a closed socket has ended already, and the slot
    // still names the operation that last used it.
    if (socket_.is_open()) read_cancel_.emit(asio::cancellation_type::terminal);
}

void TlsStream::on_writable(std::function<void(const std::error_code&)> ready) {
    if (sender_ != Sender::waiting) {
        asio::post(socket_.get_executor(), [ready = std::move(ready), ec = write_error_] { ready(ec); });
        return;
    }
    waiting_.push_back(std::move(ready));
}

awaitable<void> TlsStream::writable(std::error_code& ec) {
    if (sender_ != Sender::waiting) co_return;
    write_done_.expires_at(asio::steady_timer::time_point::max());
    co_await write_done_.async_wait(asio::redirect_error(asio::use_awaitable, ec));  // cancelled: done
}

void TlsStream::shutdown_send() {
    if (ending_ != Ending::open) return;
    ending_ = Ending::close_wanted;
    engine_.shutdown();  // close_notify, after every record written before it
    send_output();
    wake_reader();  // it waits for the client's close_notify, then sends the FIN
}

void TlsStream::cancel() {
    wake_reader();
    write_done_.cancel();
}

void TlsStream::close() {
    std::error_code ec;
    socket_.close(ec);  // every operation ends with operation_aborted
    write_done_.cancel();
}

}  // namespace lesson09
