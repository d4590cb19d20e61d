#include "fake_store.hpp"

#include "protocol.hpp"

namespace lesson08::testing {

std::string FakeStore::append(std::vector<std::pair<std::string, std::string>> fields) {
    StreamEntry entry{std::to_string(now) + "-" + std::to_string(next_seq++), std::move(fields)};
    entry.fields.emplace_back("time", std::to_string(now));
    stream.push_back(entry);
    return entry.id;
}

bool FakeStore::remove(const std::string& token, const std::string& node) {
    if (presence.erase(token) == 0) return false;
    const std::string name = names[token];
    names.erase(token);
    const std::string key = lesson05::name_key(name);
    if (claims.count(key) && claims[key] == token) claims.erase(key);
    append({{"type", "leave"}, {"token", token}, {"name", name}, {"node", node}});
    return true;
}

std::vector<StreamEntry> FakeStore::read_after(const std::string& after) const {
    const StreamId from = *StreamId::parse(after);
    std::vector<StreamEntry> out;
    for (const StreamEntry& entry : stream) {
        if (from < *StreamId::parse(entry.id)) out.push_back(entry);
    }
    return out;
}

std::size_t FakeStore::count(const std::string& type) const {
    std::size_t n = 0;
    for (const StreamEntry& entry : stream) {
        for (const auto& [field, value] : entry.fields) n += field == "type" && value == type;
    }
    return n;
}

template <class T> void FakeBackplane::queue(std::function<T()> work, std::function<void(Answer<T>)> done) {
    queue_.push_back({[this, work, done] {
                          T value = work();
                          if (lose_replies_.empty()) done(Answer<T>{std::move(value), {}});
                          else done(Answer<T>{T{}, lose_replies_});
                      },
                      [done](const std::string& why) {
                          done(Answer<T>{T{}, why});
                      }});
}

void FakeBackplane::join(const std::string& token, const std::string& wanted,
                         std::function<void(Answer<Joined>)> done) {
    queue<Joined>(
        [this, token, wanted] {
            if (store_.names.count(token)) return Joined{store_.names[token], ""};
            std::string name = wanted;
            if (name.empty() || store_.claims.count(lesson05::name_key(name))) {
                do name = "guest-" + std::to_string(++store_.guest);
                while (store_.claims.count(name));
            }
            store_.claims[lesson05::name_key(name)] = token;
            store_.presence[token] = store_.now + store_.ttl;
            store_.names[token] = name;
            return Joined{
                name, store_.append({{"type", "join"}, {"token", token}, {"name", name}, {"node", node_}})};
        },
        std::move(done));
}

void FakeBackplane::leave(const std::string& token) {
    queue<bool>([this, token] { return store_.remove(token, node_); }, [](Answer<bool>) {});
}

void FakeBackplane::say(const std::string& token, const std::string& text,
                        std::function<void(Answer<std::string>)> done) {
    queue_.push_back({[this, token, text, done] {
                          if (!store_.names.count(token)) return done({{}, "ABSENT you are not in the chat"});
                          done({store_.append({{"type", "message"},
                                               {"token", token},
                                               {"from", store_.names[token]},
                                               {"text", text},
                                               {"node", node_}}),
                                {}});
                      },
                      [done](const std::string& why) {
                          done({{}, why});
                      }});
}

void FakeBackplane::rename(const std::string& token, const std::string& name,
                           std::function<void(Answer<RenameOutcome>)> done) {
    queue<RenameOutcome>(
        [this, token, name] {
            if (!store_.names.count(token)) return RenameOutcome::absent;
            const std::string old = store_.names[token];
            const std::string key = lesson05::name_key(name), old_key = lesson05::name_key(old);
            if (key != old_key) {
                if (store_.claims.count(key)) return RenameOutcome::taken;
                store_.claims[key] = token;
                if (store_.claims[old_key] == token) store_.claims.erase(old_key);
            }
            store_.names[token] = name;
            store_.append(
                {{"type", "rename"}, {"token", token}, {"from", old}, {"to", name}, {"node", node_}});
            return RenameOutcome::renamed;
        },
        std::move(done));
}

void FakeBackplane::who(std::function<void(Answer<std::vector<std::string>>)> done) {
    queue<std::vector<std::string>>(
        [this] {
            std::vector<std::string> out;
            for (const auto& [token, name] : store_.names) out.push_back(name);
            return out;
        },
        std::move(done));
}

void FakeBackplane::online(
    std::function<void(Answer<std::vector<std::pair<std::string, std::string>>>)> done) {
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    queue<Pairs>([this] { return Pairs(store_.names.begin(), store_.names.end()); }, std::move(done));
}

void FakeBackplane::renew(const std::vector<std::string>& tokens,
                          std::function<void(Answer<std::vector<std::string>>)> done) {
    queue<std::vector<std::string>>(
        [this, tokens] {
            std::vector<std::string> missing;
            for (const std::string& token : tokens) {
                if (store_.presence.count(token)) store_.presence[token] = store_.now + store_.ttl;
                else missing.push_back(token);
            }
            return missing;
        },
        std::move(done));
}

void FakeBackplane::reap(std::function<void(Answer<std::int64_t>)> done) {
    queue<std::int64_t>(
        [this] {
            std::vector<std::string> expired;
            for (const auto& [token, expiry] : store_.presence) {
                if (expiry <= store_.now) expired.push_back(token);
            }
            std::int64_t n = 0;
            if (expired.size() > store_.reap_limit) expired.resize(store_.reap_limit);
            for (const std::string& token : expired) n += store_.remove(token, node_);
            return n;
        },
        std::move(done));
}

void FakeBackplane::range(const std::string& after, const std::string& before, std::size_t count,
                          std::function<void(Answer<std::vector<StreamEntry>>)> done) {
    queue<std::vector<StreamEntry>>(
        [this, after, before, count] {
            const StreamId from = *StreamId::parse(after), to = *StreamId::parse(before);
            std::vector<StreamEntry> out;
            for (const StreamEntry& entry : store_.stream) {
                const StreamId id = *StreamId::parse(entry.id);
                if (from < id && id < to && out.size() < count) out.push_back(entry);
            }
            return out;
        },
        std::move(done));
}

std::size_t FakeBackplane::answer() {
    std::size_t n = 0;
    while (!queue_.empty()) {  // an answer may queue more (they run too)
        Request request = std::move(queue_.front());
        queue_.pop_front();
        request.carry_out();
        ++n;
    }
    return n;
}

void FakeBackplane::fail(const std::string& why) {
    std::deque<Request> failed;
    failed.swap(queue_);
    for (Request& request : failed) request.fail(why);
}

}  // namespace lesson08::testing
