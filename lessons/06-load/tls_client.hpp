#pragma once
// The load generator's side of TLS for wss:// URLs: one client context for the whole run (on
// asio::ssl, OpenSSL underneath), what each connection checks and sends, and the sessions kept
// for resumption.
//
// Verification is on by default, as in any real client, and the same as 09-tls-client's
// (common/tls/tls_client.hpp): the server's chain must lead to a CA we trust (--ca FILE, else the
// system's store in /etc/ssl/certs), and its certificate must be for the host in the URL.
// --insecure skips both, for experiments only. TLS 1.2 and 1.3; SNI for a host name; ALPN
// http/1.1, as a browser opening a WebSocket does.
//
// Resumption (--tls-resume): once a connection to a URL has its WebSocket upgrade accepted,
// its session (TLS 1.3: the server's latest session ticket, which arrives right after the
// handshake and so before the 101; TLS 1.2: its session id) is kept for that URL, and every
// later connection to the URL offers it. A resumed handshake skips the certificate and its
// signature: the server proves nothing again, both sides derive fresh keys from the ticket.
// Sessions are shared by the worker threads, so each URL's slot has its own mutex.

#include "options.hpp"  // TlsClientOptions
#include "target.hpp"

#include "common/tls/tls_client.hpp"

#include <openssl/ssl.h>
#include <asio/ssl/context.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>

namespace lesson06 {

class TlsClient {
public:
    // Throws std::runtime_error naming the file if the CA certificates cannot be loaded.
    TlsClient(const TlsClientOptions& options, std::size_t targets);
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    asio::ssl::context& context() noexcept { return context_; }

    // Before the handshake of a connection to targets[target_index]: SNI, the name or address the
    // certificate must be for, and (--tls-resume) the session to offer, if one was kept.
    void prepare(SSL* ssl, const Target& target, std::size_t target_index);
    // After the WebSocket upgrade: keep the connection's session for the next one (--tls-resume).
    void remember(SSL* ssl, std::size_t target_index);

private:
    struct SessionSlot {
        std::mutex mutex;
        SSL_SESSION* session = nullptr;  // owned (one reference), guarded by mutex
    };

    asio::ssl::context context_;
    bool insecure_;
    bool resume_;
    std::size_t slot_count_;
    std::unique_ptr<SessionSlot[]> slots_;  // one per target
};

}  // namespace lesson06
