#include "process_sample.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace lesson03::three_ways {

namespace {

std::chrono::microseconds to_micros(const timeval& t) {
    return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
}

}  // namespace

ProcessSample sample_process() {
    ProcessSample sample;
    std::ifstream status("/proc/self/status");
    if (!status) throw std::runtime_error("cannot read /proc/self/status (is /proc mounted?)");
    std::string line;
    while (std::getline(status, line)) {
        std::istringstream fields(line);
        std::string name;
        std::int64_t value = 0;
        fields >> name >> value;  // "VmRSS:    9264 kB", "Threads:  3"
        if (name == "Threads:") sample.threads = value;
        if (name == "VmRSS:") sample.resident_bytes = value * 1024;
        if (name == "VmSize:") sample.virtual_bytes = value * 1024;
    }
    const struct mallinfo2 heap = ::mallinfo2();
    sample.heap_bytes = static_cast<std::int64_t>(heap.uordblks + heap.hblkhd);  // small + mmap'd blocks
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    sample.cpu = to_micros(usage.ru_utime) + to_micros(usage.ru_stime);
    sample.context_switches = usage.ru_nvcsw + usage.ru_nivcsw;
    return sample;
}

ThreadUsage this_thread_usage() {
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    return {to_micros(usage.ru_utime) + to_micros(usage.ru_stime), usage.ru_nvcsw + usage.ru_nivcsw};
}

void release_free_memory() noexcept { ::malloc_trim(0); }

}  // namespace lesson03::three_ways
