// 05-chat-client: a terminal client for 05-chat-server. Shows what arrives as readable lines on
// stdout while it reads your lines from stdin: text is a chat message, /nick NAME renames you,
// /who lists who is online, /quit (or end of input) leaves.
//
// One thread, three coroutines sharing one ws::Connection (lesson 04): the reader (socket ->
// events -> lines), the writer (the only one that writes to the socket) and the stdin reader.
// The handshake is lesson05::connect_websocket (ws_connect.hpp).

#include "client_view.hpp"
#include "trace.hpp"
#include "ws/connection.hpp"
#include "ws/handshake.hpp"
#include "ws/utf8.hpp"
#include "ws_connect.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/line_splitter.hpp"
#include "common/stop_signals.hpp"

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // GCC 12 false positive (lesson 04)

namespace {

using asio::awaitable;
using asio::ip::tcp;
using std::chrono::steady_clock;

constexpr std::size_t read_buffer_size = 16 * 1024;  // bytes per socket read
constexpr std::size_t max_line = 64 * 1024;          // longer stdin lines are skipped
constexpr auto close_timeout = std::chrono::seconds(5);  // for the server to finish closing

void print_help() {
    std::cerr << "Type a line to send it. Commands:\n"
                 "  /nick NAME   choose your name (letters, digits, _ - .)\n"
                 "  /who         who is online\n"
                 "  //text       send \"/text\"\n"
                 "  /quit        leave (so does end of input, Ctrl-D)\n";
}

class ChatClient {
public:
    ChatClient(asio::io_context& io, ws::WsUrl url, std::string origin, bool show_time, course::Logger& log)
        : io_(io), url_(std::move(url)), origin_(std::move(origin)), show_time_(show_time), log_(log), socket_(io),
          stdin_(io), wake_(io), timer_(io), signals_(io) {}

    awaitable<void> run();
    int exit_code() const noexcept { return exit_code_; }

private:
    awaitable<void> reader(std::string leftover);
    awaitable<void> writer();
    awaitable<void> stdin_loop();
    awaitable<void> watchdog();
    void begin_close(std::uint16_t code, std::string_view reason);
    void shut_down();

    asio::io_context& io_;
    ws::WsUrl url_;
    std::string origin_;
    bool show_time_;
    course::Logger& log_;
    tcp::socket socket_;
    asio::posix::stream_descriptor stdin_;
    asio::steady_timer wake_;   // the writer sleeps on it until there is something to send
    asio::steady_timer timer_;  // the close timeout
    course::StopSignals signals_;  // SIGINT, SIGTERM, SIGHUP: close with 1001, exit 0
    std::optional<ws::Connection> conn_;
    bool done_ = false;
    int exit_code_ = EXIT_FAILURE;
};

void ChatClient::begin_close(std::uint16_t code, std::string_view reason) {
    if (!conn_->close(code, reason)) return;
    wake_.cancel();
    // RFC 6455 7.1.1: the server closes TCP after the closing handshake; don't wait forever.
    timer_.expires_after(close_timeout);
    asio::co_spawn(io_, watchdog(), asio::detached);
}

awaitable<void> ChatClient::watchdog() {
    std::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || done_) co_return;
    log_.info("the server did not finish closing in time");
    socket_.close(ec);
}

