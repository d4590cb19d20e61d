// 09-tls-client: a terminal client for 09-tls-chat-server over wss://. It verifies the server's
// certificate (the chain up to the CA given with --ca, or the system's, and the host name) and
// refuses otherwise with one line saying why; then it chats as 05-chat-client does: your lines
// are messages (/nick NAME, /who, /quit), the room's events are printed one per line.
//
// One thread, three coroutines on one asio::ssl::stream: the reader (TLS -> ws::Connection ->
// stdout), the writer (the only one that writes: what ws::Connection queued) and stdin. End of
// input, /quit or a stop signal closes with the WebSocket closing handshake, then TLS's
// (close_notify both ways), then TCP. Exit code 0 after a clean close, 1 otherwise.
#include "client_view.hpp"
#include "terminal_client.hpp"
#include "ws/client_handshake.hpp"
#include "ws/connection.hpp"
#include "ws/random.hpp"
#include "ws/url.hpp"
#include "ws/utf8.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/stop_signals.hpp"
#include "common/tls/tls_client.hpp"
#include "common/tls/tls_info.hpp"

#include <unistd.h>
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <iostream>
#include <stdexcept>

namespace {

using asio::awaitable;
using asio::ip::tcp;
using SslStream = asio::ssl::stream<tcp::socket>;

constexpr std::size_t read_size = 16 * 1024;             // bytes per TLS read
constexpr std::size_t max_line = 64 * 1024;              // a longer stdin line ends the input
constexpr auto close_timeout = std::chrono::seconds(5);  // for the server's close, then its close_notify

// "wss://host[:port]/path" (default port 443), or from --host and --port.
ws::WsUrl wss_url(const std::string& text, const std::string& host, std::uint16_t port) {
    if (text.empty()) return lesson04::client_url("", host, port);
    if (text.rfind("wss://", 0) != 0) throw std::invalid_argument("the URL must start with wss://");
    const std::string rest = text.substr(6);
    ws::WsUrl url = ws::parse_ws_url("ws://" + rest);
    const std::string authority = rest.substr(0, rest.find('/'));
    if (authority.find("]:") == std::string::npos &&
        (authority.front() == '[' || authority.find(':') == std::string::npos))
        url.port = 443;  // no port given: https's
    return url;
}

class TlsChatClient {
public:
    TlsChatClient(asio::io_context& io, asio::ssl::context& context, ws::WsUrl url, bool insecure,
                  std::chrono::milliseconds connect_timeout, bool show_time, course::Logger& log)
        : stream_(io, context), url_(std::move(url)), insecure_(insecure), connect_timeout_(connect_timeout),
          show_time_(show_time), log_(log), stdin_(io, ::dup(STDIN_FILENO)), wake_(io), deadline_(io),
          signals_(io) {}

    int exit_code() const noexcept { return exit_code_; }

