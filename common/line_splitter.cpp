#include "common/line_splitter.hpp"

namespace course {

LineSplitter::LineSplitter(std::size_t max_line_length) : max_line_length_(max_line_length) {}

void LineSplitter::push(std::string_view bytes) {
    if (skipping_) {
        const auto newline = bytes.find('\n');
        if (newline == std::string_view::npos) return;  // still inside the over-long line
        skipping_ = false;
        bytes.remove_prefix(newline + 1);
    }
    // Reclaim the space of lines already popped before growing the buffer.
    if (begin_ > 0 && begin_ >= buffer_.size() / 2) {
        buffer_.erase(0, begin_);
        begin_ = 0;
    }
    buffer_.append(bytes);
}

std::optional<LineEvent> LineSplitter::pop() {
    const std::string_view pending = std::string_view(buffer_).substr(begin_);
    const auto newline = pending.find('\n', scanned_);
    if (newline == std::string_view::npos) {
        scanned_ = pending.size();
        // +1: the line may still end in "\r\n", and the "\r" does not count.
        if (pending.size() <= max_line_length_ + 1) return std::nullopt;  // wait for more bytes
        // No end in sight and already too long: report it and skip the rest of the line.
        buffer_.clear();
        begin_ = scanned_ = 0;
        skipping_ = true;
        return LineEvent{LineEvent::Kind::too_long, {}};
    }
    std::string_view line = pending.substr(0, newline);
    begin_ += newline + 1;
    scanned_ = 0;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_line_length_) return LineEvent{LineEvent::Kind::too_long, {}};
    return LineEvent{LineEvent::Kind::line, std::string(line)};
}

}  // namespace course
