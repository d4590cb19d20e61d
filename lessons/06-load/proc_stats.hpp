#pragma once
// What the kernel says a process has used, read from /proc (Linux): CPU time from
// /proc/PID/stat (utime + stime, in clock ticks) and resident memory from /proc/PID/status
// (VmRSS). The load generator reads the server's (--server-pid) and its own, so a reader sees
// who ran out of CPU first.
//
// Parsing is separate from reading, so it is tested on fixed text.

#include <sys/types.h>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lesson06 {

struct ProcSample {
    double cpu_seconds = 0;       // user + system
    std::uint64_t rss_bytes = 0;  // resident set size
};

// The utime + stime fields of a /proc/PID/stat line, in clock ticks. The command name (field 2)
// is in parentheses and may hold spaces and ')' itself, so fields are counted after the last ')'.
std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view stat);
// VmRSS from /proc/PID/status ("VmRSS:     1234 kB"), in bytes.
std::optional<std::uint64_t> parse_status_rss(std::string_view status);

// Reads both for `pid`; nullopt if the process is gone or /proc cannot be read.
std::optional<ProcSample> sample_process(pid_t pid);
// CPU seconds this process has used so far (getrusage: every thread).
double own_cpu_seconds();

}  // namespace lesson06
