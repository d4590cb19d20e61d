#include "feed/route.hpp"

#include "json.hpp"

#include <algorithm>

namespace feed {

namespace {

Route error(int status, std::string reason, std::string allow = {}) {
    Route route;
    route.kind = Route::Kind::error;
    route.status = status;
    route.reason = std::move(reason);
    route.allow = std::move(allow);
    return route;
}

Route of_kind(Route::Kind kind) {
    Route route;
    route.kind = kind;
    route.status = 0;
    return route;
}

// The one method a path takes, or nullptr for a path the feed does not have.
const char* method_of(std::string_view path) noexcept {
    if (path == "/" || path == "/index.html" || path == "/events" || path == "/sse" || path == "/ws" ||
        path == "/stats") {
        return "GET";
    }
    if (path == "/publish") return "POST";
    return nullptr;
}

// Parses the parameter `name` as an event id into `after` (left nullopt when absent); a 400
// naming the parameter if it is there twice or is not an id.
std::optional<Route> read_after(const Target& target, std::string_view name,
                                std::optional<std::uint64_t>& after) {
    if (target.count(name) > 1) return error(400, std::string(name) + ": repeated");
    const std::string* text = target.param(name);
    if (!text) return std::nullopt;
    const ParsedId id = parse_event_id(*text);
    if (!id.value) return error(400, std::string(name) + ": " + id.error);
    after = id.value;
    return std::nullopt;
}

Route route_events(const Target& target, const RouteLimits& limits) {
    Route route = of_kind(Route::Kind::poll);
    if (auto bad = read_after(target, "after", route.after)) return *bad;
    if (target.count("wait") > 1) return error(400, "wait: repeated");
    if (const std::string* text = target.param("wait")) {
        const ParsedWait wait = parse_wait_seconds(*text);
        if (!wait.value) return error(400, "wait: " + wait.error);
        route.kind = Route::Kind::long_poll;  // wait=0 too: a long poll that answers at once
        route.wait = std::min(*wait.value, limits.max_wait);
    }
    return route;
}

Route route_sse(const ws::HttpHead& request, const Target& target) {
    Route route = of_kind(Route::Kind::sse);
    if (auto bad = read_after(target, "after", route.after)) return *bad;
    // A browser's EventSource resumes by itself with Last-Event-ID, the id of the last event it
    // saw: it wins over the after= of the URL it was opened with. Sent empty, it means "none".
    if (request.count("Last-Event-ID") > 1) return error(400, "Last-Event-ID: repeated");
    const std::string* last_event_id = request.find("Last-Event-ID");
    if (last_event_id && !last_event_id->empty()) {
        const ParsedId id = parse_event_id(*last_event_id);
        if (!id.value) return error(400, "Last-Event-ID: " + id.error);
        route.after = id.value;
    }
    return route;
}

}  // namespace

Route route(const ws::HttpHead& request, const RouteLimits& limits) {
    const std::optional<Target> target = parse_target(request.target);
    if (!target) return error(400, "malformed request target");
    const std::string& path = target->path;
    const char* method = method_of(path);
    if (!method) return error(404, "no such path: " + path);
    if (request.method != method) {
        return error(405, request.method + " is not allowed on " + path,
                     "Allow: " + std::string(method) + "\r\n");
    }
    if (path == "/" || path == "/index.html") return of_kind(Route::Kind::page);
    if (path == "/events") return route_events(*target, limits);
    if (path == "/sse") return route_sse(request, *target);
    if (path == "/ws") return of_kind(Route::Kind::websocket);
    if (path == "/stats") return of_kind(Route::Kind::stats);
    return of_kind(Route::Kind::publish);
}

ClientMessage parse_client_message(std::string_view text) {
    ClientMessage message;
    const auto parsed = lesson05::json::parse_object(text);
    if (!parsed.object) {
        message.error = "not a JSON object: " + parsed.error;
        return message;
    }
    for (const auto& member : parsed.object->members) {
        if (member.key != "after") {
            message.error = "unknown member \"" + member.key + "\" (want {\"after\":ID})";
            return message;
        }
    }
    const lesson05::json::Value* after = parsed.object->find("after");
    if (!after) {
        message.error = "missing \"after\" (want {\"after\":ID})";
    } else if (after->kind != lesson05::json::Value::Kind::integer) {
        message.error = "after: not an integer";
    } else if (after->integer < 0) {
        message.error = "after: negative";
    } else {
        message.after = static_cast<std::uint64_t>(after->integer);
    }
    return message;
}

}  // namespace feed
