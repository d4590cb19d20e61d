#include "feed_http.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace lesson07::testing {

std::string HttpAnswer::header(std::string_view name) const {
    const std::string key = "\r\n" + std::string(name) + ": ";
    const std::size_t at = head.find(key);
    if (at == std::string::npos) return "";
    const std::size_t start = at + key.size();
    return head.substr(start, head.find("\r\n", start) - start);
}

std::string get_request(std::string_view target, std::string_view extra_headers) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(extra_headers) +
           "\r\n";
}

std::string publish_request(std::string_view body, std::string_view extra_headers) {
    return "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + std::string(extra_headers) + "\r\n" + std::string(body);
}

HttpAnswer read_answer(TestSocket& socket, std::chrono::milliseconds timeout) {
    HttpAnswer answer;
    for (;;) {
        const auto line = socket.read_line(timeout);
        if (!line) throw std::runtime_error("connection closed inside an answer's head: " + answer.head);
        answer.head += *line + "\n";
        if (*line == "\r") break;
    }
    if (answer.head.rfind("HTTP/1.1 ", 0) != 0) throw std::runtime_error("not an answer: " + answer.head);
    answer.status = std::stoi(answer.head.substr(9, 3));
    const std::string length = answer.header("Content-Length");
    if (!length.empty()) answer.body = socket.read_exactly(std::stoul(length), timeout);
    return answer;
}

HttpAnswer ask(std::uint16_t port, std::string_view request) {
    auto socket = TestSocket::connect(port);
    socket.send_all(request);
    return read_answer(socket);
}

std::uint64_t publish(std::uint16_t port, std::string_view text) {
    const HttpAnswer answer = ask(port, publish_request(text));
    if (answer.status != 202) throw std::runtime_error("publish refused: " + answer.head + answer.body);
    return event_ids(answer.body).at(0);
}

std::vector<std::uint64_t> event_ids(std::string_view json) {
    std::vector<std::uint64_t> ids;
    constexpr std::string_view key = "{\"id\":";
    for (std::size_t at = json.find(key); at != std::string_view::npos; at = json.find(key, at + 1))
        ids.push_back(std::stoull(std::string(json.substr(at + key.size(), 20))));
    return ids;
}

SseStream::SseStream(std::uint16_t port, std::string_view target, std::string_view extra_headers)
    : socket_(TestSocket::connect(port)) {
    socket_.send_all(get_request(target, extra_headers));
    for (;;) {
        const auto line = socket_.read_line(std::chrono::seconds(5));
        if (!line) throw std::runtime_error("closed before the stream's head ended: " + head_);
        head_ += *line + "\n";
        if (*line == "\r") break;
    }
    if (head_.rfind("HTTP/1.1 200 ", 0) != 0) throw std::runtime_error("no stream: " + head_);
}

void SseStream::pump(std::chrono::milliseconds timeout) {
    const std::string bytes = socket_.read_some(timeout);
    if (bytes.empty()) throw std::runtime_error("the event stream ended");
    if (parser_.push(bytes, ready_) != feed::SseParser::Result::ok)
        throw std::runtime_error("bad event stream: " + parser_.error());
}

feed::SseMessage SseStream::next(std::chrono::milliseconds timeout) {
    while (taken_ == ready_.size()) pump(timeout);
    return ready_[taken_++];
}

std::vector<std::uint64_t> SseStream::next_ids(std::size_t n) {
    std::vector<std::uint64_t> ids;
    while (ids.size() < n) {
        const feed::SseMessage message = next();
        if (message.event == "message") ids.push_back(std::stoull(message.id));
    }
    return ids;
}

}  // namespace lesson07::testing
