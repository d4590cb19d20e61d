#include "chat_node.hpp"

#include "redis/backoff.hpp"
#include "redis_scripts.hpp"

#include "common/report_exceptions.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <random>

namespace lesson08 {

using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t read_count = 1000;                       // entries per XREAD at most
constexpr auto read_margin = std::chrono::milliseconds(3000);  // XREAD's timeout beyond its BLOCK
constexpr auto wind_down_poll = std::chrono::milliseconds(20);

}  // namespace

ChatNode::ChatNode(asio::io_context& io, const tcp::endpoint& endpoint, ChatNodeConfig config,
                   course::Logger& log)
    : io_(io), config_(std::move(config)), log_(log), keys_(config_.prefix), commands_(io, config_.redis),
      reads_(io, config_.redis), backplane_(commands_, keys_, config_.backplane),
      room_(std::make_shared<ClusterRoom>(backplane_, config_.room)), tick_timer_(io), retry_timer_(io) {
    config_.server.extra_route = [this](const ws::HttpHead& request) { return healthz(request); };
    server_ = std::make_unique<lesson05::ChatServer>(io, endpoint, config_.server, room_, log);
}

ChatNode::~ChatNode() = default;

std::optional<ws::Route> ChatNode::healthz(const ws::HttpHead& request) const {
    const std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (path != "/healthz") return std::nullopt;
    ws::Route route;
    const bool up = commands_.state() == RedisLinkState::up;
    route.kind = up ? ws::Route::Kind::page : ws::Route::Kind::refuse;
    route.status = up ? 200 : 503;
    route.response = std::make_shared<const std::string>(
        up ? ws::http_ok_response("text/plain", "ok: redis link up\n")
           : ws::http_error_response(503, "redis link " + std::string(to_string(commands_.state()))));
    route.summary = request.method + " /healthz -> " + std::to_string(route.status);
    return route;
}

void ChatNode::start() {
    commands_.on_state_change([this](RedisLinkState state, const std::string& reason) {
        if (state == RedisLinkState::up) {
            log_.info("redis ", config_.redis.host, ":", config_.redis.port, ": link up");
            room_->link_up();
        } else if (state == RedisLinkState::down) {
            log_.info("redis link down: ", reason);
            room_->link_down(reason);
        }
    });
    commands_.start();
    reads_.start();
    server_->start();
    asio::co_spawn(io_, read_events(), course::report_exceptions(log_, "stream reader"));
    on_tick();
}

void ChatNode::on_tick() {
    if (stopping_) return;
    room_->tick();
    tick_timer_.expires_after(std::max(config_.backplane.presence_ttl / 3, std::chrono::milliseconds(50)));
    tick_timer_.async_wait([this](const std::error_code& ec) {
        if (!ec) on_tick();
    });
}

awaitable<void> ChatNode::read_events() {
    // After a failure (the link is down: its commands fail at once) wait before the next try,
    // growing with jitter, so a dead Redis costs no busy loop.
    Backoff backoff(std::chrono::milliseconds(100), std::chrono::milliseconds(2000), std::random_device{}());
    const std::optional<std::chrono::milliseconds> read_timeout = config_.read_block + read_margin;
    const std::size_t snapshot_count = std::max<std::size_t>(1000, config_.room.history * 20);
    while (!stopping_) {
        std::vector<std::string> argv;
        if (!room_->loaded()) {
            argv = backplane_.script_argv(scripts::snapshot, {std::to_string(snapshot_count)});
        } else {
            argv = {"XREAD",
                    "COUNT",
                    std::to_string(read_count),
                    "BLOCK",
                    std::to_string(config_.read_block.count()),
                    "STREAMS",
                    keys_.events,
                    room_->last_id()};
        }
        const RedisReply reply = co_await reads_.command(argv, read_timeout);
        if (stopping_) break;
        if (reply.is_error()) {
            log_.verbose("stream reader: ", reply.text);
            retry_timer_.expires_after(backoff.next());
            std::error_code ec;
            co_await retry_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        backoff.reset();
        if (!room_->loaded()) {
            const auto snapshot = parse_snapshot(reply);
            if (!snapshot) {
                log_.info("stream reader: unexpected snapshot: ", describe(reply));
                continue;
            }
            room_->load(*snapshot);
            log_.info("read the stream's tail up to ", room_->last_id(), "; ", room_->online(), " online");
        } else if (!reply.is_nil()) {
            room_->on_entries(parse_xread(reply));
        }
    }
}

void ChatNode::shutdown() {
    if (stopping_) return;
    server_->shutdown();  // every member leaves: their leaves go to Redis
    asio::co_spawn(io_, wind_down(), course::report_exceptions(log_, "shutdown"));
}

awaitable<void> ChatNode::wind_down() {
    const auto deadline =
        std::chrono::steady_clock::now() + config_.server.close_timeout + std::chrono::seconds(1);
    asio::steady_timer timer(io_);
    while (std::chrono::steady_clock::now() < deadline &&
           (server_->connections() > 0 ||
            (commands_.state() == RedisLinkState::up && commands_.in_flight() > 0))) {
        timer.expires_after(wind_down_poll);
        std::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    stopping_ = true;
    tick_timer_.cancel();
    retry_timer_.cancel();
    commands_.stop();
    reads_.stop();  // the reader's XREAD fails with "LINK stopped": it ends
    log_.info("node stopped");
}

}  // namespace lesson08
