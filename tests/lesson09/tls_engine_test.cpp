// TlsEngine (common/tls/tls_engine.hpp) without sockets, the bytes each way fed whole, one byte at
// a time and in random pieces, so records and handshake messages split anywhere:
//   - as lesson 09's server: a real OpenSSL client on memory BIOs talks to it through strings;
//   - as lesson 06's client: two engines, a client (course::tls's client context, verification
//     on) and a server, talk to each other.
// A CA and certificate from make_certs.sh, the server's policy from make_server_context.
#include "common/tls/tls_engine.hpp"
#include "tls_context.hpp"
#include "tls_test_support.hpp"

#include "common/tls/tls_client.hpp"
#include "common/tls/tls_info.hpp"

#include <gtest/gtest.h>

#include <openssl/err.h>

#include <algorithm>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace {

using course::tls::TlsEngine;
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
    TlsEngine engine_{context_->native_handle(), TlsEngine::Role::server};
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

// The client's end: an engine with the course's client context (the CA trusted, the name checked,
// as 06-loadgen's wss:// does) against an engine with lesson 09's server context.
class TlsEngineClientTest : public ::testing::TestWithParam<Split> {
protected:
    static void SetUpTestSuite() {
        certs_ = new Certificates();
        server_context_ = new asio::ssl::context(
            lesson09::make_server_context({certs_->file("server.pem"), certs_->file("server.key")}));
        client_context_ = new asio::ssl::context(course::tls::make_client_context({certs_->ca(), false}));
    }
    static void TearDownTestSuite() {
        delete client_context_;
        delete server_context_;
        delete certs_;
    }

    // What `from` has to send, into `to`'s handshake in pieces; the last status.
    Status pass(TlsEngine& from, TlsEngine& to) {
        Status status = Status::want_input;
        const std::string bytes = from.take_output();
        for (const std::string& piece : pieces(bytes, GetParam(), random_)) status = to.handshake(piece);
        return status;
    }
    // What `from` has to send, through `to`'s read(); the plaintext, and the last status in `last`.
    std::string carry(TlsEngine& from, TlsEngine& to, Status& last) {
        std::string text;
        std::vector<char> plaintext(64 * 1024);
        const std::string bytes = from.take_output();
        for (const std::string& piece : pieces(bytes, GetParam(), random_)) {
            TlsEngine::Read read = to.read(std::span<const char>(piece.data(), piece.size()), plaintext);
            for (int i = 0; i < 1000 && read.status == Status::ok; ++i) {
                text.append(plaintext.data(), read.size);
                read = to.read({}, plaintext);
            }
            last = read.status;
        }
        return text;
    }
    // TLS 1.3, the client speaking first: ClientHello; ServerHello ... Finished; Finished.
    void handshake() {
        ASSERT_EQ(client_.handshake({}), Status::want_input);
        ASSERT_FALSE(client_.output().empty()) << "the ClientHello";
        ASSERT_EQ(pass(client_, server_), Status::want_input) << server_.error().message();
        ASSERT_EQ(pass(server_, client_), Status::ok) << course::tls::describe_error(client_.error());
        ASSERT_EQ(pass(client_, server_), Status::ok) << server_.error().message();
        EXPECT_EQ(SSL_version(client_.native_handle()), TLS1_3_VERSION);
    }

    static Certificates* certs_;
    static asio::ssl::context* server_context_;
    static asio::ssl::context* client_context_;
    std::mt19937 random_{11};
    TlsEngine server_{server_context_->native_handle(), TlsEngine::Role::server};
    TlsEngine client_{client_context_->native_handle(), TlsEngine::Role::client};
};

Certificates* TlsEngineClientTest::certs_ = nullptr;
asio::ssl::context* TlsEngineClientTest::server_context_ = nullptr;
asio::ssl::context* TlsEngineClientTest::client_context_ = nullptr;

