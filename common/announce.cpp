#include "common/announce.hpp"

#include <ostream>

namespace course {

void announce_listening(std::ostream& out, const std::string& endpoint_text) {
    out << "listening on " << endpoint_text << std::endl;  // endl flushes: someone is waiting
}

}  // namespace course
