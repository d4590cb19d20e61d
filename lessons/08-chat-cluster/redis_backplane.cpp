#include "redis_backplane.hpp"

#include "redis_scripts.hpp"

namespace lesson08 {

namespace {

// A Redis error as a client may read it: "TAKEN the name is taken" -> "the name is taken";
// the link's own errors stay whole ("LINK timeout: ...").
std::string error_text(const RedisReply& reply) {
    if (reply.is_link_error()) return reply.text;
    const std::size_t space = reply.text.find(' ');
    return space == std::string::npos ? reply.text : reply.text.substr(space + 1);
}

template <class T> Answer<T> failure(const RedisReply& reply) { return Answer<T>{T{}, error_text(reply)}; }
template <class T> Answer<T> unexpected(const RedisReply& reply) {
    return Answer<T>{T{}, "unexpected reply from Redis: " + describe(reply)};
}

}  // namespace

RedisBackplane::RedisBackplane(RedisLink& link, RedisKeys keys, BackplaneOptions options)
    : link_(link), keys_(std::move(keys)), options_(std::move(options)) {}

std::vector<std::string> RedisBackplane::script_argv(const std::string& script,
                                                     const std::vector<std::string>& args) const {
    // EVAL sends the script each time; Redis compiles it once and keeps it (by its SHA-1).
    // EVALSHA would save the bytes, but its NOSCRIPT retry after a Redis restart could
    // reorder a member's messages.
    std::vector<std::string> argv{"EVAL",
                                  script,
                                  "4",
                                  keys_.presence,
                                  keys_.names,
                                  keys_.events,
                                  keys_.guest,
                                  keys_.name_claim,
                                  std::to_string(options_.stream_maxlen),
                                  options_.node,
                                  std::to_string(options_.presence_ttl.count())};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

void RedisBackplane::eval(const std::string& script, const std::vector<std::string>& args,
                          RedisLink::ReplyCallback done) {
    link_.command(script_argv(script, args), std::move(done));
}

void RedisBackplane::join(const std::string& token, const std::string& wanted,
                          std::function<void(Answer<Joined>)> done) {
    eval(scripts::join, {token, wanted}, [done = std::move(done)](RedisReply reply) {
        if (reply.is_error()) return done(failure<Joined>(reply));
        if (reply.type != RedisReply::Type::array || reply.elements.size() != 2)
            return done(unexpected<Joined>(reply));
        done({Joined{reply.elements[0].text, reply.elements[1].text}, {}});
    });
}

void RedisBackplane::leave(const std::string& token) {
    eval(scripts::leave, {token}, [](RedisReply) {});  // lost? the TTL reaps it
}

void RedisBackplane::say(const std::string& token, const std::string& text,
                         std::function<void(Answer<std::string>)> done) {
    eval(scripts::say, {token, text}, [done = std::move(done)](RedisReply reply) {
        if (reply.is_error()) return done(failure<std::string>(reply));
        done({reply.text, {}});
    });
}

void RedisBackplane::rename(const std::string& token, const std::string& name,
                            std::function<void(Answer<RenameOutcome>)> done) {
    eval(scripts::rename, {token, name}, [done = std::move(done)](RedisReply reply) {
        if (reply.error_code() == "TAKEN") return done({RenameOutcome::taken, {}});
        if (reply.error_code() == "ABSENT") return done({RenameOutcome::absent, {}});
        if (reply.is_error()) return done(failure<RenameOutcome>(reply));
        done({RenameOutcome::renamed, {}});
    });
}

void RedisBackplane::who(std::function<void(Answer<std::vector<std::string>>)> done) {
    link_.command({"HVALS", keys_.names}, [done = std::move(done)](RedisReply reply) {
        if (reply.is_error()) return done(failure<std::vector<std::string>>(reply));
        std::vector<std::string> names;
        for (const RedisReply& name : reply.elements) names.push_back(name.text);
        done({std::move(names), {}});
    });
}

void RedisBackplane::online(
    std::function<void(Answer<std::vector<std::pair<std::string, std::string>>>)> done) {
    link_.command({"HGETALL", keys_.names}, [done = std::move(done)](RedisReply reply) {
        using Pairs = std::vector<std::pair<std::string, std::string>>;
        if (reply.is_error()) return done(failure<Pairs>(reply));
        Pairs online;
        for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2)
            online.emplace_back(reply.elements[i].text, reply.elements[i + 1].text);
        done({std::move(online), {}});
    });
}

void RedisBackplane::renew(const std::vector<std::string>& tokens,
                           std::function<void(Answer<std::vector<std::string>>)> done) {
    eval(scripts::renew, tokens, [done = std::move(done)](RedisReply reply) {
        if (reply.is_error()) return done(failure<std::vector<std::string>>(reply));
        std::vector<std::string> missing;
        for (const RedisReply& token : reply.elements) missing.push_back(token.text);
        done({std::move(missing), {}});
    });
}

void RedisBackplane::reap(std::function<void(Answer<std::int64_t>)> done) {
    eval(scripts::reap, {}, [done = std::move(done)](RedisReply reply) {
        if (reply.is_error()) return done(failure<std::int64_t>(reply));
        done({reply.integer, {}});
    });
}

void RedisBackplane::range(const std::string& after, const std::string& before, std::size_t count,
                           std::function<void(Answer<std::vector<StreamEntry>>)> done) {
    // "(" makes a bound exclusive (Redis 6.2+).
    link_.command({"XRANGE", keys_.events, "(" + after, "(" + before, "COUNT", std::to_string(count)},
                  [done = std::move(done)](RedisReply reply) {
                      if (reply.is_error()) return done(failure<std::vector<StreamEntry>>(reply));
                      done({parse_entries(reply), {}});
                  });
}

std::vector<StreamEntry> parse_entries(const RedisReply& reply) {
    std::vector<StreamEntry> entries;
    for (const RedisReply& item : reply.elements) {
        if (item.elements.size() != 2 || item.elements[0].type != RedisReply::Type::string) continue;
        StreamEntry entry{item.elements[0].text, {}};
        const auto& fields = item.elements[1].elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2)
            entry.fields.emplace_back(fields[i].text, fields[i + 1].text);
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<StreamEntry> parse_xread(const RedisReply& reply) {
    if (reply.type != RedisReply::Type::array || reply.elements.empty()) return {};
    const RedisReply& stream = reply.elements[0];
    if (stream.elements.size() != 2) return {};
    return parse_entries(stream.elements[1]);
}

std::optional<Snapshot> parse_snapshot(const RedisReply& reply) {
    if (reply.type != RedisReply::Type::array || reply.elements.size() != 2) return std::nullopt;
    Snapshot snapshot;
    snapshot.newest_first = parse_entries(reply.elements[0]);
    if (!snapshot.newest_first.empty()) snapshot.last_id = snapshot.newest_first.front().id;
    const auto& online = reply.elements[1].elements;
    for (std::size_t i = 0; i + 1 < online.size(); i += 2)
        snapshot.online.emplace_back(online[i].text, online[i + 1].text);
    return snapshot;
}

}  // namespace lesson08
