// The listener, the sweep timer, publishing and shutdown. Connections are in connection*.cpp.
#include "feed_server.hpp"

#include "accept_loop.hpp"
#include "connection.hpp"
#include "server_state.hpp"

#include "feed/response.hpp"
#include "feed/sse.hpp"
#include "ws/frame.hpp"

#include "common/listener.hpp"
#include "common/report_exceptions.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>

namespace lesson07 {

using asio::ip::tcp;

namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;       // the server's one read buffer
constexpr auto min_tick = std::chrono::milliseconds(20);  // sweep period bounds
constexpr auto max_tick = std::chrono::milliseconds(1000);

// How often the sweep runs: a quarter of the shortest timeout, within [20 ms, 1 s]. A timeout
// then fires at most a quarter late.
std::chrono::milliseconds tick_period(const FeedServerConfig& c) {
    const auto shortest =
        std::min({c.idle_timeout, c.request_timeout, c.heartbeat, c.close_timeout, c.backpressure.soft_time});
    return std::clamp(shortest / 4, min_tick, max_tick);
}

// The wall clock in microseconds since the epoch: an event's `us`.
std::int64_t wall_clock_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Bytes make_ping_frame() {
    std::string ping;
    ws::append_frame(ping, ws::Opcode::ping, "keepalive");
    return std::make_shared<const std::string>(std::move(ping));
}

}  // namespace

FeedServer::State::State(asio::io_context& io, const tcp::endpoint& endpoint, FeedServerConfig c,
                         course::Logger& l)
    : acceptor(course::open_tcp_listener(io, endpoint)), sweep_timer(io), config(std::move(c)), log(l),
      events(config.log_size), read_buffer(read_buffer_size), handshake{config.allowed_origins, {}},
      ping_frame(make_ping_frame()),
      heartbeat(std::make_shared<const std::string>(feed::sse_comment("heartbeat"))),
      ticker(io, config.rate, [this](std::string text) { publish(std::move(text)); }) {}

feed::EventPtr FeedServer::State::publish(std::string text) {
    feed::EventPtr event = events.append(std::move(text), wall_clock_us());
    // The herd: every long poll waiting for an id below this one is woken at once.
    for (const feed::WaiterSet::Ticket ticket : waiters.ready(events.last_id())) {
        const auto it = waiting.find(ticket);
        if (it == waiting.end()) continue;
        Connection* connection = it->second;
        waiting.erase(it);
        connection->wake();
    }
    // Encoded once, shared by every stream. deliver() never removes a connection from the list.
    const EncodedEvent encoded = encode_event(event);
    for (std::size_t i = 0; i < connections.size(); ++i) connections[i]->deliver(encoded);
    return event;
}

FeedServer::FeedServer(asio::io_context& io, const tcp::endpoint& endpoint, FeedServerConfig config,
                       course::Logger& log)
    : state_(std::make_shared<State>(io, endpoint, std::move(config), log)) {}

FeedServer::~FeedServer() = default;

tcp::endpoint FeedServer::local_endpoint() const { return state_->acceptor.local_endpoint(); }

namespace {

void sweep(const std::shared_ptr<FeedServer::State>& state) {
    if (state->stopping && state->connections.empty()) return;  // nothing left: io.run() returns
    const auto now = Connection::clock::now();
    // on_tick() never adds or removes connections (a closed socket ends its coroutine later).
    for (std::size_t i = 0; i < state->connections.size(); ++i) state->connections[i]->on_tick(now);
    state->sweep_timer.expires_after(tick_period(state->config));
    // Cancelled (shutdown, or the last connection gone while stopping) means "sweep now".
    state->sweep_timer.async_wait([state](const std::error_code&) { sweep(state); });
}

}  // namespace

void FeedServer::start() {
    lesson04::AcceptHooks hooks{
        [state = state_] { return state->stopping; },
        [state = state_] { return state->connections.size(); },
        [state = state_](tcp::socket socket) {
            auto connection = std::make_shared<Connection>(std::move(socket), state, ++state->next_id);
            connection->registry_index = state->connections.size();
            state->connections.push_back(connection);
            connection->start();
        },
    };
    std::string busy = feed::error_response(503, "too many connections", false, "Retry-After: 5\r\n").bytes;
    asio::co_spawn(state_->acceptor.get_executor(),
                   lesson04::accept_connections(state_->acceptor, state_->log, state_->config.max_connections,
                                                std::move(busy), std::move(hooks)),
                   course::report_exceptions(state_->log, "accept loop"));
    state_->ticker.start();
    sweep(state_);
}

void FeedServer::shutdown() {
    state_->stopping = true;
    std::error_code ec;
    state_->acceptor.close(ec);
    state_->ticker.stop();
    state_->log.info("closing ", state_->connections.size(), " connections");
    const auto connections = state_->connections;  // a copy: stop() may end a connection
    for (const auto& connection : connections) connection->stop();
    state_->sweep_timer.cancel();  // with no connection left, io.run() returns at once
}

}  // namespace lesson07
