#include "feed/sse.hpp"

#include <charconv>
#include <stdexcept>

namespace feed {

namespace {

bool has_line_break(std::string_view text) noexcept { return text.find_first_of("\r\n") != text.npos; }

// One "data: " line per line of `data`: a CR, a LF or a CRLF inside the text would otherwise
// end the field (or the event) and let the text write fields of its own.
void append_data_lines(std::string& out, std::string_view data) {
    // TASK 07.sse-encode: encode an event as SSE: id, name, one data: line per line, a blank line
    // STUB: (void)out;
    // STUB: (void)data;
    for (;;) {
        const std::size_t end = data.find_first_of("\r\n");
        out += "data: ";
        out += data.substr(0, end);
        out += '\n';
        if (end == data.npos) return;
        const std::size_t next = data.substr(end, 2) == "\r\n" ? end + 2 : end + 1;
        data.remove_prefix(next);
    }
    // END TASK 07.sse-encode
}

void append_event_line(std::string& out, std::string_view event) {
    if (event.empty()) return;
    if (has_line_break(event)) throw std::invalid_argument("an SSE event name must not hold a line break");
    out += "event: ";
    out += event;
    out += '\n';
}

}  // namespace

std::string sse_event(std::uint64_t id, std::string_view data, std::string_view event) {
    // TASK 07.sse-encode: encode an event as SSE: id, name, one data: line per line, a blank line
    // STUB: (void)id;
    // STUB: (void)data;
    // STUB: (void)event;
    std::string out = "id: " + std::to_string(id) + '\n';
    append_event_line(out, event);
    append_data_lines(out, data);
    out += '\n';
    return out;
    // END TASK 07.sse-encode
}

std::string sse_event_without_id(std::string_view data, std::string_view event) {
    std::string out;
    append_event_line(out, event);
    append_data_lines(out, data);
    out += '\n';
    return out;
}

std::string sse_retry(std::chrono::milliseconds delay) {
    return "retry: " + std::to_string(delay.count() < 0 ? 0 : delay.count()) + "\n\n";
}

std::string sse_comment(std::string_view text) {
    if (has_line_break(text)) throw std::invalid_argument("an SSE comment must not hold a line break");
    std::string out = ": ";
    out += text;
    out += "\n\n";
    return out;
}

SseParser::SseParser(std::size_t max_line, std::size_t max_data) : max_line_(max_line), max_data_(max_data) {}

SseParser::Result SseParser::push(std::string_view bytes, std::vector<SseMessage>& out) {
    static constexpr std::string_view bom = "\xEF\xBB\xBF";  // U+FEFF in UTF-8
    while (error_.empty() && !bytes.empty()) {
        if (!started_) {
            // The first bytes of the stream may be a BOM, and it may arrive a byte at a time:
            // hold its bytes in line_ until they are a whole BOM (dropped) or not one (kept).
            if (line_.size() < bom.size() && bytes.front() == bom[line_.size()]) {
                line_ += bytes.front();
                bytes.remove_prefix(1);
                if (line_.size() == bom.size()) {
                    line_.clear();
                    started_ = true;
                }
                continue;
            }
            started_ = true;
        }
        if (after_cr_) {  // a CRLF is one line break, even when the LF comes in the next push
            after_cr_ = false;
            if (bytes.front() == '\n') {
                bytes.remove_prefix(1);
                continue;
            }
        }
        const std::size_t end = bytes.find_first_of("\r\n");
        const std::string_view run = bytes.substr(0, end);
        if (line_.size() + run.size() > max_line_) {
            error_ = "line longer than " + std::to_string(max_line_) + " bytes";
            line_.clear();
            break;
        }
        line_.append(run);
        if (end == bytes.npos) break;  // the line goes on in the next push
        after_cr_ = bytes[end] == '\r';
        bytes.remove_prefix(end + 1);
        line(line_, out);
        line_.clear();
    }
    return error_.empty() ? Result::ok : Result::error;
}

void SseParser::line(std::string_view text, std::vector<SseMessage>& out) {
    if (text.empty()) {  // a blank line dispatches the event
        if (has_data_) {
            SseMessage message;
            if (!event_.empty()) message.event = event_;
            data_.pop_back();  // every data: line added a '\n'; the last one is not part of the data
            message.data = std::move(data_);
            message.id = last_event_id_;
            out.push_back(std::move(message));
        }
        event_.clear();
        data_.clear();
        has_data_ = false;
        return;
    }
    if (text.front() == ':') {
        ++comments_;
        return;
    }
    const std::size_t colon = text.find(':');
    const std::string_view field = text.substr(0, colon);
    std::string_view value = colon == text.npos ? std::string_view{} : text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);

    if (field == "data") {
        if (data_.size() + value.size() + 1 > max_data_) {
            error_ = "event data longer than " + std::to_string(max_data_) + " bytes";
            return;
        }
        data_.append(value);
        data_ += '\n';
        has_data_ = true;
    } else if (field == "event") {
        event_.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == value.npos) last_event_id_.assign(value);
    } else if (field == "retry") {
        // Only ASCII digits; anything else (or a number too large to hold) is ignored.
        std::uint64_t ms = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
        if (!value.empty() && ec == std::errc{} && end == value.data() + value.size() &&
            ms <= static_cast<std::uint64_t>(std::chrono::milliseconds::max().count())) {
            retry_ = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(ms));
        }
    }
    // Any other field is ignored.
}

}  // namespace feed
