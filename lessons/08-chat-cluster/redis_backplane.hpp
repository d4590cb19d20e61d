#pragma once
// The Backplane (backplane.hpp) in Redis: each request is one Lua script (redis_scripts.hpp) or
// one command, sent on one RedisLink, so requests are carried out in the order they are made.
// Also the replies' shapes: the stream entries of XRANGE and XREAD, the node's snapshot.

#include "backplane.hpp"
#include "cluster_room.hpp"

#include "redis/redis_link.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lesson08 {

struct RedisKeys {
    explicit RedisKeys(const std::string& prefix)
        : presence(prefix + ":presence"), names(prefix + ":names"), events(prefix + ":events"),
          guest(prefix + ":guest"), name_claim(prefix + ":name:") {}
    std::string presence, names, events, guest, name_claim;
};

struct BackplaneOptions {
    std::string node = "node";                       // the entries' `node` field
    std::chrono::milliseconds presence_ttl{10'000};  // a member not renewed for this long is reaped
    std::size_t stream_maxlen = 10'000;              // XADD MAXLEN ~: the stream keeps about this many
};

class RedisBackplane final : public Backplane {
public:
    RedisBackplane(RedisLink& link, RedisKeys keys, BackplaneOptions options);

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

    // EVAL of a script with the prelude's KEYS and ARGVs, then `args`.
    std::vector<std::string> script_argv(const std::string& script,
                                         const std::vector<std::string>& args) const;
    const RedisKeys& keys() const noexcept { return keys_; }

private:
    void eval(const std::string& script, const std::vector<std::string>& args, RedisLink::ReplyCallback done);

    RedisLink& link_;
    RedisKeys keys_;
    BackplaneOptions options_;
};

// XRANGE's reply: [[id, [field, value, ...]], ...]. Malformed entries are skipped.
std::vector<StreamEntry> parse_entries(const RedisReply& reply);
// XREAD's reply for one stream: nil (timed out), or [[key, entries]].
std::vector<StreamEntry> parse_xread(const RedisReply& reply);
// The snapshot script's reply: {XREVRANGE, HGETALL}.
std::optional<Snapshot> parse_snapshot(const RedisReply& reply);

}  // namespace lesson08
