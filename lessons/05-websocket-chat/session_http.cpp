// The HTTP phase of a session: read the request head, route it with lesson 04's
// ws::route_request (the page, the opening handshake, or an error), and queue the answer. An
// accepted handshake is handed to serve_websocket (session_websocket.cpp), which sends the 101.
#include "session.hpp"

#include "trace.hpp"
#include "ws/http.hpp"
#include "ws/route.hpp"

namespace lesson05 {

using asio::awaitable;

awaitable<std::optional<Session::Upgrade>> Session::serve_http() {
    course::Logger& log = server_->log;
    ws::HttpParser parser(ws::HttpParser::Kind::request);
    for (;;) {  // until the head is complete, under the handshake deadline (on_tick)
        std::error_code ec;
        std::string_view in = co_await read_some(ec);
        if (ec) {
            if (state_ != State::done)
                log.verbose(label(), ": gone before the request was complete (", ec.message(), ")");
            abort(nullptr);
            co_return std::nullopt;
        }
        const std::string_view received = in;
        const auto result = parser.push(in);  // leaves in `in` what follows the head
        if (log.tracing()) {
            log.trace(label(), ": request bytes\n",
                      lesson04::describe_http_head("  > ", received.substr(0, received.size() - in.size())));
        }
        if (result == ws::HttpParser::Result::incomplete) continue;

        std::optional<ws::Route> extra;
        if (result != ws::HttpParser::Result::error && server_->config.extra_route)
            extra = server_->config.extra_route(parser.head());
        const ws::Route route = result == ws::HttpParser::Result::error
                                    ? ws::refuse_bad_request(parser.error_status(), parser.error_reason())
                                : extra ? std::move(*extra)
                                        : ws::route_request(parser.head(), server_->site);
        if (log.tracing() && route.handshake) {
            std::string text = label() + ": opening handshake, checks in order:";
            for (const auto& step : route.handshake->steps) text += "\n  " + step;
            log.trace(text);
        }
        switch (route.kind) {
        case ws::Route::Kind::upgrade:
            // Bytes after the head belong to the first frame: copied now, the read buffer is shared.
            co_return Upgrade{route.response, std::string(in)};
        case ws::Route::Kind::page: log.verbose(label(), ": ", route.summary); break;
        case ws::Route::Kind::refuse: log.info(label(), ": ", route.summary); break;
        }
        queue_.push(route.response, clock::now(),
                    WriteQueue::Bounds::exempt);  // the answer, then draining (run)
        co_return std::nullopt;
    }
}

}  // namespace lesson05
