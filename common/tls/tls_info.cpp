#include "common/tls/tls_info.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <asio/error.hpp>
#include <asio/ssl/error.hpp>
#include <memory>

namespace course::tls {

namespace {

std::string asn1_time(const ASN1_TIME* time) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!bio || ASN1_TIME_print(bio.get(), time) != 1) return "?";
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string subject_of(X509* certificate) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0,
                                   XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) < 0)
        return "?";
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// The subjectAltName entries: DNS names and IP addresses.
std::string alt_names(X509* certificate) {
    std::string names;
    auto* entries =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    if (!entries) return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(entries); ++i) {
        const GENERAL_NAME* entry = sk_GENERAL_NAME_value(entries, i);
        std::string name;
        if (entry->type == GEN_DNS) {
            const ASN1_IA5STRING* dns = entry->d.dNSName;
            name.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                        static_cast<std::size_t>(ASN1_STRING_length(dns)));
        } else if (entry->type == GEN_IPADD) {
            const ASN1_OCTET_STRING* ip = entry->d.iPAddress;
            const unsigned char* bytes = ASN1_STRING_get0_data(ip);
            if (ASN1_STRING_length(ip) == 4) {
                name = std::to_string(bytes[0]) + "." + std::to_string(bytes[1]) + "." +
                       std::to_string(bytes[2]) + "." + std::to_string(bytes[3]);
            } else {
                name = "(IPv6)";
            }
        } else {
            continue;
        }
        names += (names.empty() ? "" : " ") + name;
    }
    GENERAL_NAMES_free(entries);
    return names;
}

}  // namespace

std::string describe_connection(SSL* ssl) {
    std::string text = SSL_get_version(ssl);
    text += ", ";
    text += SSL_get_cipher_name(ssl);
    const unsigned char* alpn = nullptr;
    unsigned int alpn_size = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_size);
    text += alpn_size ? ", ALPN " + std::string(reinterpret_cast<const char*>(alpn), alpn_size) : ", no ALPN";
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    text += sni ? std::string(", SNI ") + sni : std::string(", no SNI");
    text += SSL_session_reused(ssl) ? ", resumed session" : ", new session";
    return text;
}

std::string describe_certificate(X509* certificate) {
    if (!certificate) return "no certificate";
    std::string text = subject_of(certificate);
    const std::string names = alt_names(certificate);
    if (!names.empty()) text += ", for " + names;
    text += ", valid until " + asn1_time(X509_get0_notAfter(certificate));
    return text;
}

std::string describe_step(const SSL* ssl, int where, int ret) {
    if (where & SSL_CB_ALERT) {
        return std::string("alert ") + ((where & SSL_CB_WRITE) ? "sent: " : "received: ") +
               SSL_alert_type_string_long(ret) + " " + SSL_alert_desc_string_long(ret);
    }
    if (where & SSL_CB_HANDSHAKE_START) return "handshake starts";
    if (where & SSL_CB_HANDSHAKE_DONE) return "handshake done";
    if ((where & SSL_CB_LOOP) != 0) return SSL_state_string_long(ssl);
    return {};
}

std::string describe_error(const std::error_code& ec) {
    std::string text = ec.message();
    if (ec.category() == asio::error::get_ssl_category()) {
        // asio's message is OpenSSL's reason; say which library step it came from, if known.
        const char* lib = ERR_lib_error_string(static_cast<unsigned long>(ec.value()));
        if (lib && text.find(lib) == std::string::npos) text += std::string(" (") + lib + ")";
    } else if (ec == asio::ssl::error::stream_truncated) {
        text = "the peer closed TCP without a TLS close_notify";
    }
    return text;
}

}  // namespace course::tls
