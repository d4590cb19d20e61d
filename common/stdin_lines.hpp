#pragma once
// Reads what you type, a line at a time, for the terminal clients.
//
// std::getline would block in read() where neither Ctrl-C nor a message from the network can
// interrupt it. This waits in poll() on stdin and a StopEvent instead, and cuts the bytes into
// lines with the course's LineSplitter (so a line longer than its limit is skipped, with a
// note on stderr, instead of growing memory).

#include "common/line_splitter.hpp"

#include <optional>
#include <string>

namespace course {

class StopEvent;

// The next line without its "\n"; nullopt at the end of input (Ctrl-D, the end of a pipe) or
// once `stop` is requested. Throws std::runtime_error if stdin cannot be read.
std::optional<std::string> next_stdin_line(LineSplitter& lines, const StopEvent& stop);

}  // namespace course
