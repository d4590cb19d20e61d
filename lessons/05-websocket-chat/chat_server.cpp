// The listener, the sweep timer and shutdown. Sessions are in session.cpp.
#include "chat_server.hpp"

#include "accept_loop.hpp"
#include "page.hpp"
#include "server_state.hpp"
#include "session.hpp"

#include "common/endpoint.hpp"
#include "common/listener.hpp"
#include "common/report_exceptions.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace lesson05 {

using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;       // the server's one read buffer
constexpr auto min_tick = std::chrono::milliseconds(20);  // sweep period bounds
constexpr auto max_tick = std::chrono::milliseconds(1000);
constexpr std::string_view busy_response =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 5\r\n\r\n";

// How often the sweep runs: a quarter of the shortest timeout (the time a client may stay
// behind counts as one), within [20 ms, 1 s]. A timeout then fires at most a quarter late.
std::chrono::milliseconds tick_period(const ChatServerConfig& c) {
    const auto shortest = std::min(
        {c.handshake_timeout, c.ping_interval, c.idle_timeout, c.close_timeout, c.backpressure.soft_time});
    return std::clamp(shortest / 4, min_tick, max_tick);
}

// What GET / and GET /ws serve: the page, built once, and the Origin rule.
ws::Site make_site(const ChatServerConfig& config) {
    return {std::make_shared<const std::string>(chat_page_response()), {config.allowed_origins, {}}};
}

}  // namespace

ChatServer::State::State(asio::io_context& io, const tcp::endpoint& endpoint, ChatServerConfig c,
                         std::shared_ptr<ChatRoom> r, course::Logger& l)
    : acceptor(course::open_tcp_listener(io, endpoint)), sweep_timer(io), config(std::move(c)), log(l),
      room(std::move(r)), read_buffer(read_buffer_size), site(make_site(config)) {
    std::string ping;
    ws::append_frame(ping, ws::Opcode::ping, "keepalive", true, nullptr);
    ping_frame = std::make_shared<const std::string>(std::move(ping));
}

ChatServer::ChatServer(asio::io_context& io, const tcp::endpoint& endpoint, ChatServerConfig config,
                       std::shared_ptr<ChatRoom> room, course::Logger& log)
    : state_(std::make_shared<State>(io, endpoint, std::move(config), std::move(room), log)) {}

ChatServer::~ChatServer() = default;

tcp::endpoint ChatServer::local_endpoint() const { return state_->acceptor.local_endpoint(); }

std::size_t ChatServer::connections() const noexcept { return state_->sessions.size(); }

namespace {

void sweep(const std::shared_ptr<ChatServer::State>& state) {
    if (state->stopping && state->sessions.empty()) return;  // nothing left to watch: io.run() returns
    const auto now = Session::clock::now();
    // on_tick() never adds or removes sessions (a closed socket ends its coroutine later).
    for (std::size_t i = 0; i < state->sessions.size(); ++i) state->sessions[i]->on_tick(now);
    state->room->flush();
    state->sweep_timer.expires_after(tick_period(state->config));
    // Cancelled (shutdown, or the last session gone while stopping) means "sweep now".
    state->sweep_timer.async_wait([state](const std::error_code&) { sweep(state); });
}

}  // namespace

void ChatServer::start() {
    lesson04::AcceptHooks hooks{
        [state = state_] { return state->stopping; },
        [state = state_] { return state->sessions.size(); },
        [state = state_](tcp::socket socket) {
            std::shared_ptr<Stream> stream = state->config.make_stream
                                                 ? state->config.make_stream(std::move(socket))
                                                 : make_plain_stream(std::move(socket), state->read_buffer);
            auto session = std::make_shared<Session>(std::move(stream), state, ++state->next_id);
            session->registry_index = state->sessions.size();
            state->sessions.push_back(session);
            session->start();
        },
    };
    asio::co_spawn(state_->acceptor.get_executor(),
                   lesson04::accept_connections(state_->acceptor, state_->log, state_->config.max_connections,
                                                std::string(busy_response), std::move(hooks)),
                   course::report_exceptions(state_->log, "accept loop"));
    sweep(state_);
}

void ChatServer::shutdown() {
    state_->stopping = true;
    std::error_code ec;
    state_->acceptor.close(ec);
    state_->log.info("closing ", state_->sessions.size(), " connections with 1001");
    const auto sessions = state_->sessions;  // a copy: stop() may end a session
    for (const auto& session : sessions) session->stop();
    state_->room->flush();
    state_->sweep_timer.cancel();  // with no session left, io.run() returns at once
}

}  // namespace lesson05
