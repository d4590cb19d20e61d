#include "traffic_counters.hpp"

#include <cstdio>

namespace lesson03 {

std::string describe_summary(const TrafficCounters& c, double seconds) {
    char period[32];
    std::snprintf(period, sizeof period, "%.1f", seconds);
    return "summary seconds=" + std::string(period) +  //
           " datagrams_in=" + std::to_string(c.datagrams_in) + " bytes_in=" + std::to_string(c.bytes_in) +
           " datagrams_out=" + std::to_string(c.datagrams_out) + " bytes_out=" + std::to_string(c.bytes_out) +
           " dropped=" + std::to_string(c.dropped) + " duplicated=" + std::to_string(c.duplicated) +
           " delayed=" + std::to_string(c.delayed) + " truncated=" + std::to_string(c.truncated) +
           " queue_full=" + std::to_string(c.queue_full) + " send_failed=" + std::to_string(c.send_failed);
}

}  // namespace lesson03
