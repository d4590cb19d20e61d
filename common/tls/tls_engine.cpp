#include "common/tls/tls_engine.hpp"

#include <openssl/err.h>

#include <asio/ssl/error.hpp>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace course::tls {

// The BIO under the SSL object: reads come from source_ (the caller's span during one call),
// writes go to output_. It never stores anything itself.

int TlsEngine::bio_read(BIO* bio, char* data, int size) {
    auto* self = static_cast<TlsEngine*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (self->source_.empty()) {
        BIO_set_retry_read(bio);  // "no bytes yet", not the end of the stream
        return -1;
    }
    const std::size_t n = std::min(self->source_.size(), static_cast<std::size_t>(std::max(size, 0)));
    std::copy_n(self->source_.data(), n, data);
    self->source_ = self->source_.subspan(n);
    return static_cast<int>(n);
}

int TlsEngine::bio_write(BIO* bio, const char* data, int size) {
    auto* self = static_cast<TlsEngine*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    self->output_.append(data, static_cast<std::size_t>(std::max(size, 0)));
    return size;
}

long TlsEngine::bio_ctrl(BIO*, int command, long, void*) {
    return command == BIO_CTRL_FLUSH ? 1 : 0;  // nothing to flush: the caller sends output()
}

const BIO_METHOD* TlsEngine::bio_method() {
    // Made once, shared by every connection, never changed after (OpenSSL's methods are such tables).
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "course span");
        if (!m || BIO_meth_set_read(m, &TlsEngine::bio_read) != 1 ||
            BIO_meth_set_write(m, &TlsEngine::bio_write) != 1 ||
            BIO_meth_set_ctrl(m, &TlsEngine::bio_ctrl) != 1)
            throw std::runtime_error("cannot make a BIO method");
        return m;
    }();
    return method;
}

TlsEngine::TlsEngine(SSL_CTX* context, Role role) : ssl_(SSL_new(context)) {
    BIO* bio = BIO_new(bio_method());
    if (!ssl_ || !bio) {
        BIO_free(bio);
        SSL_free(ssl_);
        throw std::runtime_error("cannot make a TLS connection (out of memory?)");
    }
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_, bio, bio);  // one BIO both ways; the SSL object owns it
    if (role == Role::server) SSL_set_accept_state(ssl_);
    else SSL_set_connect_state(ssl_);
}

TlsEngine::~TlsEngine() { SSL_free(ssl_); }

void TlsEngine::start_input(std::span<const char> input) {
    ERR_clear_error();  // SSL_get_error() reads this thread's error queue: start it empty
    if (unread_.empty()) {
        source_ = input;
    } else {
        unread_.append(input.data(), input.size());
        source_ = unread_;
    }
}

void TlsEngine::keep_input() {
    // source_ is what is left of unread_ (if it had bytes) or of the caller's input.
    if (!unread_.empty()) unread_.erase(0, unread_.size() - source_.size());
    else unread_.assign(source_.data(), source_.size());
    if (unread_.empty()) std::string().swap(unread_);  // freed, not only cleared
    source_ = {};
}

TlsEngine::Status TlsEngine::fail(int result) {
    const int reason = SSL_get_error(ssl_, result);
    if (reason == SSL_ERROR_WANT_READ) return Status::want_input;
    if (reason == SSL_ERROR_ZERO_RETURN) {
        state_ = State::closed;
        return Status::closed;
    }
    state_ = State::failed;
    // As asio::ssl reports it: OpenSSL's error code in asio's ssl category.
    const unsigned long code = ERR_get_error();
    error_ = code ? std::error_code(static_cast<int>(code), asio::error::get_ssl_category())
                  : std::error_code(asio::ssl::error::unexpected_result);
    ERR_clear_error();
    return Status::failed;
}

TlsEngine::Status TlsEngine::handshake(std::span<const char> input) {
    if (state_ == State::failed) return Status::failed;
    start_input(input);
    if (state_ != State::handshaking) {  // done already: the input is for read()
        keep_input();
        return Status::ok;
    }
    const int result = SSL_do_handshake(ssl_);
    const Status status = result == 1 ? Status::ok : fail(result);
    if (status == Status::ok) state_ = State::open;
    keep_input();
    return status;
}

TlsEngine::Read TlsEngine::read(std::span<const char> input, std::span<char> plaintext) {
    if (state_ == State::closed) return {Status::closed, 0};
    if (state_ != State::open) return {Status::failed, 0};
    start_input(input);
    std::size_t filled = 0;
    Status status = Status::want_input;
    while (filled < plaintext.size()) {
        std::size_t n = 0;
        const int result = SSL_read_ex(ssl_, plaintext.data() + filled, plaintext.size() - filled, &n);
        if (result != 1) {
            status = fail(result);
            break;
        }
        filled += n;
    }
    keep_input();
    if (filled > 0) return {Status::ok, filled};  // a closed or failed state waits for the next call
    return {status, 0};
}

bool TlsEngine::has_input() const noexcept {
    return state_ != State::open || !unread_.empty() || SSL_pending(ssl_) > 0;
}

bool TlsEngine::write(std::string_view plaintext) {
    if (state_ == State::failed || (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN)) return false;
    if (plaintext.empty()) return true;
    ERR_clear_error();
    std::size_t written = 0;
    const int result = SSL_write_ex(ssl_, plaintext.data(), plaintext.size(), &written);
    // Our BIO takes every byte, so SSL_write never waits: it either writes all or fails.
    if (result != 1 && fail(result) == Status::failed) return false;
    return true;
}

void TlsEngine::shutdown() {
    if (state_ == State::failed || state_ == State::handshaking) return;
    if (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN) return;
    ERR_clear_error();
    SSL_shutdown(ssl_);  // 0: sent, the peer's still to come; 1: both done
    ERR_clear_error();
}

void TlsEngine::sent(std::size_t size) {
    output_.erase(0, std::min(size, output_.size()));
    if (output_.empty()) std::string().swap(output_);  // freed, not only cleared
}

std::string TlsEngine::take_output() noexcept { return std::exchange(output_, std::string()); }

}  // namespace course::tls
