#pragma once
// A process's resident memory as the kernel counts it (/proc/PID/status), for the tests that
// bound the server's memory. Linux only.

#include "tests/support/child_process.hpp"

#include <sys/types.h>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lesson05::testing {

// A field of /proc/PID/status given in kB, in bytes: "VmRSS" (resident now) or "VmHWM" (the
// most ever resident, the high-water mark). Throws if the process or the field is not there.
std::size_t proc_status_bytes(pid_t pid, std::string_view field);

inline std::size_t rss_bytes(pid_t pid) { return proc_status_bytes(pid, "VmRSS"); }
inline std::size_t peak_rss_bytes(pid_t pid) { return proc_status_bytes(pid, "VmHWM"); }

// start_server() for a test that measures the server's memory. Under AddressSanitizer freed
// memory waits in a quarantine (256 MB by default) instead of being reused, so the RSS would
// not show what the server gives back: there the server runs with quarantine_size_mb=0.
course::testing::ServerProcess start_measured_server(std::string_view binary,
                                                     std::vector<std::string> args = {});

}  // namespace lesson05::testing
