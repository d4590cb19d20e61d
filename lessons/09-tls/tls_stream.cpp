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

namespace {

// Where an SSL object keeps a pointer to its TlsStream, for the info callback. Not the "app
// data" slot: asio::ssl keeps its own pointer there (and deletes it with the stream).
int stream_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

}  // namespace

TlsStream::TlsStream(tcp::socket socket, asio::ssl::context& context)
    : ssl_(std::move(socket), context), write_done_(ssl_.get_executor()) {
    SSL_set_ex_data(ssl_.native_handle(), stream_index(), this);
    SSL_set_info_callback(ssl_.native_handle(), &TlsStream::on_step);
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
    co_await ssl_.async_handshake(asio::ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
    SSL* ssl = ssl_.native_handle();
    if (ec) {
        if (ec == asio::error::operation_aborted) co_return "TLS handshake stopped";  // timeout or shutdown
        std::string why = "TLS handshake failed: " + course::tls::describe_error(ec);
        if (!alert_sent_.empty()) why += " (alert sent: " + alert_sent_ + ")";
        co_return why;
    }
    log.verbose(label_, ": TLS ", course::tls::describe_connection(ssl));
    if (log.tracing())
        log.trace(label_,
                  ": TLS certificate sent: ", course::tls::describe_certificate(SSL_get_certificate(ssl)));
    co_return std::string();
}

awaitable<std::string_view> TlsStream::read_some(std::error_code& ec) {
    for (;;) {
        if (ending_ == Ending::close_wanted && writer_ != Writer::writing) {
            // TLS's closing handshake: our close_notify, then the client's (or its FIN), then ours.
            ending_ = Ending::closed;
            co_await ssl_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
            std::error_code ignored;
            socket().shutdown(tcp::socket::shutdown_send, ignored);
            if (!ec || ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
            co_return std::string_view();
        }
        if (ending_ == Ending::closed) {
            ec = asio::error::eof;
            co_return std::string_view();
        }
        const std::size_t n = co_await ssl_.async_read_some(
            asio::buffer(read_buffer_),
            asio::bind_cancellation_slot(read_cancel_.slot(), asio::redirect_error(asio::use_awaitable, ec)));
        // Woken to send close_notify: go round.
        if (ec == asio::error::operation_aborted && ending_ == Ending::close_wanted && socket().is_open())
            continue;
        co_return std::string_view(read_buffer_.data(), n);
    }
}

course::GatheredWrite TlsStream::write_some(const iovec* buffers, std::size_t count, std::error_code& ec) {
    switch (writer_) {
    case Writer::failed: ec = write_error_; return {course::Flushed::failed, 0};
    case Writer::writing: return {course::Flushed::would_block, 0};
    case Writer::idle: break;
    }
    // One record's worth, copied: the queue may release its pieces as soon as we return.
    for (std::size_t i = 0; i < count && out_.size() < max_record; ++i) {
        const std::size_t take = std::min(buffers[i].iov_len, max_record - out_.size());
        out_.append(static_cast<const char*>(buffers[i].iov_base), take);
    }
    writer_ = Writer::writing;
    asio::async_write(
        ssl_, asio::buffer(out_),
        [self = shared_from_this()](const std::error_code& error, std::size_t) { self->on_written(error); });
    return {course::Flushed::all, out_.size()};
}

void TlsStream::wake_reader() {
    // Only while the socket is open: a read on a closed socket has ended already, and the slot
    // still names the operation that last used it.
    if (socket().is_open()) read_cancel_.emit(asio::cancellation_type::terminal);
}

void TlsStream::on_written(const std::error_code& ec) {
    writer_ = ec ? Writer::failed : Writer::idle;
    write_error_ = ec;
    std::string().swap(out_);  // an idle connection holds no write buffer
    write_done_.cancel();      // wakes writable()
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& ready : waiting) ready(ec);
    if (ending_ == Ending::close_wanted) wake_reader();  // now close_notify
}

void TlsStream::on_writable(std::function<void(const std::error_code&)> ready) {
    if (writer_ != Writer::writing) {
        asio::post(ssl_.get_executor(), [ready = std::move(ready), ec = write_error_] { ready(ec); });
        return;
    }
    waiting_.push_back(std::move(ready));
}

awaitable<void> TlsStream::writable(std::error_code& ec) {
    if (writer_ != Writer::writing) co_return;
    write_done_.expires_at(asio::steady_timer::time_point::max());
    co_await write_done_.async_wait(asio::redirect_error(asio::use_awaitable, ec));  // cancelled: done
}

void TlsStream::shutdown_send() {
    if (ending_ != Ending::open) return;
    ending_ = Ending::close_wanted;
    if (writer_ != Writer::writing) wake_reader();
}

void TlsStream::cancel() {
    wake_reader();
    write_done_.cancel();
}

void TlsStream::close() {
    std::error_code ec;
    socket().close(ec);  // every operation ends with operation_aborted
    write_done_.cancel();
}

}  // namespace lesson09
