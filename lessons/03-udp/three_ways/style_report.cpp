#include "style_report.hpp"

#include "styles.hpp"

#include <cstdlib>
#include <functional>
#include <iomanip>
#include <sstream>
#include <vector>

namespace lesson03::three_ways {

namespace {

using std::chrono::microseconds;

std::int64_t per_job(std::int64_t peak, std::int64_t before, std::size_t in_flight) {
    return (peak - before) / static_cast<std::int64_t>(in_flight);
}

std::string format_ms(microseconds time) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << static_cast<double>(time.count()) / 1000.0 << " ms";
    return out.str();
}

std::string ms_value(microseconds time) {  // "152.3", for the summary line
    std::string text = format_ms(time);
    return text.substr(0, text.size() - 3);
}

}  // namespace

StyleReport summarize(Style style, std::span<const JobResult> results, const ProcessSample& before,
                      const ProcessSample& after, const std::optional<Peak>& peak, const ThreadUsage& echo,
                      std::chrono::steady_clock::time_point start,
                      std::chrono::steady_clock::time_point end) {
    StyleReport report;
    report.style = style;
    report.jobs = results.size();
    for (const JobResult& result : results) {
        switch (result.outcome) {
        case Outcome::replied: ++report.replied; break;
        case Outcome::timed_out: ++report.timed_out; break;
        case Outcome::failed:
            if (report.failed++ == 0) report.first_error = result.error;
            break;
        case Outcome::stopped: ++report.stopped; break;
        }
        report.ignored += result.ignored;
    }
    report.wall = std::chrono::duration_cast<microseconds>(end - start);
    report.cpu = after.cpu - before.cpu - echo.cpu;
    report.context_switches = after.context_switches - before.context_switches - echo.context_switches;
    if (peak && peak->in_flight > 0) {
        const ProcessSample& at = peak->sample;
        report.in_flight = peak->in_flight;
        report.time_to_peak = std::chrono::duration_cast<microseconds>(peak->at - start);
        report.threads_at_peak = at.threads;
        report.threads_added = at.threads - before.threads;
        report.per_job = {per_job(at.heap_bytes, before.heap_bytes, peak->in_flight),
                          per_job(at.resident_bytes, before.resident_bytes, peak->in_flight),
                          per_job(at.virtual_bytes, before.virtual_bytes, peak->in_flight)};
    }
    return report;
}

StyleReport run_style(Style style, const JobPlan& plan, std::size_t jobs, const course::StopEvent& stop,
                      course::Logger& log, const std::function<ThreadUsage()>& echo_usage) {
    const std::string name(style_name(style));
    std::vector<JobResult> results(jobs);  // before the first sample: not a cost of the style
    PeakProbe probe(jobs, name, log);
    release_free_memory();  // what earlier styles freed is not counted as ours
    const ThreadUsage echo_before = echo_usage ? echo_usage() : ThreadUsage{};
    const ProcessSample before = sample_process();
    const auto start = std::chrono::steady_clock::now();
    switch (style) {
    case Style::blocking: run_blocking(plan, results, probe, stop); break;
    case Style::handlers: run_handlers(plan, results, probe, stop); break;
    case Style::coroutine: run_coroutine(plan, results, probe, stop); break;
    }
    const auto end = std::chrono::steady_clock::now();
    const ProcessSample after = sample_process();
    const ThreadUsage echo_after = echo_usage ? echo_usage() : ThreadUsage{};
    const ThreadUsage echo{echo_after.cpu - echo_before.cpu,
                           echo_after.context_switches - echo_before.context_switches};
    StyleReport report = summarize(style, results, before, after, probe.peak(), echo, start, end);
    log.info(name, ": done in ", format_ms(report.wall));
    if (report.failed > 0)
        log.info(name, ": ", report.failed, " jobs failed; the first: ", report.first_error);
    return report;
}

std::string comparison_table(std::span<const StyleReport> reports) {
    using Cell = std::function<std::string(const StyleReport&)>;
    const auto count = [](std::size_t StyleReport::*field) {
        return Cell([field](const StyleReport& r) { return std::to_string(r.*field); });
    };
    const auto at_peak = [](std::function<std::string(const StyleReport&)> cell) {
        return Cell([cell](const StyleReport& r) { return r.in_flight ? cell(r) : std::string("-"); });
    };
    const std::vector<std::pair<const char*, Cell>> rows = {
        {"jobs that got their reply", count(&StyleReport::replied)},
        {"jobs that timed out", count(&StyleReport::timed_out)},
        {"jobs that failed", count(&StyleReport::failed)},
        {"jobs stopped", count(&StyleReport::stopped)},
        {"wall time", [](const StyleReport& r) { return format_ms(r.wall); }},
        {"time until all in flight", at_peak([](const StyleReport& r) { return format_ms(r.time_to_peak); })},
        {"jobs in flight at the peak",
         at_peak([](const StyleReport& r) { return std::to_string(*r.in_flight); })},
        {"threads at the peak",
         at_peak([](const StyleReport& r) { return std::to_string(r.threads_at_peak); })},
        {"threads added for the jobs",
         at_peak([](const StyleReport& r) { return std::to_string(r.threads_added); })},
        {"heap per job in flight",
         at_peak([](const StyleReport& r) { return format_bytes(r.per_job.heap_bytes); })},
        {"resident per job in flight",
         at_peak([](const StyleReport& r) { return format_bytes(r.per_job.resident_bytes); })},
        {"virtual per job in flight",
         at_peak([](const StyleReport& r) { return format_bytes(r.per_job.virtual_bytes); })},
        {"context switches", [](const StyleReport& r) { return std::to_string(r.context_switches); }},
        {"CPU time", [](const StyleReport& r) { return format_ms(r.cpu); }},
    };
    constexpr int label_width = 28, column_width = 12;
    std::ostringstream out;
    out << std::left << std::setw(label_width) << "" << std::right;
    for (const StyleReport& r : reports) out << std::setw(column_width) << style_name(r.style);
    out << '\n';
    for (const auto& [label, cell] : rows) {
        out << std::left << std::setw(label_width) << label << std::right;
        for (const StyleReport& r : reports) out << std::setw(column_width) << cell(r);
        out << '\n';
    }
    return out.str();
}

std::string summary_line(const StyleReport& r) {
    std::ostringstream out;
    out << "summary style=" << style_name(r.style) << " jobs=" << r.jobs << " replied=" << r.replied
        << " timed_out=" << r.timed_out << " failed=" << r.failed << " stopped=" << r.stopped
        << " ignored=" << r.ignored << " wall_ms=" << ms_value(r.wall) << " cpu_ms=" << ms_value(r.cpu)
        << " context_switches=" << r.context_switches;
    if (r.in_flight) {
        out << " in_flight=" << *r.in_flight << " peak_ms=" << ms_value(r.time_to_peak)
            << " threads=" << r.threads_at_peak << " threads_added=" << r.threads_added
            << " heap_per_job=" << r.per_job.heap_bytes << " resident_per_job=" << r.per_job.resident_bytes
            << " virtual_per_job=" << r.per_job.virtual_bytes;
    }
    return out.str();
}

std::string format_bytes(std::int64_t bytes) {
    const std::int64_t size = std::llabs(bytes);
    if (size < 1024) return std::to_string(bytes) + " B";
    std::ostringstream out;
    out << std::fixed << std::setprecision(1);
    if (size < 1024 * 1024) {
        out << static_cast<double>(bytes) / 1024.0 << " KiB";
    } else {
        out << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MiB";
    }
    return out.str();
}

}  // namespace lesson03::three_ways
