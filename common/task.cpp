#include "common/task.hpp"

#include <cstdio>

namespace course {

namespace {

std::string message(std::string_view id, std::string_view title) {
    return "task " + std::string(id) + " is not done yet: " + std::string(title) + " (see TASKS.md)";
}

}  // namespace

TaskNotDone::TaskNotDone(std::string_view id, std::string_view title)
    : std::logic_error(message(id, title)), id_(id) {}

void task_not_done(std::string_view id, std::string_view title) {
    // stderr directly, not the logger: this must show even where no logger was set up.
    std::fprintf(stderr, "%s\n", message(id, title).c_str());
    throw TaskNotDone(id, title);
}

}  // namespace course
