#pragma once
// One TLS connection driven by hand, without a socket (sans-IO): ciphertext in, plaintext out,
// ciphertext to send. Either end: lesson 09's TlsStream (lessons/09-tls/tls_stream.hpp) is the
// server's socket I/O around it, lesson 06's Link (lessons/06-load/link.hpp) a load generator
// client's. Unlike asio::ssl::stream, it keeps no buffer of its own while a connection is idle,
// and the caller reads straight into (and decrypts out of) buffers its connections share.
//
// Where the bytes live, so that an idle connection keeps no buffer of its own:
//   - ciphertext received: OpenSSL reads it straight from the caller's span (a BIO of ours that
//     reads from that span, not a BIO_s_mem that would copy it and keep its allocation). Bytes
//     OpenSSL has not read yet when read()'s plaintext span is full are copied into unread_, which
//     is freed once they are read. A record split across two inputs waits in OpenSSL's record
//     buffer until its end arrives;
//   - plaintext: SSL_read writes it into the caller's span; what did not fit stays inside
//     OpenSSL (SSL_pending) for the next read();
//   - ciphertext to send (handshake messages, records, alerts, close_notify): appended to
//     output(); the caller sends it and calls sent(), which frees the string once it is empty;
//   - OpenSSL's record buffers: freed whenever they are empty (SSL_MODE_RELEASE_BUFFERS, set by
//     context: lesson 09's tls_context.hpp, lesson 06's tls_client.cpp).
// What an idle connection keeps: the SSL object, its session and handshake results.

#include <openssl/ssl.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace course::tls {

class TlsEngine {
public:
    enum class Status {
        ok,          // handshake: done; read(): plaintext written
        want_input,  // all the input is taken and more is needed
        closed,      // read(): the peer's close_notify arrived (the end of its data)
        failed,      // a TLS error: error() says which; any alert we send is in output()
    };
    struct Read {
        Status status;
        std::size_t size;  // plaintext bytes written (status ok)
    };

    enum class Role { server, client };

    // `context` is the server's or the client's (verification, versions, ALPN: the context's
    // policy). A client sets SNI and the name to verify on native_handle() before handshake().
    TlsEngine(SSL_CTX* context, Role role);
    ~TlsEngine();
    TlsEngine(const TlsEngine&) = delete;  // the BIO points at this object: it never moves
    TlsEngine& operator=(const TlsEngine&) = delete;

    SSL* native_handle() const noexcept { return ssl_; }

    // Runs the handshake on `input` (all of it: bytes after the peer's last handshake message,
    // e.g. a client's first request, are kept for read()). ok, want_input or failed. A client
    // calls it first with no input: its ClientHello goes into output().
    Status handshake(std::span<const char> input);

    // Decrypts what was kept, then `input`, into `plaintext` (not empty): ok (some bytes),
    // want_input, closed or failed. A status after bytes is reported by the next call.
    Read read(std::span<const char> input, std::span<char> plaintext);

    // read() has something without new input: plaintext inside OpenSSL, unread ciphertext, or a
    // status still to report.
    bool has_input() const noexcept;

    // Encrypts `plaintext` into output() (one record up to 16 KiB). false if the connection failed
    // or our close_notify was sent.
    bool write(std::string_view plaintext);

    // Our close_notify into output(), once.
    void shutdown();

    std::string_view output() const noexcept { return output_; }
    void sent(std::size_t size);  // the first `size` bytes of output() are on their way
    // All of output(), handed over: for a caller whose send is asynchronous and must not see the
    // string change (grow, move) while the kernel has not taken it yet.
    std::string take_output() noexcept;

    // Why it failed: OpenSSL's error, as asio::ssl reports it (course::tls::describe_error()
    // says it in words: "wrong version number (SSL routines)").
    const std::error_code& error() const noexcept { return error_; }

private:
    enum class State { handshaking, open, closed, failed };

    static int bio_read(BIO* bio, char* data, int size);
    static int bio_write(BIO* bio, const char* data, int size);
    static long bio_ctrl(BIO* bio, int command, long number, void* pointer);
    static const BIO_METHOD* bio_method();

    void start_input(std::span<const char> input);  // source_: unread_ first, then input
    void keep_input();                              // what OpenSSL did not read into unread_
    Status fail(int result);                        // after an SSL call returned `result`

    SSL* ssl_ = nullptr;
    State state_ = State::handshaking;
    std::span<const char> source_;  // what the BIO reads from during one call
    std::string unread_;            // ciphertext not read yet (empty while idle: no memory)
    std::string output_;            // ciphertext not sent yet (empty while idle: no memory)
    std::error_code error_;
};

}  // namespace course::tls
