// TlsEngine (lessons/09-tls/tls_engine.hpp) without sockets: a real OpenSSL client on memory BIOs
// talks to it through strings, the bytes each way fed whole, one byte at a time and in random
// pieces, so records and handshake messages split anywhere. A CA and certificate from
// make_certs.sh, the server's policy from make_server_context.
#include "tls_engine.hpp"
#include "tls_context.hpp"
#include "tls_test_support.hpp"

#include <gtest/gtest.h>

#include <openssl/err.h>

#include <algorithm>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace {

using lesson09::TlsEngine;
using lesson09::testing::Certificates;
using Status = TlsEngine::Status;

enum class Split { whole, bytes, random };
const char* name(Split split) {
    switch (split) {
    case Split::whole: return "Whole";
    case Split::bytes: return "ByteByByte";
    case Split::random: return "RandomPieces";
    }
    return "?";
}
void PrintTo(Split split, std::ostream* out) { *out << name(split); }  // in failure messages

// `bytes` cut as `split` says.
std::vector<std::string> pieces(const std::string& bytes, Split split, std::mt19937& random) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < bytes.size();) {
        std::size_t size = bytes.size() - at;
        if (split == Split::bytes) size = 1;
        if (split == Split::random)
            size = std::min(size, std::uniform_int_distribution<std::size_t>(1, 700)(random));
        out.push_back(bytes.substr(at, size));
        at += size;
    }
    return out;
}

// An OpenSSL client that verifies the server against the CA, on two memory BIOs.
class Client {
public:
    explicit Client(const std::string& ca) : context_(SSL_CTX_new(TLS_client_method()), SSL_CTX_free) {
        SSL_CTX_load_verify_locations(context_.get(), ca.c_str(), nullptr);
        SSL_CTX_set_verify(context_.get(), SSL_VERIFY_PEER, nullptr);
        ssl_.reset(SSL_new(context_.get()));
        BIO* in = BIO_new(BIO_s_mem());
        BIO* out = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(in, -1);  // empty means "not yet", not the end
        SSL_set_bio(ssl_.get(), in, out);
        // SNI: SSL_set_tlsext_host_name(), without the macro's C-style cast.
        SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>("localhost"));
        SSL_set1_host(ssl_.get(), "localhost");
        SSL_set_connect_state(ssl_.get());
    }
    SSL* ssl() const { return ssl_.get(); }
    bool handshake() { return SSL_do_handshake(ssl_.get()) == 1; }
    void give(std::string_view bytes) {
        BIO_write(SSL_get_rbio(ssl_.get()), bytes.data(), static_cast<int>(bytes.size()));
    }
    std::string take() {  // what the client has written, for the server
        std::string bytes(static_cast<std::size_t>(BIO_ctrl_pending(SSL_get_wbio(ssl_.get()))), '\0');
        BIO_read(SSL_get_wbio(ssl_.get()), bytes.data(), static_cast<int>(bytes.size()));
        return bytes;
    }
    std::string read_all() {  // the plaintext the server's bytes given so far carry
        std::string text;
        char buffer[4096];
        std::size_t n = 0;
        while (SSL_read_ex(ssl_.get(), buffer, sizeof buffer, &n) == 1) text.append(buffer, n);
        return text;
    }

private:
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context_;
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl_{nullptr, SSL_free};
};

class TlsEngineTest : public ::testing::TestWithParam<Split> {
protected:
    static void SetUpTestSuite() {
        certs_ = new Certificates();
        context_ = new asio::ssl::context(
            lesson09::make_server_context({certs_->file("server.pem"), certs_->file("server.key")}));
    }
    static void TearDownTestSuite() {
        delete context_;
        delete certs_;
    }

    // The server's output to the client, all of it.
    void to_client() {
        client_.give(engine_.output());
        engine_.sent(engine_.output().size());
    }
    // Everything the client wrote, to the server's handshake, cut as the test says.
    Status handshake_input() {
        Status status = Status::want_input;
        for (const std::string& piece : pieces(client_.take(), GetParam(), random_))
            status = engine_.handshake(piece);
        return status;
    }
    // TLS 1.3's handshake, both ends: one round trip, then the server's session tickets.
    void handshake() {
        ASSERT_FALSE(client_.handshake());  // ClientHello
        ASSERT_EQ(handshake_input(), Status::want_input) << engine_.error().message();
        to_client();  // ServerHello ... Finished
        ASSERT_TRUE(client_.handshake());
        ASSERT_EQ(handshake_input(), Status::ok) << engine_.error().message();  // the client's Finished
        to_client();
        EXPECT_EQ(client_.read_all(), "");
        EXPECT_EQ(SSL_version(client_.ssl()), TLS1_3_VERSION);
    }
    // Everything the client wrote, through read() with `room` bytes of plaintext at a time.
    std::string read_input(std::size_t room, Status& last) {
        std::string text;
        std::vector<char> plaintext(room);
        auto take = [&](std::string_view piece) {
            TlsEngine::Read read = engine_.read(std::span<const char>(piece.data(), piece.size()), plaintext);
            for (int i = 0; i < 1000 && read.status == Status::ok; ++i) {
                text.append(plaintext.data(), read.size);
                read = engine_.read({}, plaintext);
            }
            last = read.status;
        };
        for (const std::string& piece : pieces(client_.take(), GetParam(), random_)) take(piece);
        return text;
    }

