// HTTP/1.1 on a persistent connection: the keep-alive loop that frames requests with
// feed::RequestReader and answers each in order (pipelined ones too), and the answers that are
// over at once: the page, a short poll, a publish, the counters, an error. Long polls and the
// streams have files of their own.
#include "connection.hpp"
#include "page.hpp"
#include "trace.hpp"

#include "feed/event_log.hpp"
#include "feed/route.hpp"
#include "ws/utf8.hpp"

#include <sys/resource.h>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace lesson07 {

using asio::awaitable;

namespace {

constexpr std::size_t max_poll_events = 1000;  // events in one poll answer; ask again for more
// The page is HTML, and a browser must not guess otherwise (its Content-Security-Policy is in
// the document itself: page.cpp).
constexpr std::string_view page_headers = "X-Content-Type-Options: nosniff\r\n";
constexpr std::size_t retained_pending = 4096;  // capacity the pipelining buffer keeps

feed::Mode mode_of(feed::Route::Kind kind) {
    switch (kind) {
    case feed::Route::Kind::poll: return feed::Mode::poll;
    case feed::Route::Kind::long_poll: return feed::Mode::long_poll;
    case feed::Route::Kind::sse: return feed::Mode::sse;
    case feed::Route::Kind::websocket: return feed::Mode::websocket;
    default: return feed::Mode::other;
    }
}

// The server process' CPU time, user and system, in microseconds (for /stats).
std::uint64_t cpu_microseconds() {
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    const auto us = [](const timeval& t) {
        return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(t.tv_usec);
    };
    return us(usage.ru_utime) + us(usage.ru_stime);
}

}  // namespace

awaitable<Connection::Handoff> Connection::serve_requests() {
    course::Logger& log = server_->log;
    std::string_view in = pending_;
    for (;;) {
        const auto result = reader_->push(in);
        switch (result) {
        case feed::RequestReader::Result::continue_100:
            send(Piece{std::make_shared<const std::string>(feed::continue_response()),
                       static_cast<std::uint32_t>(feed::continue_response().size()), 0, mode_, false});
            flush();
            continue;
        case feed::RequestReader::Result::error:
            log.info(label(), ": bad request: ", reader_->error_status(), " ", reader_->error_reason());
            enter(Phase::answering);
            respond(feed::error_response(reader_->error_status(), reader_->error_reason(), false));
            co_return Handoff{};  // then draining
        case feed::RequestReader::Result::request: {
            pending_ = std::string(in);  // the next request's bytes; `in` may view the shared buffer
            if (pending_.empty() && pending_.capacity() > retained_pending) std::string().swap(pending_);
            bool keep_alive = true;
            Handoff next = take_request(keep_alive);
            // A stream is the connection's last phase: run() serves it once this loop's frame is
            // gone, so an idle stream holds no frame of the request loop.
            if (next.kind == Handoff::Kind::sse || next.kind == Handoff::Kind::websocket) co_return next;
            if (next.kind == Handoff::Kind::long_poll)
                co_await long_poll(next.after, next.wait, next.keep_alive);
            if (phase_ != Phase::answering) co_return Handoff{};  // the client is gone
            if (!keep_alive || server_->stopping) co_return Handoff{};
            if (!co_await wait_sent()) co_return Handoff{};
            in = pending_;
            continue;
        }
        case feed::RequestReader::Result::incomplete: break;
        }
        // Every byte so far is consumed: read more, under the idle or request timeout (on_tick).
        enter(Phase::request);
        std::error_code ec;
        const std::size_t n = co_await read_some(ec);
        if (ec) {
            if (phase_ == Phase::request) {
                if (reader_->mid_request())
                    log.verbose(label(), ": gone in the middle of a request (", ec.message(), ")");
                abort(nullptr);
            }
            co_return Handoff{};  // the client left, or the sweep ended the request (408)
        }
        if (!reader_->mid_request()) request_started_ = clock::now();
        in = std::string_view(server_->read_buffer.data(), n);
        if (log.tracing()) log.trace(label(), ": ", lesson04::describe_read(in));
    }
}

