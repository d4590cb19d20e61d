#pragma once
// The skeleton of a terminal WebSocket client, shared by 04-ws-client and 05-chat-client: it
// connects (ws_connect.hpp), reads lines from stdin, writes what the ws::Connection queues,
// reads the server's frames, closes properly at the end of input or on Ctrl-C, and gives the
// exit code. What a client shows and what its lines mean are its own: the Behaviour.
//
// One thread, four coroutines sharing one ws::Connection:
//   reader   socket -> ws::Connection -> Behaviour::on_event
//   writer   the only one that writes to the socket: whatever the connection has queued
//   stdin    lines -> Behaviour::on_line (which queues frames) -> wakes the writer
//   watchdog after we start closing, waits at most close_timeout for the server to finish
// and a signal handler: Ctrl-C (SIGINT), SIGTERM or SIGHUP cancels the connect if it is still
// in progress, or starts the closing handshake with 1001 "going away" once open.
//
// Exit code: 0 once the closing handshake completed (whoever started it) and the server broke
// no rule; 0 after Ctrl-C during the connect; 1 otherwise (refused, lost, protocol error).

#include "ws/connection.hpp"
#include "ws/url.hpp"
#include "ws_connect.hpp"

#include "common/logger.hpp"
#include "common/stop_signals.hpp"

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lesson04 {

// What one client makes of its lines and of the server's events.
class Behaviour {
public:
    virtual ~Behaviour() = default;
    enum class LineResult { keep_reading, quit };
    // A line typed on stdin (without its newline), while the connection is open. Queue frames
    // on `conn`, or print help or an error to stderr. `quit` stops reading and closes with 1000.
    virtual LineResult on_line(std::string_view line, ws::Connection& conn) = 0;
    // An event from the server: a message, ping, pong, its close, or its protocol violation
    // (the connection has already queued the close with the right code).
    virtual void on_event(const ws::Event& event) = 0;
};

struct TerminalClientOptions {
    ws::WsUrl url;
    ConnectOptions connect;  // origin, subprotocols, --connect-timeout, --chunk for the request
    std::size_t chunk = 0;   // also write every frame in pieces of this size (0: whole)
    std::chrono::steady_clock::duration close_timeout = std::chrono::seconds(5);
    std::size_t max_line = 64 * 1024;                        // a longer stdin line is skipped, with a note
    std::size_t read_buffer_size = 16 * 1024;                // bytes per socket read
    ws::ConnectionOptions connection;                        // the largest message we accept
    std::string connected_note = "type /help for commands";  // after "connected to URL", if any
};

// The URL a client was given on its command line, or, when that is empty, ws://HOST:PORT/ws
// from --host and --port. Throws std::invalid_argument with the reason for a bad one.
ws::WsUrl client_url(const std::string& url, const std::string& host, std::uint16_t port);

// A whole terminal client, as main() runs it: a TerminalClient on an io_context of its own (one
// thread) until the session ends. options.connect's log and chunk are set from `log` and
// options.chunk. Returns the exit code; throws what ended the session with an error (a failed
// connect: ConnectError), for main to report.
int run_terminal_client(TerminalClientOptions options, Behaviour& behaviour, course::Logger& log);

class TerminalClient {
public:
    TerminalClient(asio::io_context& io, TerminalClientOptions options, Behaviour& behaviour,
                   course::Logger& log);

    // Runs the whole session; throws ConnectError if the connection could not be made.
    asio::awaitable<void> run();
    int exit_code() const noexcept { return exit_code_; }

    // Starts the closing handshake (if the connection is still open) and bounds its wait.
    void begin_close(std::uint16_t code, std::string_view reason);

private:
    asio::awaitable<void> session();
    asio::awaitable<void> reader(std::string leftover);
    asio::awaitable<void> writer();
    asio::awaitable<void> stdin_loop();
    asio::awaitable<void> close_watchdog();
    asio::awaitable<void> write_chunked(std::string_view bytes);
    void on_stop_signal();
    // Frames were queued: wake the writer, and once closing, start the close timeout.
    void after_queueing();
    void wake_writer() { wake_.cancel(); }
    void shut_down();

    asio::io_context& io_;
    TerminalClientOptions options_;
    Behaviour& behaviour_;
    course::Logger& log_;
    asio::ip::tcp::socket socket_;
    WebSocketConnector connector_;
    asio::posix::stream_descriptor stdin_;
    asio::steady_timer wake_;  // the writer sleeps on it until there is something to send
    asio::steady_timer close_timer_;
    course::StopSignals signals_;
    std::optional<ws::Connection> conn_;
    enum class CloseWatch { idle, armed };
    CloseWatch close_watch_ = CloseWatch::idle;
    bool done_ = false;
    bool server_broke_protocol_ = false;
    int exit_code_ = 1;
};

}  // namespace lesson04
