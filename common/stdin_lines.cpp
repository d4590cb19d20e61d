#include "common/stdin_lines.hpp"

#include "common/fd_wait.hpp"
#include "common/stop_event.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace course {

std::optional<std::string> next_stdin_line(LineSplitter& lines, const StopEvent& stop) {
    for (;;) {
        if (auto event = lines.pop()) {
            if (event->kind == LineEvent::Kind::line) return std::move(event->text);
            std::cerr << "line too long (over " << lines.max_line_length() << " bytes), not sent\n";
            continue;
        }
        if (wait_readable(STDIN_FILENO, stop, no_timeout) != WaitResult::ready) return std::nullopt;
        char buffer[4096];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(std::string("reading stdin: ") + std::strerror(errno));
        if (n == 0) return std::nullopt;  // end of input
        lines.push({buffer, static_cast<std::size_t>(n)});
    }
}

}  // namespace course