TEST_P(TlsEngineClientTest, ClientVerifiesTheServerAndCarriesBytesBothWays) {
    course::tls::expect_server(client_.native_handle(), "localhost", false);
    ASSERT_NO_FATAL_FAILURE(handshake());
    EXPECT_EQ(SSL_get_verify_result(client_.native_handle()), X509_V_OK);
    Status last = Status::ok;
    // The server's session tickets come after the handshake: read() takes them, no plaintext.
    EXPECT_EQ(carry(server_, client_, last), "");
    EXPECT_EQ(last, Status::want_input);

    std::string request(40'000, '\0');  // three records
    for (std::size_t i = 0; i < request.size(); ++i) request[i] = static_cast<char>('a' + i % 26);
    ASSERT_TRUE(client_.write(request));
    EXPECT_EQ(carry(client_, server_, last), request);
    ASSERT_TRUE(server_.write("one"));
    ASSERT_TRUE(server_.write("two"));  // two records, read as one stream
    EXPECT_EQ(carry(server_, client_, last), "onetwo");
    EXPECT_EQ(last, Status::want_input);
    EXPECT_FALSE(client_.has_input());
}

TEST_P(TlsEngineClientTest, TakeOutputHandsEverythingOverAndLeavesItEmpty) {
    course::tls::expect_server(client_.native_handle(), "localhost", false);
    ASSERT_NO_FATAL_FAILURE(handshake());
    ASSERT_TRUE(client_.write("first"));
    const std::string taken = client_.take_output();
    EXPECT_FALSE(taken.empty());
    EXPECT_TRUE(client_.output().empty());
    ASSERT_TRUE(client_.write("second"));  // a new string: `taken` is not touched
    const std::string more = client_.take_output();
    EXPECT_NE(more, taken);
    Status last = Status::ok;
    std::string text;
    std::vector<char> plaintext(1024);
    const std::string both = taken + more;
    TlsEngine::Read read = server_.read(std::span<const char>(both.data(), both.size()), plaintext);
    for (int i = 0; i < 10 && read.status == Status::ok; ++i) {
        text.append(plaintext.data(), read.size);
        read = server_.read({}, plaintext);
    }
    last = read.status;
    EXPECT_EQ(text, "firstsecond");
    EXPECT_EQ(last, Status::want_input);
}

TEST_P(TlsEngineClientTest, ClientRefusesACertificateForAnotherName) {
    // An address the certificate does not name (a host name would be refused by the server
    // first: it has no certificate for an unknown SNI).
    course::tls::expect_server(client_.native_handle(), "127.0.0.2", false);
    ASSERT_EQ(client_.handshake({}), Status::want_input);
    ASSERT_EQ(pass(client_, server_), Status::want_input);
    ASSERT_EQ(pass(server_, client_), Status::failed);
    const std::string why =
        course::tls::describe_client_failure(client_.native_handle(), "127.0.0.2", client_.error());
    EXPECT_NE(why.find("the certificate is for another name"), std::string::npos) << why;
    // The client says why in an alert, which ends the server's handshake too.
    EXPECT_FALSE(client_.output().empty());
    EXPECT_EQ(pass(client_, server_), Status::failed);
}

TEST_P(TlsEngineClientTest, ClientClosesWithCloseNotify) {
    course::tls::expect_server(client_.native_handle(), "localhost", false);
    ASSERT_NO_FATAL_FAILURE(handshake());
    Status last = Status::ok;
    carry(server_, client_, last);  // the tickets
    ASSERT_TRUE(server_.write("bye"));
    server_.shutdown();
    EXPECT_EQ(carry(server_, client_, last), "bye");
    EXPECT_EQ(last, Status::closed);
    client_.shutdown();
    EXPECT_FALSE(client_.write("too late"));
    EXPECT_EQ(carry(client_, server_, last), "");
    EXPECT_EQ(last, Status::closed);
}

INSTANTIATE_TEST_SUITE_P(Pieces, TlsEngineClientTest,
                         ::testing::Values(Split::whole, Split::bytes, Split::random),
                         [](const ::testing::TestParamInfo<Split>& split) { return name(split.param); });

}  // namespace
