#include "tls_client.hpp"

#include <openssl/ssl.h>

namespace lesson06 {

TlsClient::TlsClient(const TlsClientOptions& options, std::size_t targets)
    : context_(course::tls::make_client_context({options.ca_file, options.insecure})),
      insecure_(options.insecure), resume_(options.resume), slot_count_(targets),
      slots_(std::make_unique<SessionSlot[]>(targets)) {
    // Without it OpenSSL keeps no client sessions at all: a TLS 1.3 ticket would be dropped.
    SSL_CTX_set_session_cache_mode(context_.native_handle(),
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    // OpenSSL's record buffers go back to the heap whenever they are empty: an idle link keeps none.
    SSL_CTX_set_mode(context_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
}

TlsClient::~TlsClient() {
    for (std::size_t i = 0; i < slot_count_; ++i) SSL_SESSION_free(slots_[i].session);  // null is fine
}

void TlsClient::prepare(SSL* ssl, const Target& target, std::size_t target_index) {
    course::tls::expect_server(ssl, target.host, insecure_);
    if (!resume_ || target_index >= slot_count_) return;
    SessionSlot& slot = slots_[target_index];
    std::lock_guard lock(slot.mutex);
    if (!slot.session) return;
    // A copy per connection: OpenSSL writes into the session it resumes (which ticket identity
    // was used), and connections on other threads may be resuming the same one at that moment.
    SSL_SESSION* copy = SSL_SESSION_dup(slot.session);
    if (!copy) return;
    SSL_set_session(ssl, copy);  // takes its own reference
    SSL_SESSION_free(copy);
}

void TlsClient::remember(SSL* ssl, std::size_t target_index) {
    if (!resume_ || target_index >= slot_count_) return;
    // A copy: when a connection ends without TLS's close_notify (a load generator hangs up
    // abruptly), OpenSSL marks the connection's own session not resumable (ssl_clear_bad_session).
    SSL_SESSION* current = SSL_get0_session(ssl);
    if (!current || SSL_SESSION_is_resumable(current) != 1) return;
    SSL_SESSION* session = SSL_SESSION_dup(current);
    if (!session) return;
    SessionSlot& slot = slots_[target_index];
    std::lock_guard lock(slot.mutex);
    SSL_SESSION_free(slot.session);
    slot.session = session;
}

}  // namespace lesson06
