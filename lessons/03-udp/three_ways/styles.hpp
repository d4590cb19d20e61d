#pragma once
// The same jobs (job.hpp), run all at once, three ways; one file each, to be read side by side:
//   blocking.cpp   a thread per job, each waiting in poll() on its socket (lessons 01 and 02);
//   handlers.cpp   one thread in io_context::run(), each job a chain of completion handlers;
//   coroutine.cpp  one thread in io_context::run(), each job a coroutine read top to bottom.
// Each runs job k into results[k] (a job that never ends keeps Outcome::stopped), tells the
// probe when each job waits and ends, and returns once every job has ended, or soon after a
// stop request. Every wait has the job's deadline, so each returns within about plan.timeout.

#include "job.hpp"
#include "peak_probe.hpp"

#include "common/stop_event.hpp"

#include <span>

namespace lesson03::three_ways {

void run_blocking(const JobPlan& plan, std::span<JobResult> results, PeakProbe& probe,
                  const course::StopEvent& stop);
void run_handlers(const JobPlan& plan, std::span<JobResult> results, PeakProbe& probe,
                  const course::StopEvent& stop);
void run_coroutine(const JobPlan& plan, std::span<JobResult> results, PeakProbe& probe,
                   const course::StopEvent& stop);

}  // namespace lesson03::three_ways
