// Routing, row by row of route.hpp's table, with its 404s, 405s and 400s; and the one message a
// WebSocket client may send.

#include "feed/route.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using Kind = feed::Route::Kind;

ws::HttpHead head(std::string method, std::string target, std::vector<ws::HttpHeader> headers = {}) {
    ws::HttpHead h;
    h.method = std::move(method);
    h.target = std::move(target);
    h.version_major = 1;
    h.version_minor = 1;
    h.headers = std::move(headers);
    return h;
}

feed::Route get(std::string target, std::vector<ws::HttpHeader> headers = {}) {
    return feed::route(head("GET", std::move(target), std::move(headers)), feed::RouteLimits{});
}

void expect_error(const feed::Route& route, int status, std::string_view reason) {
    EXPECT_EQ(route.kind, Kind::error);
    EXPECT_EQ(route.status, status);
    EXPECT_EQ(route.reason, reason);
}

TEST(FeedRouteTest, ServesThePageAtRootAndIndexIgnoringTheQuery) {
    EXPECT_EQ(get("/").kind, Kind::page);
    EXPECT_EQ(get("/index.html").kind, Kind::page);
    EXPECT_EQ(get("/?after=bad&_=1764").kind, Kind::page);
}

TEST(FeedRouteTest, PollsFromAnId) {
    const auto route = get("/events?after=41");
    EXPECT_EQ(route.kind, Kind::poll);
    EXPECT_EQ(route.after, 41u);
}

TEST(FeedRouteTest, PollsFromThePresentWithoutAfter) {
    const auto route = get("/events");
    EXPECT_EQ(route.kind, Kind::poll);
    EXPECT_EQ(route.after, std::nullopt);
    EXPECT_EQ(get("/events?_=1764540000").kind, Kind::poll);  // unknown parameters are ignored
}

TEST(FeedRouteTest, LongPollsWithWait) {
    const auto route = get("/events?after=41&wait=25");
    EXPECT_EQ(route.kind, Kind::long_poll);
    EXPECT_EQ(route.after, 41u);
    EXPECT_EQ(route.wait, 25s);
    const auto half = get("/events?wait=0.5");
    EXPECT_EQ(half.kind, Kind::long_poll);
    EXPECT_EQ(half.after, std::nullopt);  // waits for the next event
    EXPECT_EQ(half.wait, 500ms);
}

TEST(FeedRouteTest, WaitZeroIsALongPollThatAnswersAtOnce) {
    const auto route = get("/events?after=1&wait=0");
    EXPECT_EQ(route.kind, Kind::long_poll);
    EXPECT_EQ(route.wait, 0ms);
}

TEST(FeedRouteTest, ClampsTheWaitToTheMaximum) {
    feed::RouteLimits limits;
    limits.max_wait = 10s;
    EXPECT_EQ(feed::route(head("GET", "/events?wait=3600"), limits).wait, 10s);
    EXPECT_EQ(feed::route(head("GET", "/events?wait=9.5"), limits).wait, 9500ms);
    EXPECT_EQ(get("/events?wait=31").wait, 30s);  // the default maximum
}

TEST(FeedRouteTest, RefusesBadParametersNamingThem) {
    expect_error(get("/events?after=-1"), 400, "after: negative");
    expect_error(get("/events?after=abc"), 400, "after: not a number");
    expect_error(get("/events?after="), 400, "after: not a number");
    expect_error(get("/events?after=1e3"), 400, "after: not a number");
    expect_error(get("/events?after=18446744073709551616"), 400, "after: too large");
    expect_error(get("/events?after=1&after=2"), 400, "after: repeated");
    expect_error(get("/events?wait=-1"), 400, "wait: negative");
    expect_error(get("/events?wait=forever"), 400, "wait: not a number");
    expect_error(get("/events?wait=1&wait=2"), 400, "wait: repeated");
    expect_error(get("/sse?after=x"), 400, "after: not a number");
    expect_error(get("/events?after=%"), 400, "malformed request target");
}

TEST(FeedRouteTest, DecodesParametersBeforeParsingThem) {
    EXPECT_EQ(get("/events?after=%34%32").after, 42u);
    EXPECT_EQ(get("/events?%61fter=7").after, 7u);
}

TEST(FeedRouteTest, OpensAnEventStream) {
    const auto fresh = get("/sse");
    EXPECT_EQ(fresh.kind, Kind::sse);
    EXPECT_EQ(fresh.after, std::nullopt);
    const auto resumed = get("/sse?after=12");
    EXPECT_EQ(resumed.kind, Kind::sse);
    EXPECT_EQ(resumed.after, 12u);
}

