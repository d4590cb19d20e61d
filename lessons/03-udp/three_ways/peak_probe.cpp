#include "peak_probe.hpp"

#include <exception>
#include <utility>

namespace lesson03::three_ways {

PeakProbe::PeakProbe(std::size_t jobs, std::string label, course::Logger& log)
    : jobs_(jobs), label_(std::move(label)), log_(log) {}

void PeakProbe::job_waiting() {
    const std::scoped_lock lock(mutex_);
    ++waiting_;
    take_sample_if_complete();
}

void PeakProbe::job_done(bool was_waiting) {
    const std::scoped_lock lock(mutex_);
    if (was_waiting) {
        ++done_waiting_;
        return;  // it was counted when it started waiting
    }
    ++done_without_wait_;
    take_sample_if_complete();
}

std::optional<Peak> PeakProbe::peak() const {
    const std::scoped_lock lock(mutex_);
    return peak_;
}

void PeakProbe::take_sample_if_complete() {
    if (peak_ || waiting_ + done_without_wait_ < jobs_) return;
    const std::size_t in_flight = waiting_ - done_waiting_;
    try {
        peak_ = Peak{sample_process(), in_flight, std::chrono::steady_clock::now()};
    } catch (const std::exception& e) {  // on a job's thread: the run goes on, unmeasured
        log_.info(label_, ": cannot measure: ", e.what());
        return;
    }
    log_.info(label_, ": ", in_flight, " of ", jobs_, " jobs in flight, measured");
}

}  // namespace lesson03::three_ways
