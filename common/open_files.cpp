#include "common/open_files.hpp"

#include <sys/resource.h>

namespace course {

std::size_t raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? std::size_t{1} << 20 : static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t max_connections_for(std::size_t open_files) { return open_files > 64 ? open_files - 32 : 32; }

std::size_t connection_cap(std::size_t asked) {
    const std::size_t files = raise_open_file_limit();
    return asked != 0 ? asked : max_connections_for(files);
}

}  // namespace course
