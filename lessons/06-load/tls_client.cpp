#include "tls_client.hpp"

#include "common/tls/tls_info.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <asio/error.hpp>
#include <asio/ip/address.hpp>
#include <asio/ssl/error.hpp>

#include <stdexcept>

namespace lesson06 {
namespace {

constexpr unsigned char alpn_offer[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};  // length-prefixed

bool is_ip_address(const std::string& host) {
    std::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

TlsClient::TlsClient(const TlsClientOptions& options, std::size_t targets)
    : context_(asio::ssl::context::tls_client), insecure_(options.insecure), resume_(options.resume),
      slot_count_(targets), slots_(std::make_unique<SessionSlot[]>(targets)) {
    SSL_CTX* ctx = context_.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_alpn_protos(ctx, alpn_offer, sizeof alpn_offer);
    // Without it OpenSSL keeps no client sessions at all: a TLS 1.3 ticket would be dropped.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    if (insecure_) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
        return;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const int loaded = options.ca_file.empty()
                           ? SSL_CTX_set_default_verify_paths(ctx)
                           : SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr);
    if (loaded != 1) {
        const unsigned long code = ERR_get_error();
        ERR_clear_error();
        const char* reason = code ? ERR_reason_error_string(code) : nullptr;
        throw std::runtime_error("cannot load CA certificates " + options.ca_file + ": " +
                                 (reason ? reason : "unknown error"));
    }
}

TlsClient::~TlsClient() {
    for (std::size_t i = 0; i < slot_count_; ++i) SSL_SESSION_free(slots_[i].session);  // null is fine
}

void TlsClient::prepare(SSL* ssl, const Target& target, std::size_t target_index) {
    const bool ip = is_ip_address(target.host);
    if (!ip) {  // SSL_set_tlsext_host_name without its C-style cast
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(target.host.c_str()));
    }
    if (!insecure_) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (ip) X509_VERIFY_PARAM_set1_ip_asc(param, target.host.c_str());
        else X509_VERIFY_PARAM_set1_host(param, target.host.c_str(), target.host.size());
    }
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

std::string TlsClient::describe_failure(SSL* ssl, const std::error_code& ec) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify == X509_V_OK) return "TLS handshake failed: " + course::tls::describe_error(ec);
    std::string text = "the server's certificate is not trusted: ";
    text += X509_verify_cert_error_string(verify);
    switch (verify) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        text += " (unknown CA? give its certificate with --ca FILE)";
        break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: text += " (the certificate is for another name)"; break;
    case X509_V_ERR_CERT_HAS_EXPIRED: text += " (expired)"; break;
    default: break;
    }
    return text;
}

}  // namespace lesson06