awaitable<void> ChatClient::writer() {
    while (!done_) {
        if (!conn_->has_output()) {
            wake_.expires_at(steady_clock::time_point::max());
            std::error_code ec;
            co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        // A copy: the others may queue more frames (and move the buffer) while we write.
        std::string batch(conn_->pending_output());
        conn_->consume_output(batch.size());
        std::error_code ec;
        co_await asio::async_write(socket_, asio::buffer(batch), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;  // the reader sees the connection end too
    }
}

awaitable<void> ChatClient::stdin_loop() {
    std::error_code ec;
    stdin_.assign(::dup(STDIN_FILENO), ec);  // a copy: closing ours leaves the real stdin alone
    if (ec) co_return;
    course::LineSplitter lines(max_line);
    std::vector<char> buffer(4096);
    while (!done_) {
        const std::size_t n = co_await stdin_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;  // end of input, or closed because we are done
        lines.push({buffer.data(), n});
        while (auto event = lines.pop()) {
            if (event->kind == course::LineEvent::Kind::too_long) {
                std::cerr << "line too long, not sent\n";
                continue;
            }
            if (conn_->state() != ws::Connection::State::open) continue;
            const lesson05::InputLine input = lesson05::interpret_input(event->text);
            switch (input.kind) {
            case lesson05::InputLine::Kind::send:
                if (!ws::is_valid_utf8(input.message)) std::cerr << "that line is not UTF-8; not sent\n";
                else conn_->send_text(input.message);
                break;
            case lesson05::InputLine::Kind::quit: begin_close(ws::close_code::normal, {}); co_return;
            case lesson05::InputLine::Kind::help: print_help(); break;
            case lesson05::InputLine::Kind::unknown: std::cerr << "unknown command " << input.message << " (try /help)\n"; break;
            case lesson05::InputLine::Kind::empty: break;
            }
        }
        wake_.cancel();
    }
    if (!done_) begin_close(ws::close_code::normal, {});  // end of input: say goodbye properly
}

awaitable<void> ChatClient::reader(std::string leftover) {
    std::vector<char> buffer(read_buffer_size);
    std::string_view in = leftover;
    for (;;) {
        while (const ws::Event event = conn_->receive(in)) {
            using Kind = ws::Event::Kind;
            if (event.kind == Kind::text) {
                std::cout << lesson05::describe_server_event(event.data, show_time_) << std::endl;
            } else if (event.kind == Kind::close) {
                log_.info("the server closed the chat: ", event.code, " (", ws::close_code_name(event.code), ")",
                          event.data.empty() ? "" : ": ", event.data);
            } else if (event.kind == Kind::error) {
                log_.info("the server broke the protocol: ", event.data, "; closing with ", event.code);
            }
        }
        wake_.cancel();  // pongs and close answers go out
        std::error_code ec;
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (conn_->should_close_tcp() && ec == asio::error::eof) {
                if (conn_->received_close_code() != 0 && conn_->sent_close_code() != 0) exit_code_ = EXIT_SUCCESS;
            } else {
                log_.info("connection lost without a closing handshake (1006): ", ec.message());
            }
            co_return;
        }
        in = std::string_view(buffer.data(), n);
    }
}

void ChatClient::shut_down() {
    done_ = true;
    std::error_code ec;
    stdin_.close(ec);
    socket_.close(ec);
    signals_.cancel();
    wake_.cancel();
    timer_.cancel();
}

awaitable<void> ChatClient::run() {
    try {
        const std::string leftover = co_await lesson05::connect_websocket(socket_, url_, origin_, &log_);
        log_.info("connected to ws://", url_.host_header, url_.target);
        conn_.emplace(ws::Role::client);
        if (log_.tracing()) conn_->set_frame_observer([this](const ws::FrameTrace& f) { log_.trace(lesson04::describe_frame(f)); });
        // `this` is safe in these handlers: main() keeps the client alive until io.run() returns.
        signals_.async_wait(log_, [this] {
            if (!done_) begin_close(ws::close_code::going_away, "client interrupted");
        });
        asio::co_spawn(io_, writer(), asio::detached);
        asio::co_spawn(io_, stdin_loop(), asio::detached);
        co_await reader(leftover);
    } catch (const std::exception&) {
        shut_down();
        throw;  // main reports it
    }
    shut_down();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 05: a terminal client for 05-chat-server. Type to chat; /nick NAME, /who, /quit",
                 "05-chat-client"};
    course::CommonOptions options;
    options.port = 7005;
    course::add_common_options(app, options, course::Role::client);
    std::string url, origin;
    bool no_time = false;
    app.add_option("url", url, "ws://host:port/ws (default: from --host and --port)");
    app.add_option("--origin", origin, "send this Origin header (a server with --allowed-origin checks it)");
    app.add_flag("--no-time", no_time, "print messages without their time");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        if (url.empty()) url = "ws://" + course::format_endpoint(asio::ip::make_address(options.host), options.port) + "/ws";
        ws::WsUrl parsed;
        try {
            parsed = ws::parse_ws_url(url);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(e.what());
        }
        course::Logger log(options.log_level());
        asio::io_context io(1);
        ChatClient client(io, parsed, origin, !no_time, log);
        std::exception_ptr failure;
        asio::co_spawn(io, client.run(), [&](std::exception_ptr e) { failure = e; });
        io.run();
        if (failure) std::rethrow_exception(failure);
        return client.exit_code();
    });
}
