#pragma once
// The moment to measure what N jobs cost: when every job has sent its request and is waiting
// for the reply (or has already ended), none of them is paid for twice and none is missing.
// Each job reports twice: job_waiting() once it has sent, job_done() when it has its outcome.
// The call that completes the picture takes the sample, on whatever thread it runs, and logs
// "STYLE: N of N jobs in flight". Safe to call from many threads (the blocking style does).

#include "process_sample.hpp"

#include "common/logger.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

namespace lesson03::three_ways {

struct Peak {
    ProcessSample sample;
    std::size_t in_flight = 0;                 // jobs waiting when it was taken
    std::chrono::steady_clock::time_point at;  // when it was taken
};

class PeakProbe {
public:
    PeakProbe(std::size_t jobs, std::string label, course::Logger& log);

    void job_waiting();               // the job has sent its request and waits for the reply
    void job_done(bool was_waiting);  // the job has its outcome

    // The sample, once every job has waited or ended; nullopt if the run stopped before (or
    // /proc could not be read: that is logged).
    std::optional<Peak> peak() const;

private:
    void take_sample_if_complete();  // with mutex_ held

    const std::size_t jobs_;
    const std::string label_;
    course::Logger& log_;
    mutable std::mutex mutex_;
    std::size_t waiting_ = 0;            // jobs that reached their wait
    std::size_t done_waiting_ = 0;       // ... and have ended since
    std::size_t done_without_wait_ = 0;  // jobs that ended before they could wait (failed)
    std::optional<Peak> peak_;
};

}  // namespace lesson03::three_ways
