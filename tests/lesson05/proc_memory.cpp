#include "proc_memory.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#define COURSE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COURSE_ASAN 1
#endif
#endif

namespace lesson05::testing {

std::size_t proc_status_bytes(pid_t pid, std::string_view field) {
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    std::ifstream status(path);
    const std::string prefix = std::string(field) + ":";
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with(prefix)) return std::stoull(line.substr(prefix.size())) * 1024;  // "  1234 kB"
    }
    throw std::runtime_error("no " + std::string(field) + " in " + path);
}

namespace {

// Sets an environment variable for the children started in its lifetime, then restores it.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) saved_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (saved_) ::setenv(name_, saved_->c_str(), 1);
        else ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> saved_;
};

}  // namespace

course::testing::ServerProcess start_measured_server(std::string_view binary, std::vector<std::string> args) {
#ifdef COURSE_ASAN
    const char* old = std::getenv("ASAN_OPTIONS");
    const std::string options =
        old && *old ? std::string(old) + ":quarantine_size_mb=0" : "quarantine_size_mb=0";
    const ScopedEnv env("ASAN_OPTIONS", options);
    return course::testing::start_server(binary, std::move(args));
#else
    return course::testing::start_server(binary, std::move(args));
#endif
}

}  // namespace lesson05::testing