    static Certificates* certs_;
    static asio::ssl::context* context_;
    std::mt19937 random_{9};  // the same pieces every run
    TlsEngine engine_{context_->native_handle()};
    Client client_{certs_->ca()};
};

Certificates* TlsEngineTest::certs_ = nullptr;
asio::ssl::context* TlsEngineTest::context_ = nullptr;

TEST_P(TlsEngineTest, HandshakesAndCarriesBytesBothWays) {
    ASSERT_NO_FATAL_FAILURE(handshake());
    EXPECT_FALSE(engine_.has_input());
    std::string message(40'000, '\0');  // three records
    for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>('a' + i % 26);
    ASSERT_EQ(SSL_write(client_.ssl(), message.data(), static_cast<int>(message.size())), 40'000);
    Status last = Status::ok;
    EXPECT_EQ(read_input(64 * 1024, last), message);
    EXPECT_EQ(last, Status::want_input);
    EXPECT_FALSE(engine_.has_input());
    ASSERT_TRUE(engine_.write("hello, client"));
    to_client();
    EXPECT_EQ(client_.read_all(), "hello, client");
    EXPECT_TRUE(engine_.output().empty());
}

TEST_P(TlsEngineTest, KeepsWhatDoesNotFitForTheNextRead) {
    ASSERT_NO_FATAL_FAILURE(handshake());
    std::string message;
    for (int i = 0; i < 200; ++i) message += "message " + std::to_string(i) + "\n";
    // Many small records, and room for 7 bytes at a time: plaintext waits inside OpenSSL and
    // ciphertext in the engine, and none is lost or reordered.
    for (std::size_t at = 0; at < message.size(); at += 100) {
        const std::string part = message.substr(at, 100);
        ASSERT_EQ(SSL_write(client_.ssl(), part.data(), static_cast<int>(part.size())),
                  static_cast<int>(part.size()));
    }
    Status last = Status::ok;
    EXPECT_EQ(read_input(7, last), message);
    EXPECT_EQ(last, Status::want_input);
    EXPECT_FALSE(engine_.has_input());
}

TEST_P(TlsEngineTest, KeepsTheRequestSentWithTheLastHandshakeMessage) {
    // TLS 1.3: the client's Finished and its first request leave in one flight.
    ASSERT_FALSE(client_.handshake());
    ASSERT_EQ(handshake_input(), Status::want_input);
    to_client();
    ASSERT_TRUE(client_.handshake());
    ASSERT_EQ(SSL_write(client_.ssl(), "GET / HTTP/1.1\r\n\r\n", 18), 18);
    ASSERT_EQ(handshake_input(), Status::ok);
    EXPECT_TRUE(engine_.has_input());
    std::vector<char> plaintext(1024);
    const TlsEngine::Read read = engine_.read({}, plaintext);
    ASSERT_EQ(read.status, Status::ok);
    EXPECT_EQ(std::string(plaintext.data(), read.size), "GET / HTTP/1.1\r\n\r\n");
}

TEST_P(TlsEngineTest, ClosesWithCloseNotifyBothWays) {
    ASSERT_NO_FATAL_FAILURE(handshake());
    ASSERT_EQ(SSL_write(client_.ssl(), "bye", 3), 3);
    SSL_shutdown(client_.ssl());  // the client's close_notify after its last bytes
    Status last = Status::ok;
    EXPECT_EQ(read_input(1024, last), "bye");
    EXPECT_EQ(last, Status::closed);
    engine_.shutdown();
    EXPECT_FALSE(engine_.write("too late")) << "nothing after our close_notify";
    to_client();
    client_.read_all();
    EXPECT_EQ(SSL_get_error(client_.ssl(), 0), SSL_ERROR_ZERO_RETURN);
    EXPECT_TRUE(SSL_get_shutdown(client_.ssl()) & SSL_RECEIVED_SHUTDOWN);
}

TEST_P(TlsEngineTest, FailsOnPlainHttpWithOpensslsReason) {
    Status status = Status::want_input;
    for (const std::string& piece : pieces("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", GetParam(), random_))
        if (status == Status::want_input) status = engine_.handshake(piece);
    EXPECT_EQ(status, Status::failed);
    EXPECT_NE(engine_.error().message().find("http request"), std::string::npos) << engine_.error().message();
    std::vector<char> plaintext(16);
    EXPECT_EQ(engine_.read({}, plaintext).status, Status::failed);
}

TEST_P(TlsEngineTest, RefusesTls10WithAProtocolVersionAlert) {
    SSL_set_max_proto_version(client_.ssl(), TLS1_VERSION);
    client_.handshake();
    EXPECT_EQ(handshake_input(), Status::failed);
    // The alert record: content type 21 (alert), then level fatal (2), protocol_version (70).
    const std::string_view alert = engine_.output();
    ASSERT_GE(alert.size(), 7u);
    EXPECT_EQ(alert[0], 21);
    EXPECT_EQ(alert[5], 2);
    EXPECT_EQ(alert[6], 70);
}

INSTANTIATE_TEST_SUITE_P(Pieces, TlsEngineTest, ::testing::Values(Split::whole, Split::bytes, Split::random),
                         [](const ::testing::TestParamInfo<Split>& split) { return name(split.param); });

}  // namespace
