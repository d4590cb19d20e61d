#pragma once
// An in-memory model of what redis_backplane.cpp does in Redis (the stream, presence with
// expiry, name claims, the guest counter), for the ClusterRoom's unit tests. Several
// FakeBackplanes (nodes) share one FakeStore; each queues its requests, and the test decides
// when they are carried out (answer) or fail (fail), so a test can put a race or an outage
// exactly where it wants.

#include "backplane.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lesson08::testing {

struct FakeStore {
    std::vector<StreamEntry> stream;
    std::map<std::string, std::int64_t> presence;  // token -> expiry (ms)
    std::map<std::string, std::string> names;      // token -> name
    std::map<std::string, std::string> claims;     // name key -> token
    std::int64_t guest = 0;
    std::int64_t now = 1'000'000;  // the store's clock (ms); tests move it
    std::int64_t ttl = 10'000;
    std::uint64_t next_seq = 0;
    std::size_t reap_limit = 100;  // tokens one reap removes at most (as the Lua script)

    std::string append(std::vector<std::pair<std::string, std::string>> fields);
    bool remove(const std::string& token, const std::string& node);  // as the Lua helper
    // The entries after `after` (XREAD), all of them.
    std::vector<StreamEntry> read_after(const std::string& after) const;
    std::size_t count(const std::string& type) const;
    // Redis restarted empty, as far as members go: every token, name and claim forgotten (the
    // stream stays, so that a test can still read what was said).
    void forget_members() {
        presence.clear();
        names.clear();
        claims.clear();
    }
};

class FakeBackplane final : public Backplane {
public:
    FakeBackplane(FakeStore& store, std::string node) : store_(store), node_(std::move(node)) {}

    void join(const std::string& token, const std::string& wanted,
              std::function<void(Answer<Joined>)> done) override;
    void leave(const std::string& token) override;
    void say(const std::string& token, const std::string& text,
             std::function<void(Answer<std::string>)> done) override;
    void rename(const std::string& token, const std::string& name,
                std::function<void(Answer<RenameOutcome>)> done) override;
    void who(std::function<void(Answer<std::vector<std::string>>)> done) override;
    void online(std::function<void(Answer<std::vector<std::pair<std::string, std::string>>>)> done) override;
    void renew(const std::vector<std::string>& tokens,
               std::function<void(Answer<std::vector<std::string>>)> done) override;
    void reap(std::function<void(Answer<std::int64_t>)> done) override;
    void range(const std::string& after, const std::string& before, std::size_t count,
               std::function<void(Answer<std::vector<StreamEntry>>)> done) override;

    // Carries out every queued request in order, calling each callback; returns how many.
    std::size_t answer();
    // Every queued request fails as a broken link fails it (not carried out).
    void fail(const std::string& why = "LINK down: test");
    std::size_t queued() const noexcept { return queue_.size(); }
    // From now on, requests are carried out but their answers are lost: each gets `why`, as a
    // connection that breaks after Redis ran the command (empty: answers arrive again).
    void lose_replies(std::string why) { lose_replies_ = std::move(why); }

private:
    struct Request {
        std::function<void()> carry_out;               // does it and answers
        std::function<void(const std::string&)> fail;  // answers with an error
    };
    template <class T> void queue(std::function<T()> work, std::function<void(Answer<T>)> done);

    FakeStore& store_;
    std::string node_;
    std::deque<Request> queue_;
    std::string lose_replies_;
};

}  // namespace lesson08::testing
