#pragma once
// What this process costs right now, as the kernel and the C library count it (Linux, glibc).
// The three styles are compared with two of these: one taken before a style starts, one at
// its peak (PeakProbe), when every job is waiting for its reply.

#include <chrono>
#include <cstdint>

namespace lesson03::three_ways {

struct ProcessSample {
    std::int64_t threads = 0;           // "Threads:" in /proc/self/status
    std::int64_t resident_bytes = 0;    // "VmRSS:": pages in physical memory
    std::int64_t virtual_bytes = 0;     // "VmSize:": address space reserved, touched or not
    std::int64_t heap_bytes = 0;        // malloc'd and not yet freed (mallinfo2), every arena
    std::chrono::microseconds cpu{};    // user + system time of every thread, since the start
    std::int64_t context_switches = 0;  // voluntary + involuntary, every thread, since the start
};

// CPU time and context switches of the calling thread alone (getrusage(RUSAGE_THREAD)): the
// built-in echo's own, which are taken out of the styles' numbers.
struct ThreadUsage {
    std::chrono::microseconds cpu{};
    std::int64_t context_switches = 0;
};

ThreadUsage this_thread_usage();

// Reads /proc/self/status, mallinfo2() and getrusage(RUSAGE_SELF). Throws std::runtime_error
// if /proc is not there.
ProcessSample sample_process();

// Hands memory that malloc keeps for reuse back to the system (malloc_trim), so that a sample
// taken next starts from what is really in use, not from what an earlier style left behind.
void release_free_memory() noexcept;

}  // namespace lesson03::three_ways
