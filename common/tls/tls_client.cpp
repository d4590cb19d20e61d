#include "common/tls/tls_client.hpp"

#include "common/tls/tls_info.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <asio/error.hpp>
#include <asio/ip/address.hpp>
#include <asio/ssl/error.hpp>

#include <stdexcept>

namespace course::tls {

namespace {

constexpr unsigned char alpn_offer[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};  // length-prefixed

bool is_ip_address(const std::string& host) {
    std::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

asio::ssl::context make_client_context(const ClientOptions& options) {
    asio::ssl::context context(asio::ssl::context::tls_client);
    SSL_CTX* ctx = context.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_alpn_protos(ctx, alpn_offer, sizeof alpn_offer);
    if (options.insecure) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
        return context;
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
    return context;
}

void expect_server(SSL* ssl, const std::string& host, bool insecure) {
    const bool ip = is_ip_address(host);
    if (!ip) {  // SSL_set_tlsext_host_name without its C-style cast
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str()));
    }
    if (insecure) return;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (ip) X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    else X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
}

std::string describe_client_failure(SSL* ssl, const std::string& host, const std::error_code& ec) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify == X509_V_OK) {
        if (ec.category() == asio::error::get_ssl_category() &&
            ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_TLSV1_UNRECOGNIZED_NAME) {
            return "the server has no certificate for " + host +
                   " (it answered our SNI with alert unrecognized_name)";
        }
        return "TLS handshake failed: " + describe_error(ec);
    }
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
    case X509_V_ERR_CERT_HAS_EXPIRED: text += " (expired: the server needs a new certificate)"; break;
    default: break;
    }
    return text;
}

}  // namespace course::tls
