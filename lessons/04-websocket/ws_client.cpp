// 04-ws-client: a terminal WebSocket client on the lesson's protocol core (ws/).
//
// Connects to ws://host:port/path, sends each stdin line as a text message and prints what
// arrives (text as is; binary, pong and close as one-line summaries). Commands start with "/":
// see print_help(). Some commands break the protocol on purpose, to watch the server enforce
// it. Everything is sent in pieces of --chunk N bytes if asked, the handshake included.
//
// One thread, four coroutines sharing one ws::Connection: the reader (socket -> events), the
// writer (the only one that writes to the socket), the stdin reader, and a watchdog for
// timeouts. They live in a Client that main() keeps alive until io.run() has returned.

#include "trace.hpp"
#include "ws/connection.hpp"
#include "ws/handshake.hpp"
#include "ws/http.hpp"
#include "ws/random.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/line_splitter.hpp"
#include "common/stop_signals.hpp"

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <unistd.h>

// GCC 12 false positive in asio's coroutine frames (see echo_server.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {

using asio::awaitable;
using asio::ip::tcp;
using std::chrono::steady_clock;

constexpr std::size_t read_buffer_size = 64 * 1024;      // bytes per socket read
constexpr std::size_t max_stdin_line = 16 * 1024 * 1024;  // longer lines are skipped
constexpr std::size_t binary_hex_shown = 32;             // bytes of a binary message printed
constexpr auto close_timeout = std::chrono::seconds(5);  // for the server to finish closing

struct ClientOptions {
    ws::WsUrl url;
    std::size_t chunk = 0;  // 0: write everything at once
    std::chrono::milliseconds timeout{10'000};
    std::string origin;
    std::vector<std::string> protocols;
};

void print_help() {
    std::cerr << "Each line is sent as a text message. Commands:\n"
                 "  /ping [data]             send a ping (the server answers with a pong)\n"
                 "  /close [code [reason]]   start the closing handshake (default 1000)\n"
                 "  /binary TEXT             send TEXT as a binary message\n"
                 "  /frag N TEXT             send TEXT as a text message in N fragments\n"
                 "  //TEXT                   send \"/TEXT\" as text\n"
                 "  /quit                    close with 1000 and exit (so does end of input)\n"
                 "Deliberate protocol violations (watch the server's close code):\n"
                 "  /unmasked TEXT           a text frame without a mask            -> 1002\n"
                 "  /rsv TEXT                a text frame with RSV1 set             -> 1002\n"
                 "  /bigping                 a ping with 126 bytes of payload       -> 1002\n"
                 "  /badclose                a close frame with a 1-byte body       -> 1002\n"
                 "  /badutf8                 a text frame holding C3 28 (not UTF-8) -> 1007\n"
                 "  /raw HEX                 these bytes exactly, e.g. /raw 8100 (unmasked, empty)\n";
}

std::optional<std::string> parse_hex(std::string_view text) {
    std::string out;
    int high = -1;
    for (const char c : text) {
        if (c == ' ') continue;
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) return std::nullopt;
        if (high < 0) {
            high = v;
        } else {
            out += static_cast<char>(high * 16 + v);
            high = -1;
        }
    }
    if (high >= 0) return std::nullopt;
    return out;
}

class Client {
public:
    Client(asio::io_context& io, ClientOptions options, course::Logger& log)
        : io_(io), options_(std::move(options)), log_(log), socket_(io), stdin_(io), wake_(io), timer_(io),
          signals_(io), buffer_(read_buffer_size) {}

