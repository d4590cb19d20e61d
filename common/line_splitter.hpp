#pragma once
// Turns a TCP byte stream into lines. TCP delivers bytes, not messages: one read may hold
// several lines, or a piece of one. Push whatever a read returned, then pop lines until none
// is left. Pure code: no sockets, so it is tested byte by byte.
//
// A line ends with "\n"; a "\r" before it is removed too (telnet and nc on some systems send
// "\r\n"). A line longer than the limit is reported once as `too_long` and its remaining bytes
// are skipped up to the next "\n", so the stream stays in step and memory stays bounded.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace course {

struct LineEvent {
    enum class Kind { line, too_long };
    Kind kind;
    std::string text;  // the line without its terminator; empty for too_long
};

class LineSplitter {
public:
    explicit LineSplitter(std::size_t max_line_length);

    void push(std::string_view bytes);
    std::optional<LineEvent> pop();

    // Bytes held that do not yet form a whole line (what is lost if the peer hangs up now).
    std::size_t pending_bytes() const noexcept { return buffer_.size() - begin_; }
    std::size_t max_line_length() const noexcept { return max_line_length_; }

private:
    std::size_t max_line_length_;
    std::string buffer_;
    std::size_t begin_ = 0;    // start of the first unread line in buffer_
    std::size_t scanned_ = 0;  // bytes after begin_ already known to hold no '\n'
    bool skipping_ = false;    // inside an over-long line: drop bytes up to the next '\n'
};

}  // namespace course
