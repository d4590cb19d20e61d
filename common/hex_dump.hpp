#pragma once
// An annotated hex dump for --trace: a title line, then 16 bytes a row with the offset, the
// bytes in hex and the printable ones as text, the way `xxd` and Wireshark show them.
//
//   recv 13 bytes from 127.0.0.1:50512
//     0000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a           |hello, world.|

#include <cstddef>
#include <string>
#include <string_view>

namespace course {

// Dumps at most `max_bytes` of `bytes` and says how many were left out.
std::string hex_dump(std::string_view title, std::string_view bytes, std::size_t max_bytes = 1024);

}  // namespace course