    awaitable<void> run();
    int exit_code() const noexcept { return exit_code_; }

private:
    awaitable<void> session();
    void shut_down();
    awaitable<void> connect();
    awaitable<std::string_view> handshake();
    awaitable<void> reader(std::string_view leftover);
    awaitable<void> writer();
    awaitable<void> stdin_loop();
    awaitable<void> watchdog();
    awaitable<void> write_chunked(std::string bytes);
    void on_line(std::string_view line);
    void print(const ws::Event& event);
    void begin_close(std::uint16_t code, std::string_view reason);
    void arm(steady_clock::duration timeout) {
        deadline_ = steady_clock::now() + timeout;
        timer_.cancel();  // the watchdog re-reads the deadline
    }
    void wake_writer() { wake_.cancel(); }
    // For the helper coroutines: an exception is reported and ends the session, never dropped.
    auto report_failure() {
        return [this](const std::exception_ptr& error) {
            if (!error) return;
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                log_.info("internal error: ", e.what());
            }
            shut_down();
        };
    }

    asio::io_context& io_;
    ClientOptions options_;
    course::Logger& log_;
    tcp::socket socket_;
    asio::posix::stream_descriptor stdin_;
    asio::steady_timer wake_;   // the writer sleeps on it until there is something to send
    asio::steady_timer timer_;  // the watchdog's
    course::StopSignals signals_;  // SIGINT, SIGTERM, SIGHUP: close with 1001, exit 0
    std::vector<char> buffer_;
    std::optional<ws::Connection> conn_;
    steady_clock::time_point deadline_ = steady_clock::time_point::max();
    std::string timeout_reason_;
    bool done_ = false;
    int exit_code_ = EXIT_FAILURE;
};

awaitable<void> Client::watchdog() {
    while (!done_) {
        timer_.expires_at(deadline_);
        std::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (done_ || steady_clock::now() < deadline_) continue;
        socket_.close(ec);  // the pending read or write fails, and the reader reports why
        if (timeout_reason_.empty()) timeout_reason_ = "timed out";
        timeout_reason_ += " (timeout)";
        break;
    }
}

awaitable<void> Client::write_chunked(std::string bytes) {
    // --chunk N: N bytes per write, each its own TCP segment (TCP_NODELAY), to show that the
    // server copes whatever way the stream is cut.
    const std::size_t step = options_.chunk == 0 ? bytes.size() : options_.chunk;
    for (std::size_t at = 0; at < bytes.size(); at += step) {
        const std::size_t n = std::min(step, bytes.size() - at);
        std::error_code ec;
        co_await asio::async_write(socket_, asio::buffer(bytes.data() + at, n), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) throw std::system_error(ec, "write");
    }
}

awaitable<void> Client::connect() {
    tcp::resolver resolver(io_);
    std::error_code ec;
    const auto endpoints = co_await resolver.async_resolve(options_.url.host, std::to_string(options_.url.port),
                                                           asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw std::runtime_error("cannot resolve host '" + options_.url.host + "': " + ec.message());
    timeout_reason_ = "no connection within the timeout";
    const tcp::endpoint connected = co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        const std::string hint = ec == asio::error::connection_refused ? " (is the server running?)" : "";
        throw std::runtime_error("cannot connect to " + course::format_endpoint(endpoints.begin()->endpoint()) + ": " +
                                 ec.message() + hint);
    }
    socket_.set_option(tcp::no_delay(true));
    log_.verbose("connected to ", course::format_endpoint(connected));
}