Connection::Handoff Connection::dispatch(const feed::Request& request) {
    FeedServer::State& server = *server_;
    const feed::Route route = feed::route(request.head, feed::RouteLimits{server.config.max_wait});
    const bool keep_alive = request.keep_alive && !server.stopping;
    set_mode(mode_of(route.kind));
    ++server.stats[mode_].requests;
    server.log.verbose(label(), ": ", request.head.method, " ", request.head.target);
    enter(Phase::answering);
    switch (route.kind) {
    case feed::Route::Kind::page:
        respond(
            feed::http_response(200, "text/html; charset=utf-8", feed_page_html(), keep_alive, page_headers));
        return {};
    case feed::Route::Kind::poll: {
        // Without after= a poller joins at the present: the newest event only.
        std::vector<feed::EventPtr> events;
        if (route.after) events = server.events.after(*route.after, max_poll_events).events;
        else if (auto newest = server.events.newest()) events.push_back(std::move(newest));
        respond(feed::json_response(200, feed::events_json_array(events), keep_alive),
                static_cast<std::uint32_t>(events.size()));
        return {};
    }
    case feed::Route::Kind::long_poll:
        return {Handoff::Kind::long_poll, route.after, route.wait, keep_alive, {}};
    case feed::Route::Kind::sse: return {Handoff::Kind::sse, route.after, {}, false, {}};
    case feed::Route::Kind::websocket: {
        ws::HandshakeResult handshake = ws::evaluate_handshake(request.head, server.handshake);
        if (server.log.tracing()) {
            std::string text = label() + ": opening handshake, checks in order:";
            for (const auto& step : handshake.steps) text += "\n  " + step;
            server.log.trace(text);
        }
        if (handshake.accepted())
            return {Handoff::Kind::websocket, {}, {}, false, std::move(handshake.response)};
        server.log.info(label(), ": handshake refused: ", handshake.status, " ", handshake.reason);
        // lesson 04's refusal says Connection: close: the loop ends after it.
        const auto size = static_cast<std::uint32_t>(handshake.response.find("\r\n\r\n") + 4);
        send(Piece{std::make_shared<const std::string>(std::move(handshake.response)), size, 0, mode_, true});
        flush();
        enter(Phase::draining);
        return {};
    }
    case feed::Route::Kind::publish: publish_from(request, keep_alive); return {};
    case feed::Route::Kind::stats:
        respond(feed::json_response(200, server.stats.to_json(server.events.last_id(), cpu_microseconds()),
                                    keep_alive));
        return {};
    case feed::Route::Kind::error:
        server.log.verbose(label(), ": ", route.status, " ", route.reason);
        respond(feed::error_response(route.status, route.reason, keep_alive, route.allow));
        return {};
    }
    return {};
}

Connection::Handoff Connection::take_request(bool& keep_alive) {
    // The request lives here only: no coroutine frame keeps its headers while a stream lasts.
    const feed::Request request = reader_->take();
    keep_alive = request.keep_alive;
    return dispatch(request);
}

void Connection::publish_from(const feed::Request& request, bool keep_alive) {
    // The request reader has already refused a body over 4 KiB (413).
    if (request.body.empty()) {
        respond(feed::error_response(400, "the body (the event's text) is empty", keep_alive));
    } else if (!ws::is_valid_utf8(request.body)) {
        respond(feed::error_response(400, "the body is not valid UTF-8", keep_alive));
    } else {
        const feed::EventPtr event = server_->publish(request.body);
        respond(feed::json_response(202, "{\"id\":" + std::to_string(event->id) + "}", keep_alive));
    }
}

void Connection::respond(feed::Response response, std::uint32_t events) {
    const auto head_size = static_cast<std::uint32_t>(response.head_size);
    send(Piece{std::make_shared<const std::string>(std::move(response.bytes)), head_size, events, mode_,
               true});
    flush();
}

awaitable<bool> Connection::wait_sent() {
    while (phase_ == Phase::answering && !queue_.empty()) {
        // flush() cancels the timer once the queue is empty; abort() and stop() do too.
        wakeup_.expires_at(clock::time_point::max());
        std::error_code ec;
        co_await wakeup_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return phase_ == Phase::answering;
}

void Connection::time_out_request() {
    server_->log.info(label(), ": request not complete within the request timeout: 408");
    enter(Phase::answering);
    respond(feed::error_response(408, "the request took too long to arrive", false));
    enter(Phase::draining);
    socket_.cancel();  // wakes serve_requests' read: it ends, and run() drains
}

}  // namespace lesson07
