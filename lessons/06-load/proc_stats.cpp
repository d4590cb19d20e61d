#include "proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace lesson06 {
namespace {

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view stat) {
    const std::size_t paren = stat.rfind(')');
    if (paren == std::string_view::npos) return std::nullopt;
    // After ") " come field 3 (state), 4, ...; utime is field 14, stime field 15.
    std::string_view rest = stat.substr(paren + 1);
    std::uint64_t ticks = 0;
    int field = 2;
    while (!rest.empty()) {
        const std::size_t start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        const std::size_t end = std::min(rest.find(' '), rest.size());
        ++field;
        if (field == 14 || field == 15) {
            const auto value = parse_number(rest.substr(0, end));
            if (!value) return std::nullopt;
            ticks += *value;
            if (field == 15) return ticks;
        }
        rest.remove_prefix(end);
    }
    return std::nullopt;
}

std::optional<std::uint64_t> parse_status_rss(std::string_view status) {
    const std::size_t at = status.find("VmRSS:");
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view rest = status.substr(at + 6);
    const std::size_t start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(start);
    const auto kib = parse_number(rest.substr(0, rest.find(' ')));
    if (!kib) return std::nullopt;
    return *kib * 1024;
}

std::optional<ProcSample> sample_process(pid_t pid) {
    const std::string dir = "/proc/" + std::to_string(pid);
    const auto stat = read_file(dir + "/stat");
    const auto status = read_file(dir + "/status");
    if (!stat || !status) return std::nullopt;
    const auto ticks = parse_stat_cpu_ticks(*stat);
    const auto rss = parse_status_rss(*status);
    if (!ticks || !rss) return std::nullopt;
    const long hz = sysconf(_SC_CLK_TCK);
    return ProcSample{static_cast<double>(*ticks) / static_cast<double>(hz > 0 ? hz : 100), *rss};
}

double own_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace lesson06