    // Connects (TCP, TLS, WebSocket) and chats until the end; throws the one-line reason if the
    // connection could not be made.
    awaitable<void> run() {
        signals_.async_wait(log_, [this] { stop(); });
        std::string leftover;
        try {
            leftover = co_await connect();
        } catch (const std::exception&) {
            finish();  // nothing may keep io.run() going: the signal wait, the deadline, stdin
            throw;
        }
        asio::co_spawn(stream_.get_executor(), reader(std::move(leftover)), asio::detached);
        asio::co_spawn(stream_.get_executor(), stdin_loop(), asio::detached);
        co_await writer();
    }

private:
    awaitable<std::string> connect() {
        deadline_.expires_after(connect_timeout_);
        deadline_.async_wait([this](const std::error_code& ec) {
            if (ec) return;
            timed_out_ = true;
            std::error_code ignored;
            stream_.next_layer().close(ignored);
        });
        std::error_code ec;
        tcp::resolver resolver(stream_.get_executor());
        const auto endpoints = co_await resolver.async_resolve(url_.host, std::to_string(url_.port),
                                                               asio::redirect_error(asio::use_awaitable, ec));
        if (ec) fail("cannot resolve host '" + url_.host + "': " + ec.message());
        const tcp::endpoint peer = co_await asio::async_connect(
            stream_.next_layer(), endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            fail("cannot connect to " + url_.host + " port " + std::to_string(url_.port) + ": " +
                 ec.message());
        log_.verbose("connected to ", course::format_endpoint(peer));

        course::tls::expect_server(stream_.native_handle(), url_.host, insecure_);
        co_await stream_.async_handshake(SslStream::client, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) fail(course::tls::describe_client_failure(stream_.native_handle(), url_.host, ec));
        SSL* ssl = stream_.native_handle();
        log_.info("TLS: ", course::tls::describe_connection(ssl));
        X509* certificate = SSL_get0_peer_certificate(ssl);
        log_.info(insecure_ ? "NOT VERIFIED (--insecure): " : "verified: ",
                  course::tls::describe_certificate(certificate));

        ws::RandomSource random;
        ws::ClientHandshaker handshake(url_, random.bytes(16));
        co_await asio::async_write(stream_, asio::buffer(handshake.request()),
                                   asio::redirect_error(asio::use_awaitable, ec));
        std::array<char, read_size> buffer;
        std::string_view in;
        while (!ec && handshake.state() == ws::ClientHandshaker::State::waiting) {
            const std::size_t n = co_await stream_.async_read_some(
                asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            in = std::string_view(buffer.data(), n);
            if (ec) handshake.receive_eof();
            else handshake.receive(in);
        }
        if (handshake.state() != ws::ClientHandshaker::State::accepted)
            fail("WebSocket handshake rejected: " +
                 (handshake.reason().empty() ? ec.message() : handshake.reason()));
        deadline_.cancel();
        conn_.emplace(ws::Role::client);
        log_.info("connected to wss://", url_.host_header, url_.target, "; type /help for commands");
        co_return std::string(in);
    }

    [[noreturn]] void fail(const std::string& why) const {
        if (timed_out_)
            throw std::runtime_error("no connection within " + std::to_string(connect_timeout_.count()) +
                                     " ms");
        throw std::runtime_error(why);
    }

    awaitable<void> reader(std::string leftover) {
        std::array<char, read_size> buffer;
        std::string_view in = leftover;
        for (;;) {
            while (const ws::Event event = conn_->receive(in)) on_event(event);
            wake_.cancel();
            if (conn_->should_close_tcp()) co_return;
            std::error_code ec;
            const std::size_t n = co_await stream_.async_read_some(
                asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                const ws::Event end = conn_->receive_eof();
                if (!done_) log_.info("connection lost: ", end.data, " (", end.code, "): ", ec.message());
                finish();
                co_return;
            }
            in = std::string_view(buffer.data(), n);
        }
    }

    void on_event(const ws::Event& event) {
        using Kind = ws::Event::Kind;
        if (event.kind == Kind::text) {
            std::cout << lesson05::describe_server_event(event.data, show_time_) << std::endl;
        } else if (event.kind == Kind::close) {
            if (!we_closed_)  // else it is the server's answer to ours
                log_.info("the server closed the chat: ", event.code, " (", ws::close_code_name(event.code),
                          ")");
            arm_close_timer();
        } else if (event.kind == Kind::error) {
            log_.info("the server broke the protocol: ", event.data, "; closing with ", event.code);
            broke_protocol_ = true;
        }
    }

    awaitable<void> writer() {
        while (!done_) {
            std::error_code ec;
            if (conn_->has_output()) {
                const std::size_t n =
                    co_await asio::async_write(stream_, asio::buffer(conn_->pending_output()),
                                               asio::redirect_error(asio::use_awaitable, ec));
                if (ec) break;
                conn_->consume_output(n);
                continue;
            }
            if (conn_->should_close_tcp()) {
                // The WebSocket closing handshake is done: now TLS's (close_notify both ways).
                co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
                if (!broke_protocol_) exit_code_ = 0;
                break;
            }
            wake_.expires_at(asio::steady_timer::time_point::max());
            co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        finish();
    }

    awaitable<void> stdin_loop() {
        std::string text;
        for (;;) {
            std::error_code ec;
            const std::size_t n =
                co_await asio::async_read_until(stdin_, asio::dynamic_buffer(text, max_line), '\n',
                                                asio::redirect_error(asio::use_awaitable, ec));
            if (ec || done_) break;
            const std::string line = text.substr(0, n - 1);
            text.erase(0, n);
            const lesson05::InputLine input = lesson05::interpret_input(line);
            if (input.kind == lesson05::InputLine::Kind::quit) break;
            switch (input.kind) {
            case lesson05::InputLine::Kind::send:
                if (!ws::is_valid_utf8(input.message)) std::cerr << "that line is not UTF-8; not sent\n";
                else conn_->send_text(input.message);
                break;
            case lesson05::InputLine::Kind::help:
                std::cerr << "Type a line to send it. /nick NAME, /who, //text sends \"/text\", /quit\n";
                break;
            case lesson05::InputLine::Kind::unknown:
                std::cerr << "unknown command " << input.message << " (try /help)\n";
                break;
            default: break;
            }
            wake_.cancel();
        }
        if (!done_) begin_close(ws::close_code::normal, "");  // end of input or /quit
    }

    void begin_close(std::uint16_t code, std::string_view reason) {
        if (conn_ && conn_->close(code, reason)) {
            we_closed_ = true;
            arm_close_timer();
        }
        wake_.cancel();
    }

    void arm_close_timer() {
        deadline_.expires_after(close_timeout);
        deadline_.async_wait([this](const std::error_code& ec) {
            if (ec || done_) return;
            log_.info("the server did not finish closing within 5 s");
            finish();
        });
    }

    void stop() {
        if (!conn_) {  // still connecting
            std::error_code ignored;
            stream_.next_layer().close(ignored);
            return;
        }
        begin_close(ws::close_code::going_away, "client stopped");
    }

    void finish() {
        if (done_) return;
        done_ = true;
        std::error_code ignored;
        stream_.next_layer().close(ignored);
        stdin_.close(ignored);
        deadline_.cancel();
        wake_.cancel();
        signals_.cancel();
    }

    SslStream stream_;
    ws::WsUrl url_;
    bool insecure_;
    std::chrono::milliseconds connect_timeout_;
    bool show_time_;
    course::Logger& log_;
    asio::posix::stream_descriptor stdin_;
    asio::steady_timer wake_;      // the writer sleeps on it until there is something to send
    asio::steady_timer deadline_;  // the connect timeout, then the close timeout
    course::StopSignals signals_;
    std::optional<ws::Connection> conn_;
    bool timed_out_ = false;
    bool broke_protocol_ = false;
    bool we_closed_ = false;  // the closing handshake is ours
    bool done_ = false;
    int exit_code_ = 1;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 09: a terminal chat client over wss:// that verifies the server's certificate",
                 "09-tls-client"};
    course::CommonOptions options;
    options.host = "localhost";  // the name the certificate is checked against
    options.port = 7009;
    course::add_common_options(app, options, course::Role::client);
    std::string url;
    course::tls::ClientOptions tls;
    bool no_time = false;
    std::chrono::milliseconds connect_timeout{10'000};
    app.add_option("url", url, "wss://host:port/ws (default: from --host and --port)");
    app.add_option("--ca", tls.ca_file, "trust the CA certificates in this PEM file (default: the system's)")
        ->check(CLI::ExistingFile);
    app.add_flag("--insecure", tls.insecure,
                 "do not verify the server's certificate at all (experiments only!)");
    course::add_seconds_option(app, "--connect-timeout", connect_timeout,
                               "time to connect and complete the TLS and WebSocket handshakes");
    app.add_flag("--no-time", no_time, "print messages without their time");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        ws::WsUrl target = wss_url(url, options.host, options.port);
        asio::ssl::context context = course::tls::make_client_context(tls);
        asio::io_context io(1);
        TlsChatClient client(io, context, std::move(target), tls.insecure, connect_timeout, !no_time, log);
        std::exception_ptr failure;
        asio::co_spawn(io, client.run(), [&](std::exception_ptr error) { failure = error; });
        io.run();
        if (failure) std::rethrow_exception(failure);
        return client.exit_code();
    });
}
