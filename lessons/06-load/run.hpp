#pragma once
// Runs one load test from start to end and reports it: resolve, open every connection (at the
// connect rate), wait until all are open (and, for broadcast, have joined), start the clock and
// the traffic, wait until the work is done or --timeout, stop every thread, and add up.
//
// The report always comes, complete or not (a timeout, or Ctrl-C): what was measured by then, how many
// connections failed and the first reason, and ok=0 when anything is missing.

#include "options.hpp"
#include "report.hpp"

namespace lesson06 {

struct RunResult {
    Report report;
    bool ok = false;  // every connection opened and every message came back (or was delivered) once
    bool stopped = false;  // ended early because options.stop was requested (a signal)
};

RunResult run_load(const LoadOptions& options);

const char* mode_name(Mode mode) noexcept;

}  // namespace lesson06
