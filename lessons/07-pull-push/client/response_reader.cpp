#include "client/response_reader.hpp"

#include <algorithm>
#include <charconv>

namespace lesson07 {

namespace {

// One Content-Length value: ASCII digits only (no sign, no spaces inside), fitting 64 bits.
bool parse_length(std::string_view text, std::size_t& out) {
    if (text.empty() || text.size() > 19) return false;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    out = static_cast<std::size_t>(value);
    return true;
}

bool keep_alive(const ws::HttpHead& head) {
    if (head.has_token("Connection", "close")) return false;
    if (head.version_major == 1 && head.version_minor == 0) return head.has_token("Connection", "keep-alive");
    return true;
}

}  // namespace

ResponseReader::ResponseReader(ResponseLimits limits)
    : limits_(limits), head_parser_(ws::HttpParser::Kind::response, limits.head) {}

ResponseReader::Result ResponseReader::fail(std::string reason) {
    stage_ = Stage::failed;
    error_ = std::move(reason);
    return Result::error;
}

ResponseReader::Result ResponseReader::on_head() {
    const ws::HttpHead& head = head_parser_.head();
    if (head.status == 101) return fail("unexpected 101 Switching Protocols");
    if (head.status >= 100 && head.status < 200) {  // interim (100 Continue): the real answer follows
        head_parser_ = ws::HttpParser(ws::HttpParser::Kind::response, limits_.head);
        return Result::incomplete;
    }
    response_.head = head;
    response_.keep_alive = keep_alive(head);
    if (head.find("Transfer-Encoding")) return fail("Transfer-Encoding is not supported (no Content-Length)");
    if (head.status == 204 || head.status == 304) {
        stage_ = Stage::done;
        return Result::response;
    }
    const std::size_t lengths = head.count("Content-Length");
    if (lengths == 0) {
        stage_ = Stage::done;
        done_result_ = Result::stream;
        response_.keep_alive = false;  // the body ends when the connection does
        return Result::stream;
    }
    std::size_t length = 0;
    bool have_length = false;
    for (const auto& field : head.headers) {
        if (!ws::iequals(field.name, "Content-Length")) continue;
        std::size_t value = 0;
        if (!parse_length(field.value, value)) return fail("bad Content-Length '" + field.value + "'");
        if (have_length && value != length) return fail("conflicting Content-Length values");
        length = value;
        have_length = true;
    }
    if (length > limits_.max_body) {
        return fail("body of " + std::to_string(length) + " bytes is larger than the limit of " +
                    std::to_string(limits_.max_body));
    }
    body_left_ = length;
    response_.body.reserve(length);
    stage_ = Stage::body;
    if (body_left_ == 0) {
        stage_ = Stage::done;
        return Result::response;
    }
    return Result::incomplete;
}

ResponseReader::Result ResponseReader::push(std::string_view& input) {
    if (!input.empty() && stage_ == Stage::head) started_ = true;
    for (;;) {
        switch (stage_) {
        case Stage::failed: return Result::error;
        case Stage::done: return done_result_;  // not taken yet: nothing more is consumed
        case Stage::head: {
            const auto result = head_parser_.push(input);
            if (result == ws::HttpParser::Result::error) {
                return fail("bad response head: " + head_parser_.error_reason());
            }
            if (result == ws::HttpParser::Result::incomplete) return Result::incomplete;
            const Result after_head = on_head();
            if (after_head != Result::incomplete) return after_head;
            if (stage_ == Stage::head && input.empty()) return Result::incomplete;  // after a 1xx
            continue;
        }
        case Stage::body: {
            const std::size_t n = std::min(body_left_, input.size());
            response_.body.append(input.substr(0, n));
            input.remove_prefix(n);
            body_left_ -= n;
            if (body_left_ > 0) return Result::incomplete;
            stage_ = Stage::done;
            return Result::response;
        }
        }
    }
}

HttpResponse ResponseReader::take() {
    HttpResponse out = std::move(response_);
    response_ = {};
    head_parser_ = ws::HttpParser(ws::HttpParser::Kind::response, limits_.head);
    stage_ = Stage::head;
    done_result_ = Result::response;
    body_left_ = 0;
    started_ = false;
    return out;
}

}  // namespace lesson07
