// libFuzzer target: two TlsEngines (common/tls/tls_engine.hpp), a client and a server, talk to
// each other through the fuzzer: it chooses how each flight of bytes is cut (so records and
// handshake messages split anywhere), how much plaintext room each read has, which bytes of
// which flight are flipped on the way, and the messages each side sends once the handshake is
// done. Bytes that are not flipped are real TLS 1.3: the fuzzer reaches the engine's reads of
// records cut in pieces, the ciphertext it keeps for later, plaintext that does not fit, and
// what it does with a corrupted record at every stage, which random bytes alone would not.
//
// Oracles besides ASan+UBSan and LeakSanitizer:
// - whatever a side reads is a prefix of what the other side wrote, in order (a flipped bit in
//   a record is caught by AES-GCM's tag: a read fails, it never returns other bytes);
// - with nothing flipped, the handshake completes, every byte arrives, and each side's
//   close_notify ends the other's reads with `closed`;
// - a side that failed stays failed: read() says failed again and write() refuses;
// - the engines stop talking by themselves (at most 16 round trips per exchange).
// Run it with scripts/fuzz.

#include "common/tls/tls_client.hpp"
#include "common/tls/tls_engine.hpp"
#include "fuzz_check.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace {

using course::tls::TlsEngine;
using Status = TlsEngine::Status;

