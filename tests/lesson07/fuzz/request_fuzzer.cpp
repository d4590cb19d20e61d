// libFuzzer target: request framing on a persistent connection (feed::RequestReader), and the
// routing of every request it gives, with the input cut in two where the fuzzer chooses.
//
// Oracles besides ASan+UBSan: the reader never consumes more than it was given, takes all of
// it when it says incomplete, and nothing after an error; a request's body is exactly its
// Content-Length and within max_body; an error is one of the statuses the reader documents;
// the requests and the verdict are the same whether the bytes arrive whole or in two pieces;
// a route is consistent (an error has its status and reason, a 405 its Allow line, a wait is
// clamped) and its error answer parses back as HTTP. Run it with scripts/fuzz.

#include "feed/request_reader.hpp"
#include "feed/response.hpp"
#include "feed/route.hpp"
#include "fuzz_check.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace {

struct Outcome {
    std::vector<feed::Request> requests;
    int continues = 0;
    int error_status = 0;
    bool mid_request = false;
};

bool same_request(const feed::Request& a, const feed::Request& b) {
    if (a.head.method != b.head.method || a.head.target != b.head.target ||
        a.head.version_major != b.head.version_major || a.head.version_minor != b.head.version_minor ||
        a.head.headers.size() != b.head.headers.size() || a.body != b.body || a.keep_alive != b.keep_alive) {
        return false;
    }
    for (std::size_t i = 0; i < a.head.headers.size(); ++i) {
        if (a.head.headers[i].name != b.head.headers[i].name ||
            a.head.headers[i].value != b.head.headers[i].value)
            return false;
    }
    return true;
}

void check_request(const feed::Request& request, const feed::RequestLimits& limits) {
    FUZZ_CHECK(request.body.size() <= limits.max_body);
    FUZZ_CHECK(request.head.find("Transfer-Encoding") == nullptr);
    if (const std::string* length = request.head.find("Content-Length")) {
        // The first field's first element: all of them agree, or the request was refused.
        const auto first = ws::split_tokens(*length).at(0);
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), value);
        FUZZ_CHECK(ec == std::errc{} && end == first.data() + first.size());
        FUZZ_CHECK(request.body.size() == value);
    } else {
        FUZZ_CHECK(request.body.empty());
    }
    FUZZ_CHECK(request.keep_alive == feed::wants_keep_alive(request.head));

    feed::RouteLimits route_limits;
    route_limits.max_wait = std::chrono::milliseconds(5000);
    const feed::Route route = feed::route(request.head, route_limits);
    FUZZ_CHECK(route.wait >= std::chrono::milliseconds(0) && route.wait <= route_limits.max_wait);
    if (route.kind != feed::Route::Kind::error) {
        FUZZ_CHECK(route.status == 0 && route.reason.empty() && route.allow.empty());
        return;
    }
    FUZZ_CHECK(route.status == 400 || route.status == 404 || route.status == 405);
    FUZZ_CHECK(!route.reason.empty());
    FUZZ_CHECK((route.status == 405) == !route.allow.empty());
    const feed::Response answer =
        feed::error_response(route.status, route.reason, request.keep_alive, route.allow);
    ws::HttpParser parser(ws::HttpParser::Kind::response);
    std::string_view bytes = answer.bytes;
    FUZZ_CHECK(parser.push(bytes) == ws::HttpParser::Result::complete);
    FUZZ_CHECK(parser.head().status == route.status);
    FUZZ_CHECK(bytes.size() == answer.bytes.size() - answer.head_size);
}

// Pushes the pieces one after the other, taking every request, until the end or an error.
Outcome run(const std::vector<std::string_view>& pieces, const feed::RequestLimits& limits) {
    feed::RequestReader reader(limits);
    Outcome outcome;
    std::size_t since_request = 0;  // bytes consumed since the last request was taken
    for (const std::string_view piece : pieces) {
        std::string_view in = piece;
        for (;;) {
            const std::size_t before = in.size();
            const auto result = reader.push(in);
            FUZZ_CHECK(in.size() <= before);  // consumed bytes never exceed the input
            FUZZ_CHECK(piece.ends_with(in));  // and come from its front
            since_request += before - in.size();
            if (result == feed::RequestReader::Result::incomplete) {
                FUZZ_CHECK(in.empty());
                break;
            }
            if (result == feed::RequestReader::Result::error) {
                const int status = reader.error_status();
                FUZZ_CHECK(status == 400 || status == 413 || status == 414 || status == 431 || status == 501);
                FUZZ_CHECK(!reader.error_reason().empty());
                std::string_view again = in;
                FUZZ_CHECK(reader.push(again) == feed::RequestReader::Result::error);
                FUZZ_CHECK(again.size() == in.size());  // nothing more is consumed
                outcome.error_status = status;
                return outcome;
            }
            if (result == feed::RequestReader::Result::continue_100) {
                ++outcome.continues;
                continue;
            }
            feed::Request request = reader.take();
            check_request(request, limits);
            FUZZ_CHECK(since_request >= request.body.size());
            since_request = 0;
            outcome.requests.push_back(std::move(request));
        }
    }
    outcome.mid_request = reader.mid_request();
    FUZZ_CHECK(outcome.mid_request == (since_request > 0));
    return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Byte 0: max_body (0..63, small so that 413 is reachable); byte 1: where to cut; then the bytes.
    if (size < 2) return 0;
    feed::RequestLimits limits;
    limits.max_body = data[0] % 64;
    limits.head = ws::HttpLimits{.max_head_size = 1024, .max_headers = 16, .max_line = 256};
    const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
    const std::size_t cut = input.empty() ? 0 : data[1] % (input.size() + 1);

    const Outcome whole = run({input}, limits);
    const Outcome pieces = run({input.substr(0, cut), input.substr(cut)}, limits);
    FUZZ_CHECK(whole.requests.size() == pieces.requests.size());
    for (std::size_t i = 0; i < whole.requests.size(); ++i) {
        FUZZ_CHECK(same_request(whole.requests[i], pieces.requests[i]));
    }
    FUZZ_CHECK(whole.continues == pieces.continues);
    FUZZ_CHECK(whole.error_status == pieces.error_status);
    FUZZ_CHECK(whole.mid_request == pieces.mid_request);
    return 0;
}
