#pragma once
// The client's side of TLS, for 09-tls-client: a context that verifies the server (the chain up
// to a trusted CA, and the name we asked for), and the one-line reasons it refuses one.
//
// Verification is two checks, and a client that skips either talks to whoever answers:
//   the chain     the certificate is signed by a CA we trust (--ca FILE, else the system's),
//                 and every certificate in the chain is in its validity period;
//   the name      the certificate is for the host we connect to (its subjectAltName: DNS
//                 names, IP addresses), checked by OpenSSL (X509_VERIFY_PARAM_set1_host/_ip).
// --insecure turns both off, for experiments only: it says so on every connection.

#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <string>

namespace lesson09 {

struct TlsClientOptions {
    std::string ca_file;    // PEM CA certificates to trust; empty: the system's (/etc/ssl/certs)
    bool insecure = false;  // no verification at all
};

// TLS 1.2 and 1.3, ALPN http/1.1, verification as above. Throws with a clear reason if the CA
// file cannot be read.
asio::ssl::context make_client_context(const TlsClientOptions& options);

// Sets what one connection checks and sends: SNI (for a host name, not an IP address) and the
// name or address the certificate must be for.
void expect_server(asio::ssl::stream<asio::ip::tcp::socket>& stream, const std::string& host, bool insecure);

// Why the handshake failed, in one line: the verification result when that was the cause
// ("the server's certificate is not trusted: ... (unknown CA? give it with --ca FILE)").
std::string describe_client_handshake_failure(asio::ssl::stream<asio::ip::tcp::socket>& stream,
                                              const std::string& host, const std::error_code& ec);

}  // namespace lesson09
