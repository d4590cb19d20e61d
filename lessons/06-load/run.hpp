#pragma once
// Runs one load test from start to end and reports it: resolve, open every connection (at the
// connect rate), wait until all are open (and, for broadcast, have joined), start the clock and
// the traffic, wait until the work is done or --timeout, stop every thread, and add up.
//
// The report always comes, complete or not (a timeout, or Ctrl-C): build_report
// (run_report.hpp) turns what was measured by then into it.

#include "options.hpp"
#include "run_report.hpp"

namespace lesson06 {

RunResult run_load(const LoadOptions& options);

}  // namespace lesson06
