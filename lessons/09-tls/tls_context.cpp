#include "tls_context.hpp"

#include "common/tls/tls_info.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509err.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <stdexcept>

namespace lesson09 {

namespace {

// Mozilla's "intermediate" TLS 1.2 suites (ECDHE, AEAD only); TLS 1.3 keeps OpenSSL's three.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr unsigned char alpn_http11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
constexpr unsigned char session_context[] = "course-09-tls-chat";  // names our cached sessions

// "what: OpenSSL's reason" (e.g. "certificate x.pem: no start line": not a PEM file).
std::string openssl_error(const std::string& what) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    const char* reason = code ? ERR_reason_error_string(code) : nullptr;
    return what + ": " + (reason ? reason : "unknown error");
}

// ALPN (RFC 7301): the server picks http/1.1 from the client's list, or refuses the handshake.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_size, const unsigned char* in,
                unsigned int in_size, void*) {
    for (unsigned int i = 0; i < in_size;) {
        const unsigned int size = in[i];
        if (i + 1 + size > in_size) break;
        if (size == sizeof alpn_http11 && std::memcmp(in + i + 1, alpn_http11, size) == 0) {
            *out = in + i + 1;
            *out_size = static_cast<unsigned char>(size);
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + size;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;  // no_application_protocol
}

// SNI (RFC 6066 3): a name our certificate does not cover is refused with unrecognized_name,
// rather than answered with a certificate the client will reject anyway.
int check_server_name(SSL* ssl, int* alert, void*) {
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!name) return SSL_TLSEXT_ERR_OK;  // none sent: e.g. a client connecting to 127.0.0.1
    X509* certificate = SSL_get_certificate(ssl);
    if (certificate && X509_check_host(certificate, name, std::strlen(name), 0, nullptr) == 1)
        return SSL_TLSEXT_ERR_OK;
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

}  // namespace

asio::ssl::context make_server_context(const TlsFiles& files) {
    asio::ssl::context context(asio::ssl::context::tls_server);
    SSL_CTX* ctx = context.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    if (SSL_CTX_set_cipher_list(ctx, tls12_ciphers) != 1)
        throw std::runtime_error(openssl_error("cipher list"));
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_id_context(ctx, session_context, sizeof session_context - 1);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
    // SSL_CTX_set_tlsext_servername_callback(), without the macro's C-style cast.
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
                          reinterpret_cast<void (*)()>(&check_server_name));

    if (SSL_CTX_use_certificate_chain_file(ctx, files.certificate.c_str()) != 1)
        throw std::runtime_error(openssl_error("certificate " + files.certificate));
    // OpenSSL checks there already that the key belongs to the certificate.
    if (SSL_CTX_use_PrivateKey_file(ctx, files.private_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        if (ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH)
            throw std::runtime_error(openssl_error("private key " + files.private_key));
        ERR_clear_error();
        throw std::runtime_error("the key " + files.private_key + " does not match the certificate " +
                                 files.certificate);
    }
    return context;
}

std::string describe_server_certificate(asio::ssl::context& context) {
    X509* certificate = SSL_CTX_get0_certificate(context.native_handle());
    std::string text = course::tls::describe_certificate(certificate);
    // Served anyway (a test, or a clock that is wrong), but said at once: every client that
    // verifies will refuse it, and its error is on the client's side, not in this log.
    if (X509_cmp_current_time(X509_get0_notAfter(certificate)) < 0)
        text += " (EXPIRED: clients refuse it; make a new one)";
    else if (X509_cmp_current_time(X509_get0_notBefore(certificate)) > 0)
        text += " (NOT VALID YET: clients refuse it; is this machine's clock right?)";
    return text;
}

}  // namespace lesson09
