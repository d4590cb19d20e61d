#include "redis/redis_link.hpp"

#include "redis/asio_adapter.hpp"
#include "redis/backoff.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <deque>
#include <random>
#include <utility>

namespace lesson08 {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// hiredis' reply tree, copied into our value type (hiredis frees its own after the callback).
RedisReply from_hiredis(const redisReply& reply) {
    switch (reply.type) {
    case REDIS_REPLY_NIL: return RedisReply::make_nil();
    case REDIS_REPLY_INTEGER: return RedisReply::make_integer(reply.integer);
    case REDIS_REPLY_STATUS: return RedisReply::make_status(std::string(reply.str, reply.len));
    case REDIS_REPLY_ERROR: return RedisReply::make_error(std::string(reply.str, reply.len));
    case REDIS_REPLY_STRING: return RedisReply::make_string(std::string(reply.str, reply.len));
    case REDIS_REPLY_ARRAY: {
        // hiredis refuses nesting deeper than 7 levels, so this recursion is shallow.
        std::vector<RedisReply> elements;
        elements.reserve(reply.elements);
        for (std::size_t i = 0; i < reply.elements; ++i) elements.push_back(from_hiredis(*reply.element[i]));
        return RedisReply::make_array(std::move(elements));
    }
    default: return RedisReply::link_error("protocol: a reply of unknown type " + std::to_string(reply.type));
    }
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Commands after which Redis speaks without being asked (pub/sub pushes, MONITOR's feed) or
// stays silent (CLIENT REPLY OFF): one reply per command, in order, would no longer hold.
bool breaks_request_reply(const std::vector<std::string>& argv) {
    const std::string name = lower(argv[0]);
    if (name == "subscribe" || name == "psubscribe" || name == "ssubscribe" || name == "unsubscribe" ||
        name == "punsubscribe" || name == "sunsubscribe" || name == "monitor") {
        return true;
    }
    return name == "client" && argv.size() > 1 && lower(argv[1]) == "reply";
}

}  // namespace

std::string_view to_string(RedisLinkState state) noexcept {
    switch (state) {
    case RedisLinkState::stopped: return "stopped";
    case RedisLinkState::connecting: return "connecting";
    case RedisLinkState::up: return "up";
    case RedisLinkState::down: return "down";
    }
    return "unknown";
}

class RedisLink::Impl : public std::enable_shared_from_this<Impl> {
public:
    Impl(asio::io_context& io, RedisLinkOptions options)
        : options_(std::move(options)), io_(io), deadline_timer_(io), backoff_timer_(io), ping_timer_(io),
          backoff_(options_.backoff_initial, options_.backoff_max, std::random_device{}()) {}

    void start();
    void stop();
    void command(const std::vector<std::string>& argv, ReplyCallback callback,
                 std::optional<milliseconds> timeout);

    RedisLinkOptions options_;
    StateCallback on_state_;
    RedisLinkState state_ = RedisLinkState::stopped;
    std::string last_error_;
    RedisLinkStats stats_;
    std::size_t in_flight_ = 0;  // user commands in pending_

private:
    // A command sent and not answered yet. Redis answers in order, so the reply hiredis hands
    // us is always for pending_.front().
    struct Pending {
        enum class Kind { user, hello, ping };  // hello: the PING that makes a connection "up"
        Kind kind;
        ReplyCallback callback;  // user commands only
        std::string name;        // the command's name, for a timeout's message
        milliseconds timeout;
        Clock::time_point deadline;
    };

    void connect();
    bool send(const std::vector<std::string>& argv, Pending& pending);
    void send_ping(Pending::Kind kind, milliseconds timeout);
    void on_reply(RedisReply reply);
    void on_hello(const RedisReply& reply);
    void lose_connection(const std::string& reason);
    void close_context();
    void notify(RedisLinkState state, const std::string& reason);
    static void fail(std::deque<Pending> pending, const std::string& reason);
    void refuse(ReplyCallback callback, const std::string& reason);
    void arm_deadline(Clock::time_point deadline);
    void check_deadlines();
    void arm_ping();
    std::string endpoint() const { return options_.host + ":" + std::to_string(options_.port); }

    // hiredis' callbacks: plain C functions. The context's `data` points back to the link,
    // and only the link's current context counts (close_context clears `data`).
    static Impl* owner(const redisAsyncContext* context) {
        auto* impl = static_cast<Impl*>(context->data);
        return impl != nullptr && impl->context_ == context ? impl : nullptr;
    }
    static void on_connect(const redisAsyncContext* context, int status);
    static void on_disconnect(const redisAsyncContext* context, int status);
    static void on_hiredis_reply(redisAsyncContext* context, void* reply, void* privdata);

    asio::io_context& io_;
    bool started_ = false;
    redisAsyncContext* context_ = nullptr;  // while connecting or up
    std::deque<Pending> pending_;
    asio::steady_timer deadline_timer_;  // the earliest deadline in pending_ (or later)
    Clock::time_point deadline_armed_ = Clock::time_point::max();
    asio::steady_timer backoff_timer_;
    asio::steady_timer ping_timer_;
    Backoff backoff_;
};

void RedisLink::Impl::start() {
    if (started_) return;
    started_ = true;
    connect();
}

void RedisLink::Impl::connect() {
    // Starts a non-blocking connect (a name is resolved here, blocking: use addresses).
    redisAsyncContext* context = redisAsyncConnect(options_.host.c_str(), options_.port);
    if (context == nullptr || context->err != 0) {
        const std::string why = context != nullptr ? context->errstr : "out of memory";
        if (context != nullptr) redisAsyncFree(context);
        state_ = RedisLinkState::connecting;  // so that lose_connection reports the change
        lose_connection("connect to " + endpoint() + ": " + why);
        return;
    }
    context_ = context;
    context->data = this;
    attach_to_asio(io_, context);
    redisAsyncSetConnectCallback(context, &Impl::on_connect);  // asks for a write event
    redisAsyncSetDisconnectCallback(context, &Impl::on_disconnect);
    state_ = RedisLinkState::connecting;
    // hiredis buffers commands until the connect completes. The link is up when Redis answers
    // this PING, not when TCP connects: a proxy or a Redis still loading accepts TCP too.
    send_ping(Pending::Kind::hello, options_.connect_timeout);
    notify(RedisLinkState::connecting, "");
}

// Moves `pending` into pending_ if hiredis took the command; leaves it alone otherwise.
bool RedisLink::Impl::send(const std::vector<std::string>& argv, Pending& pending) {
    std::vector<const char*> args;
    std::vector<std::size_t> lengths;
    args.reserve(argv.size());
    lengths.reserve(argv.size());
    for (const auto& arg : argv) {
        args.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    // Formats "*3\r\n$3\r\nSET\r\n..." into hiredis' output buffer and asks for a write event.
    if (redisAsyncCommandArgv(context_, &Impl::on_hiredis_reply, nullptr, static_cast<int>(argv.size()),
                              args.data(), lengths.data()) != REDIS_OK) {
        return false;  // the context is closing
    }
    pending.deadline = Clock::now() + pending.timeout;
    const auto deadline = pending.deadline;
    pending_.push_back(std::move(pending));
    arm_deadline(deadline);
    return true;
}

void RedisLink::Impl::send_ping(Pending::Kind kind, milliseconds timeout) {
    Pending ping{kind, {}, "PING", timeout, {}};
    if (!send({"PING"}, ping)) {
        lose_connection("down: hiredis refused a PING");
    }
}

void RedisLink::Impl::command(const std::vector<std::string>& argv, ReplyCallback callback,
                              std::optional<milliseconds> timeout) {
    if (argv.empty()) return refuse(std::move(callback), "refused: empty command");
    if (breaks_request_reply(argv)) {
        return refuse(std::move(callback),
                      "refused: " + argv[0] + " is not supported (one reply per command)");
    }
    switch (state_) {
    case RedisLinkState::stopped: return refuse(std::move(callback), "stopped");
    case RedisLinkState::down: return refuse(std::move(callback), "down: " + last_error_);
    case RedisLinkState::connecting:
    case RedisLinkState::up: break;
    }
    if (in_flight_ >= options_.max_in_flight) {
        return refuse(std::move(callback), "busy: " + std::to_string(in_flight_) + " commands in flight");
    }
    const milliseconds wait = timeout.value_or(options_.command_timeout);
    Pending pending{Pending::Kind::user, std::move(callback), argv[0].substr(0, 32), wait, {}};
    if (!send(argv, pending)) return refuse(std::move(pending.callback), "down: the connection is closing");
    ++in_flight_;
    ++stats_.commands;
}

void RedisLink::Impl::refuse(ReplyCallback callback, const std::string& reason) {
    ++stats_.refused;
    // Posted: a callback never runs before command() returns (the caller may hold a lock, or
    // not have stored what the callback needs yet).
    asio::post(io_, [callback = std::move(callback), reply = RedisReply::link_error(reason)]() mutable {
        callback(std::move(reply));
    });
}

void RedisLink::Impl::on_hiredis_reply(redisAsyncContext* context, void* reply, void* /*privdata*/) {
    Impl* impl = owner(context);
    // A null reply: hiredis is freeing the context and empties its callback list. The link
    // fails its own pending commands (once) where it learns why.
    if (impl == nullptr || reply == nullptr) return;
    impl->on_reply(from_hiredis(*static_cast<const redisReply*>(reply)));
}

void RedisLink::Impl::on_reply(RedisReply reply) {
    const auto keep = shared_from_this();  // a callback may destroy the RedisLink
    if (pending_.empty()) return;          // cannot happen: one reply per command, in order
    Pending answered = std::move(pending_.front());
    pending_.pop_front();
    switch (answered.kind) {
    case Pending::Kind::user:
        --in_flight_;
        ++stats_.replies;
        answered.callback(std::move(reply));
        break;
    case Pending::Kind::hello: on_hello(reply); break;
    case Pending::Kind::ping: break;  // answered in time: that was the point
    }
}

void RedisLink::Impl::on_hello(const RedisReply& reply) {
    if (state_ != RedisLinkState::connecting) return;
    if (reply.type != RedisReply::Type::status || reply.text != "PONG") {
        // -LOADING (a restarted Redis reading its data), -NOAUTH, or not Redis at all.
        return lose_connection("connect to " + endpoint() + ": PING answered " + describe(reply));
    }
    backoff_.reset();
    ++stats_.connects;
    state_ = RedisLinkState::up;
    arm_ping();
    notify(RedisLinkState::up, "");
}

void RedisLink::Impl::on_connect(const redisAsyncContext* context, int status) {
    Impl* impl = owner(context);
    if (impl == nullptr || status == REDIS_OK) return;  // connected: the hello PING goes out now
    // hiredis frees the context when this returns.
    impl->context_ = nullptr;
    impl->lose_connection("connect to " + impl->endpoint() + ": " + context->c.errstr);
}

void RedisLink::Impl::on_disconnect(const redisAsyncContext* context, int status) {
    Impl* impl = owner(context);
    if (impl == nullptr) return;
    // hiredis freed the context after a read or write failed ("Server closed the
    // connection", "Connection reset by peer", a protocol error), or Redis closed it cleanly.
    impl->context_ = nullptr;
    impl->lose_connection(std::string("down: ") +
                          (status == REDIS_OK ? "Redis closed the connection" : context->errstr));
}

// The connection is gone or given up: every command in flight fails, and the next attempt
// waits out the backoff.
void RedisLink::Impl::lose_connection(const std::string& reason) {
    const auto keep = shared_from_this();
    if (state_ == RedisLinkState::stopped || state_ == RedisLinkState::down) return;
    close_context();
    deadline_timer_.cancel();
    deadline_armed_ = Clock::time_point::max();
    ping_timer_.cancel();
    last_error_ = reason;
    state_ = RedisLinkState::down;
    std::deque<Pending> failed = std::exchange(pending_, {});
    stats_.failed += in_flight_;
    in_flight_ = 0;

    backoff_timer_.expires_after(backoff_.next());
    backoff_timer_.async_wait([self = shared_from_this()](const std::error_code& error) {
        if (!error && self->state_ == RedisLinkState::down) self->connect();
    });
    // The state first, then the callbacks: a callback that sends again is refused (down).
    notify(RedisLinkState::down, reason);
    fail(std::move(failed), reason);
}

void RedisLink::Impl::close_context() {
    if (context_ == nullptr) return;
    redisAsyncContext* context = std::exchange(context_, nullptr);
    // From now on hiredis' callbacks for this context find no owner: the null replies it
    // hands out while freeing and its disconnect callback are ignored. Inside a reply
    // callback hiredis frees the context when the callback returns; elsewhere at once.
    context->data = nullptr;
    redisAsyncFree(context);
}

void RedisLink::Impl::stop() {
    const auto keep = shared_from_this();
    started_ = true;  // a link stopped before it started stays stopped
    if (state_ == RedisLinkState::stopped) return;
    close_context();
    deadline_timer_.cancel();
    backoff_timer_.cancel();
    ping_timer_.cancel();
    state_ = RedisLinkState::stopped;
    std::deque<Pending> failed = std::exchange(pending_, {});
    stats_.failed += in_flight_;
    in_flight_ = 0;
    notify(RedisLinkState::stopped, "");
    on_state_ = nullptr;  // nothing more to report; let go of what it holds
    fail(std::move(failed), "stopped");
}

void RedisLink::Impl::notify(RedisLinkState state, const std::string& reason) {
    // A copy: the callback may replace on_state_, or stop the link, while it runs.
    if (const StateCallback callback = on_state_) callback(state, reason);
}

void RedisLink::Impl::fail(std::deque<Pending> pending, const std::string& reason) {
    for (auto& each : pending) {
        if (each.kind == Pending::Kind::user) each.callback(RedisReply::link_error(reason));
    }
}

void RedisLink::Impl::arm_deadline(Clock::time_point deadline) {
    if (deadline >= deadline_armed_) return;  // an earlier check comes anyway
    deadline_armed_ = deadline;
    deadline_timer_.expires_at(deadline);
    deadline_timer_.async_wait([self = shared_from_this()](const std::error_code& error) {
        if (error) return;  // re-armed for an earlier deadline, or stopped
        self->deadline_armed_ = Clock::time_point::max();
        self->check_deadlines();
    });
}

// One timer for all the deadlines: it fires at the earliest one it knows, and the check
// re-arms it for the earliest one still pending (answered commands are gone from pending_).
void RedisLink::Impl::check_deadlines() {
    if (state_ != RedisLinkState::connecting && state_ != RedisLinkState::up) return;
    const auto now = Clock::now();
    auto earliest = Clock::time_point::max();
    for (const Pending& each : pending_) {
        if (each.deadline <= now) {
            ++stats_.timeouts;
            const std::string within = " within " + std::to_string(each.timeout.count()) + " ms";
            return lose_connection(each.kind == Pending::Kind::hello
                                       ? "connect to " + endpoint() + ": no answer" + within
                                       : "timeout: no reply to " + each.name + within);
        }
        earliest = std::min(earliest, each.deadline);
    }
    if (earliest != Clock::time_point::max()) arm_deadline(earliest);
}

void RedisLink::Impl::arm_ping() {
    if (options_.ping_interval <= milliseconds::zero()) return;
    ping_timer_.expires_after(options_.ping_interval);
    ping_timer_.async_wait([self = shared_from_this()](const std::error_code& error) {
        if (error || self->state_ != RedisLinkState::up) return;
        // Idle only: a command in flight has a deadline already, which watches just as well.
        if (self->pending_.empty()) self->send_ping(Pending::Kind::ping, self->options_.command_timeout);
        if (self->state_ == RedisLinkState::up) self->arm_ping();
    });
}

// ---- RedisLink: the public face, forwarding to the shared Impl ----

RedisLink::RedisLink(asio::io_context& io, RedisLinkOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

RedisLink::~RedisLink() { impl_->stop(); }

void RedisLink::on_state_change(StateCallback callback) { impl_->on_state_ = std::move(callback); }

void RedisLink::start() { impl_->start(); }

void RedisLink::stop() { impl_->stop(); }

void RedisLink::command(const std::vector<std::string>& argv, ReplyCallback callback,
                        std::optional<milliseconds> timeout) {
    impl_->command(argv, std::move(callback), timeout);
}

asio::awaitable<RedisReply> RedisLink::command(std::vector<std::string> argv,
                                               std::optional<milliseconds> timeout) {
    // The coroutine's completion handler is move-only and std::function wants a copyable
    // callable: share it. It resumes the coroutine through a post, outside the link.
    auto initiate = [impl = impl_, &argv, timeout](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        impl->command(
            argv,
            [shared](RedisReply reply) {
                const auto executor = asio::get_associated_executor(*shared);
                asio::post(executor, [shared, reply = std::move(reply)]() mutable {
                    std::move (*shared)(std::move(reply));
                });
            },
            timeout);
    };
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(RedisReply)>(
        std::move(initiate), asio::use_awaitable);
}

RedisLinkState RedisLink::state() const noexcept { return impl_->state_; }
const std::string& RedisLink::last_error() const noexcept { return impl_->last_error_; }
std::size_t RedisLink::in_flight() const noexcept { return impl_->in_flight_; }
const RedisLinkStats& RedisLink::stats() const noexcept { return impl_->stats_; }
const RedisLinkOptions& RedisLink::options() const noexcept { return impl_->options_; }

}  // namespace lesson08
