#include "feed/request_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>

namespace feed {

namespace {

constexpr std::uint64_t too_large = std::numeric_limits<std::uint64_t>::max();  // past any max_body

// The one length every Content-Length field and list element agrees on (RFC 9110 8.6: "42, 42"
// and two fields of 42 are 42), or nullopt for anything else. Digits too many to hold are a
// length past any limit (413), not a malformed one.
std::optional<std::uint64_t> content_length(const ws::HttpHead& head) {
    std::optional<std::uint64_t> length;
    for (const auto& header : head.headers) {
        if (!ws::iequals(header.name, "Content-Length")) continue;
        const auto elements = ws::split_tokens(header.value);
        if (elements.empty()) return std::nullopt;
        for (const std::string_view element : elements) {
            if (!std::all_of(element.begin(), element.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                return std::nullopt;
            }
            std::uint64_t value = 0;
            const auto [end, ec] = std::from_chars(element.data(), element.data() + element.size(), value);
            if (ec == std::errc::result_out_of_range) value = too_large;
            if (length && *length != value) return std::nullopt;
            length = value;
        }
    }
    return length;
}

}  // namespace

bool wants_keep_alive(const ws::HttpHead& head) {
    if (head.has_token("Connection", "close")) return false;
    if (head.version_major == 1 && head.version_minor == 0) return head.has_token("Connection", "keep-alive");
    return head.version_major >= 1;
}

RequestReader::RequestReader(RequestLimits limits)
    : limits_(limits), head_parser_(ws::HttpParser::Kind::request, limits.head) {}

RequestReader::Result RequestReader::fail(int status, std::string reason) {
    stage_ = Stage::failed;
    error_status_ = status;
    error_reason_ = std::move(reason);
    return Result::error;
}

RequestReader::Result RequestReader::start_body() {
    const ws::HttpHead& head = request_.head;
    request_.keep_alive = wants_keep_alive(head);
    const bool has_length = head.find("Content-Length") != nullptr;
    if (head.find("Transfer-Encoding") != nullptr) {
        // RFC 9112 6.1: both at once is how requests are smuggled past a proxy; refuse it.
        if (has_length) return fail(400, "both Transfer-Encoding and Content-Length");
        return fail(501, "Transfer-Encoding is not supported: send Content-Length");
    }
    std::uint64_t length = 0;
    if (has_length) {
        const auto parsed = content_length(head);
        if (!parsed) return fail(400, "malformed Content-Length");
        length = *parsed;
    }
    if (length > limits_.max_body) {  // before a byte of it is read
        return fail(413, "body larger than " + std::to_string(limits_.max_body) + " bytes");
    }
    if (length == 0) {
        stage_ = Stage::done;
        return Result::request;
    }
    body_left_ = static_cast<std::size_t>(length);
    request_.body.reserve(body_left_);
    stage_ = Stage::body;
    // RFC 9110 10.1.1: answer 100-continue only where a body is to come, and never to HTTP/1.0.
    const bool http11 = head.version_major > 1 || (head.version_major == 1 && head.version_minor >= 1);
    continue_pending_ = http11 && head.has_token("Expect", "100-continue");
    return Result::incomplete;
}

RequestReader::Result RequestReader::push(std::string_view& input) {
    for (;;) {
        switch (stage_) {
        case Stage::failed: return Result::error;
        case Stage::done: return Result::request;
        case Stage::head: {
            if (!input.empty()) started_ = true;
            const auto result = head_parser_.push(input);
            if (result == ws::HttpParser::Result::incomplete) return Result::incomplete;
            if (result == ws::HttpParser::Result::error) {
                return fail(head_parser_.error_status(), head_parser_.error_reason());
            }
            request_.head = std::move(head_parser_.head());
            const Result next = start_body();
            if (next != Result::incomplete) return next;
            break;  // a body follows
        }
        case Stage::body: {
            if (continue_pending_) {
                continue_pending_ = false;
                return Result::continue_100;
            }
            const std::size_t take = std::min(body_left_, input.size());
            request_.body.append(input.substr(0, take));
            input.remove_prefix(take);
            body_left_ -= take;
            if (body_left_ > 0) return Result::incomplete;
            stage_ = Stage::done;
            return Result::request;
        }
        }
    }
}

Request RequestReader::take() {
    if (stage_ != Stage::done) throw std::logic_error("RequestReader::take() without a complete request");
    Request request = std::move(request_);
    request_ = Request{};
    head_parser_ = ws::HttpParser(ws::HttpParser::Kind::request, limits_.head);
    stage_ = Stage::head;
    body_left_ = 0;
    continue_pending_ = false;
    started_ = false;
    return request;
}

bool RequestReader::mid_request() const noexcept {
    return stage_ == Stage::body || (stage_ == Stage::head && started_);
}

}  // namespace feed