awaitable<std::string_view> Client::handshake() {
    ws::RandomSource random;
    const ws::ClientHandshake hs = ws::make_client_handshake(options_.url.host_header, options_.url.target,
                                                             random.bytes(16), options_.protocols, options_.origin);
    if (log_.tracing()) {
        log_.trace("opening handshake: key = Base64 of 16 random bytes = ", hs.key, "\n",
                   lesson04::describe_http_head("  > ", hs.request));
    }
    timeout_reason_ = "no handshake answer within the timeout";
    co_await write_chunked(hs.request);

    ws::HttpParser parser(ws::HttpParser::Kind::response);
    std::string head_text;
    for (;;) {
        std::error_code ec;
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer_), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            throw std::runtime_error("handshake failed: " +
                                     (timeout_reason_.ends_with("(timeout)") ? timeout_reason_
                                                                             : "the server closed the connection (" + ec.message() + ")"));
        }
        std::string_view in(buffer_.data(), n);
        const std::size_t before = in.size();
        const auto result = parser.push(in);
        head_text.append(buffer_.data(), before - in.size());
        if (result == ws::HttpParser::Result::incomplete) continue;
        if (log_.tracing()) log_.trace("server's answer\n", lesson04::describe_http_head("  < ", head_text));
        if (result == ws::HttpParser::Result::error) {
            throw std::runtime_error("handshake failed: malformed HTTP response: " + parser.error_reason());
        }
        const ws::ClientHandshakeCheck check = ws::check_server_response(parser.head(), hs, options_.protocols);
        if (log_.tracing()) {
            std::string text = "checks of the answer:";
            for (const auto& step : check.steps) text += "\n  " + step;
            log_.trace(text);
        }
        if (!check.ok) throw std::runtime_error("handshake rejected: " + check.reason);
        // Whatever followed the blank line is the start of the first frame: keep it.
        co_return in;
    }
}

void Client::print(const ws::Event& event) {
    using Kind = ws::Event::Kind;
    switch (event.kind) {
    case Kind::text: std::cout << event.data << std::endl; break;
    case Kind::binary:
        std::cout << "binary " << event.data.size() << " bytes: " << lesson04::hex_bytes(event.data, binary_hex_shown) << std::endl;
        break;
    case Kind::ping: log_.verbose("ping received (", event.data.size(), " bytes): pong sent"); break;
    case Kind::pong: std::cout << "pong: " << event.data << std::endl; break;
    case Kind::close:
        std::cout << "close: " << event.code << (event.data.empty() ? "" : " ") << event.data << std::endl;
        log_.verbose("the server closed with ", event.code, " (", ws::close_code_name(event.code), ")");
        break;
    case Kind::error:
        log_.info("the server broke the protocol: ", event.data, "; closing with ", event.code);
        break;
    case Kind::none: break;
    }
}

void Client::begin_close(std::uint16_t code, std::string_view reason) {
    if (conn_->close(code, reason)) {
        timeout_reason_ = "the server did not answer our close";
        arm(close_timeout);
        wake_writer();
    }
}

