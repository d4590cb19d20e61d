#pragma once
// One style's run of N jobs, measured: what the jobs achieved and what the process paid for it.
// run_style() does the measuring; the printing is pure (bytes out, no socket), so the tests
// can check it on made-up numbers.
//
// The costs, and where each comes from:
//   wall time          from the first job's start to the last job's end;
//   time to peak       until every job was in flight (starting 1,000 threads takes a while);
//   threads            in the process at the peak, and how many more than before the run;
//   per job in flight  (peak - before) / jobs in flight, for heap (mallinfo2), resident memory
//                      (VmRSS) and address space (VmSize): what one waiting job holds;
//   CPU time, context switches  over the whole run, every thread of the process (getrusage)
//                      but the built-in echo's: its work is the server's, not the jobs'.
// The process's other threads (main, the signal watcher, the echo) are in every style's
// memory and thread counts alike, so the differences between the styles are the styles'.

#include "job.hpp"
#include "peak_probe.hpp"

#include "common/logger.hpp"
#include "common/stop_event.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

namespace lesson03::three_ways {

struct PerJobCost {  // (peak - before) / jobs in flight
    std::int64_t heap_bytes = 0;
    std::int64_t resident_bytes = 0;
    std::int64_t virtual_bytes = 0;
};

struct StyleReport {
    Style style = Style::blocking;
    std::size_t jobs = 0;
    std::size_t replied = 0, timed_out = 0, failed = 0, stopped = 0;
    std::size_t ignored = 0;  // datagrams that were nobody's reply, over all jobs
    std::chrono::microseconds wall{};
    std::chrono::microseconds cpu{};
    std::int64_t context_switches = 0;
    std::string first_error;  // of the first failed job, if any
    // Only when every job was in flight at once (or had ended) before the run stopped:
    std::optional<std::size_t> in_flight;
    std::chrono::microseconds time_to_peak{};
    std::int64_t threads_at_peak = 0;
    std::int64_t threads_added = 0;  // threads at the peak - threads before
    PerJobCost per_job;
};

// Counts the outcomes and computes the costs from the samples around a run; `echo` is what the
// echo's thread spent meanwhile (zero if the echo is another process).
StyleReport summarize(Style style, std::span<const JobResult> results, const ProcessSample& before,
                      const ProcessSample& after, const std::optional<Peak>& peak, const ThreadUsage& echo,
                      std::chrono::steady_clock::time_point start, std::chrono::steady_clock::time_point end);

// Runs `jobs` jobs in `style` and measures them. Logs "STYLE: N of N jobs in flight, measured"
// at the peak and "STYLE: done in T ms" at the end. `echo_usage` reads the built-in echo's
// thread usage (empty if the echo runs elsewhere).
StyleReport run_style(Style style, const JobPlan& plan, std::size_t jobs, const course::StopEvent& stop,
                      course::Logger& log, const std::function<ThreadUsage()>& echo_usage = {});

// The styles side by side, a column each, a row per measure (see README.md).
std::string comparison_table(std::span<const StyleReport> reports);

// "summary style=handlers jobs=1000 replied=1000 ...": one line per style for programs and
// tests, fields always in the same order; the peak's fields only if there was a peak.
std::string summary_line(const StyleReport& report);

// 690 -> "690 B", 9728 -> "9.5 KiB", 8392704 -> "8.0 MiB" (binary units, sign kept).
std::string format_bytes(std::int64_t bytes);

}  // namespace lesson03::three_ways
