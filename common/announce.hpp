#pragma once
// Every server's first line on stdout: "listening on HOST:PORT", with the real port (after
// binding port 0). Tests and scripts wait for this line instead of sleeping.

#include <iosfwd>
#include <string>

namespace course {

// Prints the line and flushes it, so whoever waits sees it the moment we accept connections.
void announce_listening(std::ostream& out, const std::string& endpoint_text);

}  // namespace course
