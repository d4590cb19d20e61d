#pragma once
// Every connection a server holds is a file descriptor, and the usual soft limit on open files
// is 1024. A server meant for thousands of clients raises it to the hard limit at start-up
// (what `ulimit -n $(ulimit -Hn)` does in a shell) and sizes its connection cap from it.

#include <cstddef>

namespace course {

// Raises the soft limit on open files to the hard limit and returns the new soft limit.
std::size_t raise_open_file_limit();

// The default --max-connections for a server with `open_files` descriptors: all of them but
// 32, kept for the listener, the signals, the logs and a connection being refused.
std::size_t max_connections_for(std::size_t open_files);

// A server's connection cap at start-up: raises the open-file limit, then returns `asked`, or
// when it is 0 (--max-connections not given) what the raised limit allows.
std::size_t connection_cap(std::size_t asked);

}  // namespace course
