#pragma once
// The server's TLS policy, in one place: what every connection of 09-tls-chat-server gets.
//
//   versions     TLS 1.2 and 1.3 only (older ones get a protocol_version alert);
//   ciphers      TLS 1.3's own suites (all AEAD), and for TLS 1.2 only ECDHE key exchange with
//                AES-GCM or ChaCha20-Poly1305 (forward secrecy, no CBC, no RSA key exchange):
//                Mozilla's "intermediate" list;
//   ALPN         http/1.1: a client that offers ALPN without it gets no_application_protocol;
//   SNI          a name the certificate does not cover gets unrecognized_name; no SNI is fine
//                (clients send none for an IP address such as 127.0.0.1);
//   resumption   TLS 1.3 session tickets and TLS 1.2 session ids (the server's session cache);
//   memory       SSL_MODE_RELEASE_BUFFERS: OpenSSL frees its record buffers while a connection
//                is idle.

#include <asio/ssl/context.hpp>
#include <string>

namespace lesson09 {

struct TlsFiles {
    std::string certificate;  // PEM: the server's certificate, then any intermediate ones
    std::string private_key;  // PEM: its private key
};

// Loads the certificate and key (a clear error naming the file if either fails, or if they do
// not belong together) and applies the policy above.
asio::ssl::context make_server_context(const TlsFiles& files);

// The certificate the context serves, in words (course::tls::describe_certificate), with a
// warning if it has expired or is not valid yet.
std::string describe_server_certificate(asio::ssl::context& context);

}  // namespace lesson09