// The fuzzer's choices, read from its input one byte at a time (zero when it runs out).
class Choices {
public:
    Choices(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
    std::string bytes(std::size_t count) {
        count = std::min(count, size_ - at_);
        std::string out(reinterpret_cast<const char*>(data_ + at_), count);
        at_ += count;
        return out;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

// A self-signed P-256 certificate for "localhost", made once: the client does not verify it
// (verification is tls_client's, tested with a real CA in tls_engine_test.cpp).
struct ServerContext {
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    ServerContext() {
        EVP_PKEY* key = EVP_EC_gen("P-256");
        X509* certificate = X509_new();
        ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
        X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
        X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
        X509_NAME* name = X509_get_subject_name(certificate);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
        X509_set_issuer_name(certificate, name);
        X509_set_pubkey(certificate, key);
        X509_sign(certificate, key, EVP_sha256());
        FUZZ_CHECK(SSL_CTX_use_certificate(context, certificate) == 1);
        FUZZ_CHECK(SSL_CTX_use_PrivateKey(context, key) == 1);
        SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION);
        SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
        SSL_CTX_set_num_tickets(context, 1);
        X509_free(certificate);
        EVP_PKEY_free(key);
    }
};

// One end: its engine, whether its handshake is done, the plaintext it has read.
struct End {
    End(SSL_CTX* context, TlsEngine::Role role) : engine(context, role) {}
    TlsEngine engine;
    bool open = false;
    bool failed = false;
    bool closed = false;
    std::string received;
    std::string sent;  // what it wrote (the other end must read a prefix of it)
};

// The `flight`-th batch of bytes from `from` to `to`, cut and perhaps flipped as the fuzzer says.
// Returns whether any byte went.
bool pass(End& from, End& to, Choices& choices, int flight, int flip_flight, bool& flipped) {
    std::string bytes = from.engine.take_output();
    if (bytes.empty()) return false;
    if (flight == flip_flight) {
        const std::size_t at = (std::size_t{choices.byte()} << 8 | choices.byte()) % bytes.size();
        const char mask = static_cast<char>(choices.byte() | 1);  // never zero: a real change
        bytes[at] = static_cast<char>(bytes[at] ^ mask);
        flipped = true;
    }
    // 1..255 bytes at a time, or the whole flight (0, also once the fuzzer's input has ended).
    const std::uint8_t cut = choices.byte();
    const std::size_t piece = cut == 0 ? bytes.size() : cut;
    // Plaintext room per read: 1..15 bytes, 1..15 KiB, or 64 KiB (0).
    const std::uint8_t room = choices.byte();
    std::vector<char> plaintext(room == 0 ? 64 * 1024 : room < 16 ? room : room / 16 * 1024);
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        const std::span<const char> input(bytes.data() + at, std::min(piece, bytes.size() - at));
        if (to.failed || to.closed) break;
        std::span<const char> unread = input;  // for read(), unless the handshake took it
        if (!to.open) {
            const Status status = to.engine.handshake(input);
            if (status == Status::failed) to.failed = true;
            if (status == Status::ok) to.open = true;
            if (!to.open) continue;
            unread = {};  // bytes after the handshake's last message wait in the engine for read()
        }
        std::span<const char> next = unread;
        for (int reads = 0; reads < 100'000; ++reads) {
            const TlsEngine::Read read = to.engine.read(next, plaintext);
            next = {};
            FUZZ_CHECK(read.size <= plaintext.size());
            if (read.status == Status::ok) {
                FUZZ_CHECK(read.size > 0);
                to.received.append(plaintext.data(), read.size);
                // Only what the other end wrote, in order: never a corrupted byte.
                FUZZ_CHECK(to.received.size() <= from.sent.size());
                FUZZ_CHECK(from.sent.compare(0, to.received.size(), to.received) == 0);
                continue;
            }
            if (read.status == Status::failed) to.failed = true;
            if (read.status == Status::closed) to.closed = true;
            break;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static ServerContext server_context;
    static asio::ssl::context client_context = course::tls::make_client_context({"", true});
    Choices choices(data, size);
    // Which flight gets a flipped byte: the handshake is flights 0 to 3 (then two empty ones),
    // messages and closing come after. From 128 on: none, and everything must arrive.
    const std::uint8_t flip = choices.byte();
    const int flip_flight = flip < 128 ? flip % 24 : -1;
    End client(client_context.native_handle(), TlsEngine::Role::client);
    End server(server_context.context, TlsEngine::Role::server);
    course::tls::expect_server(client.engine.native_handle(), "localhost", true);

    bool flipped = false;
    int flight = 0;
    // A message from `writer`, its length the fuzzer's (up to 30 KiB: two records), its bytes a
    // pattern (TLS does not look at them).
    auto write = [&](End& writer) {
        std::size_t length = choices.byte();
        if (length > 240) length = (length - 240) * 2048;
        const char first = static_cast<char>(choices.byte());
        std::string message(std::max<std::size_t>(length, 1), '\0');
        for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>(first + i % 251);
        FUZZ_CHECK(writer.engine.write(message));
        writer.sent += message;
    };
    bool early = choices.byte() % 2 == 1;  // the client's first message rides with its Finished
    auto pump = [&] {                      // until neither side has anything to send
        for (int round = 0; round < 16; ++round) {
            const bool a = pass(client, server, choices, flight++, flip_flight, flipped);
            const bool b = pass(server, client, choices, flight++, flip_flight, flipped);
            if (early && client.open && !client.failed) {
                early = false;
                write(client);
            }
            if (!a && !b) return;
        }
        FUZZ_CHECK(false && "the engines kept talking");
    };

    if (client.engine.handshake({}) == Status::failed) return 0;  // the ClientHello
    pump();
    if (!flipped) FUZZ_CHECK(client.open && server.open);

    // Messages both ways, several records per flight, while both sides are up.
    for (int turn = 0; turn < 8 && client.open && server.open && !client.failed && !server.failed; ++turn) {
        const std::uint8_t choice = choices.byte();
        if (choice == 0) break;  // also where the fuzzer's input ends
        End& writer = choice % 2 ? client : server;
        for (int i = 0; i <= choice / 2 % 4; ++i) write(writer);
        pump();
    }
    if (!flipped) {
        FUZZ_CHECK(!client.failed && !server.failed);
        FUZZ_CHECK(server.received == client.sent);
        FUZZ_CHECK(client.received == server.sent);
    }

    // Closing: each close_notify ends the other side's reads.
    client.engine.shutdown();
    server.engine.shutdown();
    pump();
    if (!flipped) FUZZ_CHECK(client.closed && server.closed);

    for (End* end : {&client, &server}) {
        FUZZ_CHECK(end->engine.output().empty());
        if (!end->failed) continue;
        std::vector<char> room(16);
        FUZZ_CHECK(end->engine.read({}, room).status == Status::failed);
        FUZZ_CHECK(!end->engine.write("after"));
    }
    return 0;
}
