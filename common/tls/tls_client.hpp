#pragma once
// The client's side of TLS, shared by every client of the course that speaks it (09-tls-client,
// 06-loadgen's wss://): a context that verifies the server, what one connection checks and
// sends, and the one-line reason a handshake failed.
//
// Verification is two checks, and a client that skips either talks to whoever answers:
//   the chain     the certificate is signed by a CA we trust (--ca FILE, else the system's),
//                 and every certificate in the chain is in its validity period;
//   the name      the certificate is for the host we connect to (its subjectAltName: DNS
//                 names, IP addresses), checked by OpenSSL (X509_VERIFY_PARAM_set1_host/_ip).
// `insecure` turns both off, for experiments only: the programs say so on every connection.

#include <openssl/ssl.h>
#include <asio/ssl/context.hpp>

#include <string>
#include <system_error>

namespace course::tls {

struct ClientOptions {
    std::string ca_file;    // PEM CA certificates to trust; empty: the system's (/etc/ssl/certs)
    bool insecure = false;  // no verification at all
};

// TLS 1.2 and 1.3, ALPN http/1.1 (as a browser opening a WebSocket), verification as above.
// Throws std::runtime_error naming the file if the CA certificates cannot be loaded.
asio::ssl::context make_client_context(const ClientOptions& options);

// Before one connection's handshake: SNI for a host name (an IP address has none, RFC 6066 3),
// and, unless insecure, the name or address the certificate must be for.
void expect_server(SSL* ssl, const std::string& host, bool insecure);

// Why the handshake failed, in one line: the verification result when that was the cause
// ("the server's certificate is not trusted: ... (unknown CA? give its certificate with --ca
// FILE)"), a server without a certificate for our SNI, else OpenSSL's error.
std::string describe_client_failure(SSL* ssl, const std::string& host, const std::error_code& ec);

}  // namespace course::tls
