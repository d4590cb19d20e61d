#include "terminal_client.hpp"

#include "trace.hpp"

#include "common/line_splitter.hpp"
#include "common/report_exceptions.hpp"

#include <unistd.h>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <iostream>

namespace lesson04 {

using asio::awaitable;
using std::chrono::steady_clock;

namespace {

// For the helper coroutines: an exception is reported and ends the session, never dropped.
auto report_failure(course::Logger& log, TerminalClient& client) {
    return [report = course::report_exceptions(log, "terminal client"),
            &client](const std::exception_ptr& error) {
        report(error);
        if (error) client.begin_close(ws::close_code::internal_error, "client error");
    };
}

}  // namespace

TerminalClient::TerminalClient(asio::io_context& io, TerminalClientOptions options, Behaviour& behaviour,
                               course::Logger& log)
    : io_(io), options_(std::move(options)), behaviour_(behaviour), log_(log), socket_(io),
      connector_(socket_), stdin_(io), wake_(io), close_timer_(io), signals_(io) {}

void TerminalClient::on_stop_signal() {
    if (done_) return;
    if (connector_.connecting()) {
        connector_.cancel();  // run() ends quietly, with exit code 0
    } else if (conn_) {
        begin_close(ws::close_code::going_away, "client interrupted");
    }
}

void TerminalClient::begin_close(std::uint16_t code, std::string_view reason) {
    if (done_ || !conn_) return;
    conn_->close(code, reason);
    after_queueing();
}

void TerminalClient::after_queueing() {
    wake_writer();
    // Closing (whoever started it): RFC 6455 7.1.1 has the server close TCP after the closing
    // handshake. Wait for that, but not forever.
    if (conn_->state() == ws::Connection::State::open || close_watch_ == CloseWatch::armed) return;
    close_watch_ = CloseWatch::armed;
    close_timer_.expires_after(options_.close_timeout);
    asio::co_spawn(io_, close_watchdog(), report_failure(log_, *this));
}

awaitable<void> TerminalClient::close_watchdog() {
    std::error_code ec;
    co_await close_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || done_) co_return;
    log_.info("the server did not finish closing within the timeout");
    socket_.close(ec);  // the reader's pending read fails and ends the session
}

awaitable<void> TerminalClient::write_chunked(std::string_view bytes) {
    // --chunk N: N bytes per write, each its own TCP segment (TCP_NODELAY), to show that the
    // server copes however the stream is cut.
    const std::size_t step = options_.chunk == 0 ? bytes.size() : options_.chunk;
    for (std::size_t at = 0; at < bytes.size(); at += step) {
        std::error_code ec;
        co_await asio::async_write(socket_, asio::buffer(bytes.substr(at, step)),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) throw std::system_error(ec, "write");
    }
}

awaitable<void> TerminalClient::writer() {
    while (!done_) {
        if (!conn_->has_output()) {
            wake_.expires_at(steady_clock::time_point::max());
            std::error_code ec;
            co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        // A copy: the others may queue more frames (and move the buffer) while we write.
        const std::string batch(conn_->pending_output());
        conn_->consume_output(batch.size());
        try {
            co_await write_chunked(batch);
        } catch (const std::system_error& e) {
            log_.verbose("write failed: ", e.code().message());
            co_return;  // the reader sees the connection end too
        }
    }
}

awaitable<void> TerminalClient::stdin_loop() {
    std::error_code ec;
    stdin_.assign(::dup(STDIN_FILENO), ec);  // a copy: closing ours leaves the real stdin alone
    if (ec) {
        log_.info("cannot read stdin: ", ec.message());
        co_return;
    }
    course::LineSplitter lines(options_.max_line);
    std::vector<char> buffer(4096);
    while (!done_) {
        const std::size_t n = co_await stdin_.async_read_some(asio::buffer(buffer),
                                                              asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;  // end of input, or closed because we are done
        lines.push({buffer.data(), n});
        while (auto event = lines.pop()) {
            if (event->kind == course::LineEvent::Kind::too_long) {
                std::cerr << "line longer than " << options_.max_line << " bytes, not sent\n";
                continue;
            }
            if (conn_->state() != ws::Connection::State::open) continue;
            const Behaviour::LineResult result = behaviour_.on_line(event->text, *conn_);
            if (result == Behaviour::LineResult::quit) conn_->close(ws::close_code::normal, {});
            after_queueing();
            if (result == Behaviour::LineResult::quit) co_return;
        }
    }
    if (!done_) begin_close(ws::close_code::normal, {});  // end of input: say goodbye properly
}

awaitable<void> TerminalClient::reader(std::string leftover) {
    std::vector<char> buffer(options_.read_buffer_size);
    std::string_view in = leftover;
    for (;;) {
        while (const ws::Event event = conn_->receive(in)) {
            if (event.kind == ws::Event::Kind::error) server_broke_protocol_ = true;
            behaviour_.on_event(event);
        }
        after_queueing();  // pongs and the answer to a close go out
        std::error_code ec;
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer),
                                                               asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            // The stream ended: after the closing handshake that is the normal end; before
            // it, the connection was lost (1006).
            const ws::Event end = conn_->receive_eof();
            if (end) log_.info(end.data, " (", end.code, "): ", ec.message());
            else if (!server_broke_protocol_) exit_code_ = 0;
            co_return;
        }
        in = std::string_view(buffer.data(), n);
    }
}

void TerminalClient::shut_down() {
    done_ = true;
    std::error_code ec;
    stdin_.close(ec);
    socket_.close(ec);
    signals_.cancel();
    wake_.cancel();
    close_timer_.cancel();
}

awaitable<void> TerminalClient::session() {
    // Signals first: Ctrl-C must work while connecting too.
    signals_.async_wait(log_, [this] { on_stop_signal(); });
    Connected connected;
    try {
        connected = co_await connector_.connect(options_.url, options_.connect);
    } catch (const ConnectCancelled&) {
        exit_code_ = 0;  // the user asked to stop: not a failure
        co_return;
    }
    log_.info("connected to ws://", options_.url.host_header, options_.url.target,
              options_.connected_note.empty() ? "" : " (" + options_.connected_note + ")");
    conn_.emplace(ws::Role::client, options_.connection);
    if (log_.tracing())
        conn_->set_frame_observer([this](const ws::FrameTrace& f) { log_.trace(describe_frame(f)); });
    // `this` is safe in these coroutines: run_terminal_client() keeps the client alive until
    // io.run() returns.
    asio::co_spawn(io_, writer(), report_failure(log_, *this));
    asio::co_spawn(io_, stdin_loop(), report_failure(log_, *this));
    co_await reader(std::move(connected.leftover));
}

awaitable<void> TerminalClient::run() {
    try {
        co_await session();
    } catch (const std::exception&) {
        shut_down();  // stop the others, so that io.run() returns at once
        throw;        // main reports it
    }
    shut_down();
}

ws::WsUrl client_url(const std::string& url, const std::string& host, std::uint16_t port) {
    return ws::parse_ws_url(url.empty() ? ws::make_ws_url(host, port) : url);
}

int run_terminal_client(TerminalClientOptions options, Behaviour& behaviour, course::Logger& log) {
    options.connect.log = &log;
    options.connect.chunk = options.chunk;
    asio::io_context io(1);
    TerminalClient client(io, std::move(options), behaviour, log);
    std::exception_ptr failure;
    asio::co_spawn(io, client.run(), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return client.exit_code();
}

}  // namespace lesson04