void Client::on_line(std::string_view line) {
    ws::Connection& conn = *conn_;
    const auto word_end = line.find(' ');
    const std::string_view command = line.substr(0, word_end);
    const std::string_view arg = word_end == std::string_view::npos ? std::string_view{} : line.substr(word_end + 1);
    ws::RandomSource random;
    const ws::MaskKey key = random.mask_key();
    std::string raw;
    if (line.empty() || line[0] != '/') {
        conn.send_text(line);
    } else if (line.starts_with("//")) {
        conn.send_text(line.substr(1));
    } else if (command == "/help") {
        print_help();
    } else if (command == "/ping") {
        if (arg.size() > ws::max_control_payload) std::cerr << "a ping carries at most 125 bytes (try /bigping)\n";
        else conn.send_ping(arg);
    } else if (command == "/close" || command == "/quit") {
        int code = ws::close_code::normal;
        std::string_view reason;
        if (command == "/close" && !arg.empty()) {
            const auto space = arg.find(' ');
            const std::string_view code_text = arg.substr(0, space);
            const auto [end, ec] = std::from_chars(code_text.data(), code_text.data() + code_text.size(), code);
            if (ec != std::errc{} || end != code_text.data() + code_text.size() || code < 0 || code > 65535) {
                std::cerr << "usage: /close [code [reason]], code 0..65535\n";
                return;
            }
            if (space != std::string_view::npos) reason = arg.substr(space + 1);
        }
        if (reason.size() > 123) {
            std::cerr << "a close reason is at most 123 bytes\n";
            return;
        }
        begin_close(static_cast<std::uint16_t>(code), reason);
    } else if (command == "/binary") {
        conn.send_binary(arg);
    } else if (command == "/frag") {
        const auto space = arg.find(' ');
        const std::string_view count_text = arg.substr(0, space);
        const std::string_view text = space == std::string_view::npos ? std::string_view{} : arg.substr(space + 1);
        std::size_t n = 0;
        const auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), n);
        if (ec != std::errc{} || end != count_text.data() + count_text.size() || n < 1 || n > 1000) {
            std::cerr << "usage: /frag N TEXT, with 1 <= N <= 1000\n";
            return;
        }
        // N pieces of nearly equal size; a piece may end inside a UTF-8 sequence: that is allowed,
        // only the whole message must be valid UTF-8.
        for (std::size_t i = 0; i < n; ++i) {
            const std::string_view piece = text.substr(text.size() * i / n, text.size() * (i + 1) / n - text.size() * i / n);
            conn.send_frame(i == 0 ? ws::Opcode::text : ws::Opcode::continuation, piece, i + 1 == n);
        }
    } else if (command == "/unmasked") {
        ws::append_frame(raw, ws::Opcode::text, arg, true, nullptr);
    } else if (command == "/rsv") {
        ws::append_frame(raw, ws::Opcode::text, arg, true, &key);
        raw[0] = static_cast<char>(raw[0] | 0x40);  // RSV1
    } else if (command == "/bigping") {
        ws::append_frame(raw, ws::Opcode::ping, std::string(126, 'p'), true, &key);
    } else if (command == "/badclose") {
        ws::append_frame(raw, ws::Opcode::close, std::string(1, '\x03'), true, &key);
    } else if (command == "/badutf8") {
        ws::append_frame(raw, ws::Opcode::text, "\xC3\x28", true, &key);
    } else if (command == "/raw") {
        const auto bytes = parse_hex(arg);
        if (!bytes || bytes->empty()) {
            std::cerr << "usage: /raw HEX, e.g. /raw 81 00\n";
            return;
        }
        raw = *bytes;
    } else {
        std::cerr << "unknown command " << command << " (try /help; //text sends \"/text\")\n";
        return;
    }
    if (!raw.empty()) {
        log_.info("sending a deliberate protocol violation: ", lesson04::hex_bytes(raw, 16), raw.size() > 16 ? " ..." : "");
        conn.send_raw(raw);
    }
    wake_writer();
}

awaitable<void> Client::stdin_loop() {
    std::error_code ec;
    stdin_.assign(::dup(STDIN_FILENO), ec);  // a copy: closing ours leaves the real stdin alone
    if (ec) {
        log_.info("cannot read stdin: ", ec.message());
        co_return;
    }
    course::LineSplitter lines(max_stdin_line);
    std::vector<char> buffer(4096);
    while (!done_) {
        const std::size_t n = co_await stdin_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;  // end of input, or closed because we are done
        lines.push({buffer.data(), n});
        while (auto event = lines.pop()) {
            if (event->kind == course::LineEvent::Kind::too_long) {
                std::cerr << "line too long, skipped\n";
            } else if (conn_->state() == ws::Connection::State::open) {
                on_line(event->text);
                if (event->text == "/quit") co_return;
            }
        }
    }
    if (!done_) begin_close(ws::close_code::normal, {});  // end of input: say goodbye properly
}

