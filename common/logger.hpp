#pragma once
// A thread-safe logger that writes timestamped lines to stderr (data goes to stdout).
//
// Levels nest: `info` is always shown unless quiet, `verbose` adds detail, `trace` adds every
// protocol step and hex dumps. Several threads may log at once: each call writes one whole line.

#include <iosfwd>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

namespace course {

enum class LogLevel { quiet, info, verbose, trace };

class Logger {
public:
    explicit Logger(LogLevel level);
    Logger(LogLevel level, std::ostream& out);

    LogLevel level() const noexcept { return level_; }
    bool enabled(LogLevel level) const noexcept { return level != LogLevel::quiet && level <= level_; }
    bool tracing() const noexcept { return enabled(LogLevel::trace); }

    // Writes "HH:MM:SS.mmm message" when `level` is enabled. A message that spans several
    // lines (a hex dump) is written in one piece, so lines from other threads never interleave.
    void write(LogLevel level, std::string_view message);

    template <class... Parts> void info(const Parts&... parts) { log(LogLevel::info, parts...); }
    template <class... Parts> void verbose(const Parts&... parts) { log(LogLevel::verbose, parts...); }
    template <class... Parts> void trace(const Parts&... parts) { log(LogLevel::trace, parts...); }

private:
    template <class... Parts> void log(LogLevel level, const Parts&... parts) {
        if (!enabled(level)) return;  // don't format what nobody will see
        std::ostringstream text;
        (text << ... << parts);
        write(level, text.str());
    }

    LogLevel level_;
    std::ostream& out_;
    std::mutex mutex_;
};

}  // namespace course
