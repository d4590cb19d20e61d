#include "bench/bench_report.hpp"

#include <cmath>
#include <cstdio>

namespace lesson07 {

namespace {

double per(double amount, double count) { return count > 0 ? amount / count : NAN; }

std::string number(double value, const char* format = "%.2f") {
    if (std::isnan(value)) return "-";
    char text[48];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

std::string tsv_number(double value) {
    if (std::isnan(value)) return "NaN";
    char text[48];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

}  // namespace

ModeRow summarize(const ModeRun& run) {
    ModeRow row;
    row.kind = run.sweep ? "sweep" : "mode";
    row.mode = std::string(mode_name(run.mode));
    row.clients = run.clients;
    row.interval_seconds = run.interval_seconds;
    row.published = run.published;
    row.expected = run.published * run.clients;
    row.delivered = run.traffic.events;
    row.missing = row.expected > row.delivered ? row.expected - row.delivered : 0;
    row.duplicates = run.traffic.duplicates;
    row.reconnects = run.traffic.connections + run.idle.connections;
    const double ms = 1e6;
    const double delivered = static_cast<double>(row.delivered);
    row.p50_ms = run.latency.count() ? static_cast<double>(run.latency.percentile(0.50)) / ms : NAN;
    row.p99_ms = run.latency.count() ? static_cast<double>(run.latency.percentile(0.99)) / ms : NAN;
    row.max_ms = run.latency.count() ? static_cast<double>(run.latency.max()) / ms : NAN;
    row.mean_ms = run.latency.count() ? run.latency.mean() / ms : NAN;
    row.requests_per_event = per(static_cast<double>(run.traffic.requests), delivered);
    row.bytes_up_per_event = per(static_cast<double>(run.traffic.bytes_sent), delivered);
    row.bytes_down_per_event = per(static_cast<double>(run.traffic.bytes_received), delivered);
    row.server_bytes_per_event =
        per(static_cast<double>(run.server_bytes), static_cast<double>(run.server_events));
    row.server_cpu_us_per_event = per(static_cast<double>(run.server_cpu_us), delivered);
    // n events at a steady rate span n - 1 periods.
    row.publish_rate =
        run.published > 1 ? per(static_cast<double>(run.published - 1), run.publish_seconds) : NAN;
    row.server_cpu_pct = per(static_cast<double>(run.server_cpu_us) / 1e4, run.traffic_seconds);
    row.bench_cpu_pct = per(run.bench_cpu_seconds * 100, run.traffic_seconds);
    row.has_idle = run.idle_seconds > 0 && run.clients > 0;
    const double client_minutes = static_cast<double>(run.clients) * run.idle_seconds / 60.0;
    row.idle_requests_per_client_min =
        row.has_idle ? per(static_cast<double>(run.idle.requests), client_minutes) : NAN;
    row.idle_bytes_up_per_client_min =
        row.has_idle ? per(static_cast<double>(run.idle.bytes_sent), client_minutes) : NAN;
    row.idle_bytes_down_per_client_min =
        row.has_idle ? per(static_cast<double>(run.idle.bytes_received), client_minutes) : NAN;
    row.error = run.error;
    return row;
}

std::string format_table(const std::vector<ModeRow>& rows) {
    std::string out;
    char line[512];
    auto add = [&](const ModeRow& r, bool sweep) {
        const std::string name = sweep ? "poll " + number(r.interval_seconds, "%g") + " s" : r.mode;
        std::snprintf(
            line, sizeof line,
            "%-12s %7zu %9llu/%-9llu %8s %8s %8s %8s %7s %7s %7s %8s %7s %7s %7s %7s %6s %6s  %s\n",
            name.c_str(), r.clients, static_cast<unsigned long long>(r.delivered),
            static_cast<unsigned long long>(r.expected), number(r.p50_ms).c_str(), number(r.p99_ms).c_str(),
            number(r.max_ms).c_str(), number(r.requests_per_event, "%.3f").c_str(),
            number(r.bytes_up_per_event, "%.0f").c_str(), number(r.bytes_down_per_event, "%.0f").c_str(),
            number(r.server_bytes_per_event, "%.0f").c_str(),
            number(r.server_cpu_us_per_event, "%.1f").c_str(),
            number(r.idle_requests_per_client_min, "%.1f").c_str(),
            number(r.idle_bytes_up_per_client_min, "%.0f").c_str(),
            number(r.idle_bytes_down_per_client_min, "%.0f").c_str(), number(r.publish_rate, "%.1f").c_str(),
            number(r.server_cpu_pct, "%.0f").c_str(), number(r.bench_cpu_pct, "%.0f").c_str(),
            r.error.empty() ? (r.missing ? "missing events" : "ok") : r.error.c_str());
        out += line;
    };
    std::snprintf(line, sizeof line,
                  "%-12s %7s %19s %8s %8s %8s %8s %7s %7s %7s %8s %7s %7s %7s %7s %6s %6s  %s\n", "mode",
                  "clients", "delivered/expected", "p50 ms", "p99 ms", "max ms", "req/ev", "B up", "B down",
                  "srv B", "srv us", "idle rq", "idle up", "idle dn", "ev/s", "srv %", "bnch %", "status");
    out += line;
    bool sweep_heading = false;
    for (const auto& r : rows) {
        if (r.kind == "sweep" && !sweep_heading) {
            out += "poll interval sweep (latency against the interval):\n";
            sweep_heading = true;
        }
        add(r, r.kind == "sweep");
    }
    out +=
        "(per event delivered: requests, bytes up and down at the clients' sockets, bytes the server sent, "
        "server CPU in us; idle: requests and bytes up/down per client per minute without events; ev/s: the "
        "publish rate reached; srv %, bnch %: the server's and the benchmark's CPU, % of one core)\n";
    return out;
}

std::string format_tsv(const std::vector<ModeRow>& rows) {
    std::string out =
        "kind\tmode\tclients\tinterval_s\tpublished\texpected\tdelivered\tmissing\tduplicates\treconnects\t"
        "p50_ms\tp99_ms\tmax_ms\tmean_ms\trequests_per_event\tbytes_up_per_event\tbytes_down_per_event\t"
        "server_bytes_per_event\tserver_cpu_us_per_event\tidle_requests_per_client_min\t"
        "idle_bytes_up_per_client_min\tidle_bytes_down_per_client_min\tpublish_rate\tserver_cpu_pct\tbench_"
        "cpu_pct\t"
        "error\n";
    for (const auto& r : rows) {
        out +=
            r.kind + "\t" + r.mode + "\t" + std::to_string(r.clients) + "\t" + tsv_number(r.interval_seconds);
        for (const std::uint64_t n :
             {r.published, r.expected, r.delivered, r.missing, r.duplicates, r.reconnects})
            out += "\t" + std::to_string(n);
        for (const double x :
             {r.p50_ms, r.p99_ms, r.max_ms, r.mean_ms, r.requests_per_event, r.bytes_up_per_event,
              r.bytes_down_per_event, r.server_bytes_per_event, r.server_cpu_us_per_event,
              r.idle_requests_per_client_min, r.idle_bytes_up_per_client_min,
              r.idle_bytes_down_per_client_min, r.publish_rate, r.server_cpu_pct, r.bench_cpu_pct})
            out += "\t" + tsv_number(x);
        std::string error = r.error.empty() ? "-" : r.error;
        for (char& c : error) {
            if (c == '\t' || c == '\n') c = ' ';
        }
        out += "\t" + error + "\n";
    }
    return out;
}

}  // namespace lesson07
