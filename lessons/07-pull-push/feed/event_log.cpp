#include "feed/event_log.hpp"

#include "json.hpp"

#include <algorithm>
#include <stdexcept>

namespace feed {

EventLog::EventLog(std::size_t capacity) : ring_(capacity) {
    if (capacity == 0) throw std::invalid_argument("EventLog: the capacity must be at least 1");
}

EventPtr EventLog::append(std::string text, std::int64_t us) {
    const std::uint64_t id = last_id_ + 1;
    auto event = std::make_shared<Event>();
    event->id = id;
    event->us = us;
    event->json = event_json(id, us, text);
    event->text = std::move(text);
    ring_[(id - 1) % ring_.size()] = event;  // overwrites the oldest once the ring is full
    last_id_ = id;
    size_ = std::min(size_ + 1, ring_.size());
    return event;
}

std::uint64_t EventLog::first_id() const noexcept { return last_id_ - size_ + 1; }

EventPtr EventLog::newest() const {
    if (size_ == 0) return nullptr;
    return ring_[(last_id_ - 1) % ring_.size()];
}

Resume EventLog::after(std::uint64_t id, std::size_t limit) const {
    // TASK 07.resume: give a client the events after the id it has seen, or a reset
    // STUB: (void)id;
    // STUB: (void)limit;
    Resume resume;
    if (id == last_id_) return resume;  // up to date: nothing yet
    std::uint64_t from = id + 1;
    // Written without first_id() - 1, which is last_id_ - size_: no subtraction can wrap.
    if (id > last_id_ || id < last_id_ - size_) {
        resume.reset = true;  // a gap, or an id from an earlier run: start over from the oldest
        from = first_id();
    }
    const std::uint64_t available = last_id_ - from + 1;
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(available, limit));
    resume.events.reserve(count);
    for (std::uint64_t next = from; next < from + count; ++next) {
        resume.events.push_back(ring_[(next - 1) % ring_.size()]);
    }
    return resume;
    // END TASK 07.resume
}

std::string event_json(std::uint64_t id, std::int64_t us, std::string_view text) {
    std::string json = "{\"id\":" + std::to_string(id) + ",\"us\":" + std::to_string(us) + ",\"text\":";
    lesson05::json::append_string(json, text);
    json += '}';
    return json;
}

std::string events_json_array(const std::vector<EventPtr>& events) {
    std::size_t size = 2;
    for (const auto& event : events) size += event->json.size() + 1;
    std::string out;
    out.reserve(size);
    out += '[';
    for (const auto& event : events) {
        if (out.size() > 1) out += ',';
        out += event->json;
    }
    out += ']';
    return out;
}

}  // namespace feed
