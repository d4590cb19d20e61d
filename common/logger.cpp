#include "common/logger.hpp"

#include <chrono>
#include <ctime>
#include <iomanip>
#include <iostream>

namespace course {

namespace {

std::string timestamp() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t seconds = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm local{};
    localtime_r(&seconds, &local);
    std::ostringstream out;
    out << std::put_time(&local, "%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << millis;
    return out.str();
}

}  // namespace

Logger::Logger(LogLevel level) : Logger(level, std::cerr) {}

Logger::Logger(LogLevel level, std::ostream& out) : level_(level), out_(out) {}

void Logger::write(LogLevel level, std::string_view message) {
    if (!enabled(level)) return;
    std::string line = timestamp();
    line += ' ';
    line += message;
    if (line.empty() || line.back() != '\n') line += '\n';
    const std::lock_guard lock(mutex_);
    out_ << line << std::flush;
}

}  // namespace course
