#pragma once
// A process's resident memory as the kernel counts it (/proc/PID/status), for the tests that
// bound the server's memory and for 05-fanout. Linux only.

#include <cstddef>
#include <string_view>
#include <sys/types.h>

namespace lesson05::testing {

// A field of /proc/PID/status given in kB, in bytes: "VmRSS" (resident now) or "VmHWM" (the
// most ever resident, the high-water mark). Throws if the process or the field is not there.
std::size_t proc_status_bytes(pid_t pid, std::string_view field);

inline std::size_t rss_bytes(pid_t pid) { return proc_status_bytes(pid, "VmRSS"); }
inline std::size_t peak_rss_bytes(pid_t pid) { return proc_status_bytes(pid, "VmHWM"); }

}  // namespace lesson05::testing