TEST(FeedRouteTest, LastEventIdWinsOverAfter) {
    EXPECT_EQ(get("/sse?after=12", {{"Last-Event-ID", "30"}}).after, 30u);
    EXPECT_EQ(get("/sse", {{"last-event-id", "7"}}).after, 7u);
}

TEST(FeedRouteTest, AnEmptyLastEventIdMeansNoResume) {
    EXPECT_EQ(get("/sse", {{"Last-Event-ID", ""}}).after, std::nullopt);
    EXPECT_EQ(get("/sse?after=5", {{"Last-Event-ID", ""}}).after, 5u);
}

TEST(FeedRouteTest, RefusesABadLastEventId) {
    expect_error(get("/sse", {{"Last-Event-ID", "-3"}}), 400, "Last-Event-ID: negative");
    expect_error(get("/sse?after=1", {{"Last-Event-ID", "x"}}), 400, "Last-Event-ID: not a number");
    expect_error(get("/sse", {{"Last-Event-ID", "1"}, {"Last-Event-ID", "2"}}), 400,
                 "Last-Event-ID: repeated");
}

TEST(FeedRouteTest, RoutesWebSocketsStatsAndPublish) {
    EXPECT_EQ(get("/ws").kind, Kind::websocket);
    EXPECT_EQ(get("/stats").kind, Kind::stats);
    EXPECT_EQ(feed::route(head("POST", "/publish"), {}).kind, Kind::publish);
}

TEST(FeedRouteTest, AnswersUnknownPathsWith404) {
    expect_error(get("/nope"), 404, "no such path: /nope");
    expect_error(get("/events/"), 404, "no such path: /events/");
    expect_error(get("/EVENTS"), 404, "no such path: /EVENTS");
    expect_error(feed::route(head("DELETE", "/x"), {}), 404, "no such path: /x");
}

TEST(FeedRouteTest, AnswersAWrongMethodWith405AndAllow) {
    const auto publish = get("/publish");
    expect_error(publish, 405, "GET is not allowed on /publish");
    EXPECT_EQ(publish.allow, "Allow: POST\r\n");
    for (const char* path : {"/", "/index.html", "/events", "/sse", "/ws", "/stats"}) {
        const auto route = feed::route(head("POST", path), {});
        EXPECT_EQ(route.status, 405) << path;
        EXPECT_EQ(route.allow, "Allow: GET\r\n") << path;
    }
    const auto head_request = feed::route(head("HEAD", "/events"), {});  // HEAD is not served
    expect_error(head_request, 405, "HEAD is not allowed on /events");
    EXPECT_EQ(head_request.allow, "Allow: GET\r\n");
    EXPECT_EQ(feed::route(head("get", "/events"), {}).status, 405);  // methods are case-sensitive
}

TEST(FeedRouteTest, RefusesATargetThatIsNotAPath) {
    expect_error(get("http://example.com/events"), 400, "malformed request target");
    expect_error(get("*"), 400, "malformed request target");
}

TEST(FeedClientMessageTest, ReadsAfter) {
    EXPECT_EQ(feed::parse_client_message(R"({"after":41})").after, 41u);
    EXPECT_EQ(feed::parse_client_message(R"( { "after" : 0 } )").after, 0u);
    EXPECT_TRUE(feed::parse_client_message(R"({"after":41})").error.empty());
}

TEST(FeedClientMessageTest, RefusesAnythingElseWithAReason) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"after":-1})", "after: negative"},
        {R"({"after":"41"})", "after: not an integer"},
        {R"({"after":null})", "after: not an integer"},
        {R"({})", "missing \"after\" (want {\"after\":ID})"},
        {R"({"after":1,"x":2})", "unknown member \"x\" (want {\"after\":ID})"},
    };
    for (const auto& [text, why] : cases) {
        const auto message = feed::parse_client_message(text);
        EXPECT_EQ(message.after, std::nullopt) << text;
        EXPECT_EQ(message.error, why) << text;
    }
    for (const char* bad : {"41", "", "{\"after\":1.5}", "{\"after\":1e3}", "{\"after\":1} x", "[1]"}) {
        const auto message = feed::parse_client_message(bad);
        EXPECT_EQ(message.after, std::nullopt) << bad;
        EXPECT_TRUE(message.error.starts_with("not a JSON object: ")) << bad << ": " << message.error;
    }
}

}  // namespace
