#pragma once
// What the Redis link tests share: an io_context run on the test's thread until a condition
// holds (bounded by a deadline, never a sleep), links made for a RedisServer, and a record of
// every state change each link reported.

#include "redis/redis_link.hpp"
#include "tests/support/redis_server.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lesson08::testing {

struct StateChange {
    RedisLinkState state;
    std::string reason;
};

class LinkHarness {
public:
    // Runs the io_context until `done()` is true or `timeout` passes; returns done().
    bool run_until(const std::function<bool()>& done,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        // The guard keeps run_one_until waiting (not returning at once) when nothing is pending.
        // An io_context that ran out of work stops; restart() lets it run again.
        auto guard = asio::make_work_guard(io);
        if (io.stopped()) io.restart();
        while (!done()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            io.run_one_until(deadline);
        }
        return true;
    }

    // Runs the io_context for `window`: for "and nothing else happens" checks.
    void run_for(std::chrono::milliseconds window) {
        auto guard = asio::make_work_guard(io);
        if (io.stopped()) io.restart();
        io.run_for(window);
    }

    // A link to `server`, started, its state changes recorded in states(link).
    std::unique_ptr<RedisLink> make_link(std::uint16_t port, RedisLinkOptions options = {}) {
        options.host = "127.0.0.1";
        options.port = port;
        auto link = std::make_unique<RedisLink>(io, std::move(options));
        auto record = std::make_shared<std::vector<StateChange>>();
        records_.emplace_back(link.get(), record);
        link->on_state_change([record](RedisLinkState state, const std::string& reason) {
            record->push_back({state, reason});
        });
        link->start();
        return link;
    }

    std::unique_ptr<RedisLink> make_up_link(const course::testing::RedisServer& server,
                                            RedisLinkOptions options = {}) {
        auto link = make_link(server.port(), std::move(options));
        const bool up = run_until([&] { return link->state() == RedisLinkState::up; });
        if (!up) throw std::runtime_error("the link did not come up: " + link->last_error());
        return link;
    }

    const std::vector<StateChange>& states(const RedisLink& link) const {
        for (const auto& [which, record] : records_) {
            if (which == &link) return *record;
        }
        throw std::logic_error("not a link of this harness");
    }

    // Sends one command and runs until its reply (a LINK timeout error if none within 10 s).
    RedisReply call(RedisLink& link, const std::vector<std::string>& argv,
                    std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
        auto reply = std::make_shared<std::optional<RedisReply>>();  // outlives a test that gave up
        link.command(
            argv, [reply](RedisReply r) { *reply = std::move(r); }, timeout);
        if (!run_until([&] { return reply->has_value(); }, std::chrono::seconds(10))) {
            return RedisReply::link_error("test: no reply within 10 s");
        }
        return **reply;
    }

    asio::io_context io;

private:
    std::vector<std::pair<const RedisLink*, std::shared_ptr<std::vector<StateChange>>>> records_;
};

}  // namespace lesson08::testing
