#include "proc_memory.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

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

}  // namespace lesson05::testing