awaitable<void> Client::writer() {
    while (!done_) {
        if (!conn_->has_output()) {
            wake_.expires_at(steady_clock::time_point::max());
            std::error_code ec;
            co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        // Take a copy: the others may queue more frames (and move the buffer) while we write.
        std::string batch(conn_->pending_output());
        conn_->consume_output(batch.size());
        try {
            co_await write_chunked(std::move(batch));
        } catch (const std::system_error& e) {
            log_.verbose("write failed: ", e.code().message());
            co_return;  // the reader sees the connection end too
        }
    }
}

awaitable<void> Client::reader(std::string_view leftover) {
    std::string_view in = leftover;
    for (;;) {
        while (const ws::Event event = conn_->receive(in)) {
            print(event);
            if (event.kind == ws::Event::Kind::error) exit_code_ = EXIT_FAILURE;
        }
        wake_writer();
        if (conn_->should_close_tcp() && deadline_ == steady_clock::time_point::max()) {
            timeout_reason_ = "the server did not close the TCP connection after the closing handshake";
            arm(close_timeout);  // RFC 6455 7.1.1: the server closes TCP first; wait for it, not forever
        }
        std::error_code ec;
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer_), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (conn_->should_close_tcp() && ec == asio::error::eof) {
                if (conn_->received_close_code() != 0 && conn_->sent_close_code() != 0) exit_code_ = EXIT_SUCCESS;
            } else if (timeout_reason_.ends_with("(timeout)")) {
                log_.info(timeout_reason_);
            } else {
                log_.info("connection lost without a closing handshake (1006): ", ec.message());
            }
            co_return;
        }
        in = std::string_view(buffer_.data(), n);
    }
}

awaitable<void> Client::run() {
    try {
        co_await session();
    } catch (const std::exception&) {
        shut_down();  // stop the watchdog and the rest, so that io.run() returns at once
        throw;        // main reports it
    }
    shut_down();
}

void Client::shut_down() {
    done_ = true;
    std::error_code ec;
    stdin_.close(ec);
    socket_.close(ec);
    signals_.cancel();
    wake_.cancel();
    timer_.cancel();
}

awaitable<void> Client::session() {
    arm(options_.timeout);
    asio::co_spawn(io_, watchdog(), report_failure());
    co_await connect();
    const std::string_view leftover = co_await handshake();
    deadline_ = steady_clock::time_point::max();  // open: wait for as long as the user likes
    timeout_reason_.clear();
    log_.info("connected to ws://", options_.url.host_header, options_.url.target, " (type /help for commands)");

    conn_.emplace(ws::Role::client);
    if (log_.tracing()) conn_->set_frame_observer([this](const ws::FrameTrace& f) { log_.trace(lesson04::describe_frame(f)); });
    // `this` is safe in these handlers: main() keeps the Client alive until io.run() returns.
    signals_.async_wait(log_, [this] {
        if (!done_) begin_close(ws::close_code::going_away, "client interrupted");
    });
    asio::co_spawn(io_, writer(), report_failure());
    asio::co_spawn(io_, stdin_loop(), report_failure());
    co_await reader(leftover);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 04: a terminal WebSocket client. Sends stdin lines as text messages, prints what arrives",
                 "04-ws-client"};
    course::CommonOptions options;
    options.port = 7004;
    course::add_common_options(app, options, course::Role::client);
    std::string url;
    ClientOptions client;
    double timeout_seconds = 10;
    app.add_option("url", url, "ws://host:port/path (default: ws://HOST:PORT/ws from --host and --port)");
    app.add_option("--chunk", client.chunk, "write everything, the handshake included, in pieces of N bytes")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    app.add_option("--timeout", timeout_seconds, "seconds to connect and complete the handshake")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--origin", client.origin, "send this Origin header (as a browser would)");
    app.add_option("--protocol", client.protocols, "offer this subprotocol (repeat for several)");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        if (url.empty()) url = "ws://" + course::format_endpoint(asio::ip::make_address(options.host), options.port) + "/ws";
        try {
            client.url = ws::parse_ws_url(url);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(e.what());
        }
        client.timeout = std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
        course::Logger log(options.log_level());
        asio::io_context io(1);
        Client ws_client(io, client, log);
        std::exception_ptr failure;
        asio::co_spawn(io, ws_client.run(), [&](std::exception_ptr e) { failure = e; });
        io.run();
        if (failure) std::rethrow_exception(failure);
        return ws_client.exit_code();
    });
}
