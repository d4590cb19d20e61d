#pragma once
// What a TLS connection and a certificate are, in words for a log line: the course's TLS
// programs (lesson 09's server and client) print the same words with --verbose and --trace.

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>
#include <system_error>

namespace course::tls {

// After the handshake: "TLSv1.3, TLS_AES_256_GCM_SHA384, ALPN http/1.1, SNI localhost, new session"
// (or "resumed session"; "no ALPN", "no SNI" when the client sent none).
std::string describe_connection(SSL* ssl);

// "CN=localhost, for localhost 127.0.0.1, valid until Dec  1 01:00:00 2027 GMT"
std::string describe_certificate(X509* certificate);

// One handshake step as OpenSSL's info callback reports it ("SSLv3/TLS write server hello",
// "alert sent: fatal protocol version"), or empty for the events not worth a line.
std::string describe_step(const SSL* ssl, int where, int ret);

// A TLS error as one line: asio's message, with OpenSSL's reason when asio has it.
std::string describe_error(const std::error_code& ec);

}  // namespace course::tls
