// Student tasks. The reference code marks a few regions as tasks for students:
//
//     // TASK 04.accept-key: compute Sec-WebSocket-Accept from the client's key
//     ...the reference solution...
//     // END TASK 04.accept-key
//
// `scripts/starter` replaces each region with a call to task_not_done (INSTRUCTORS.md), so a
// student's tree builds and every test that needs the task fails with the task's id in the
// message, never with a silent wrong answer. The reference code never calls it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace course {

// What a stub throws: the message names the task, so the failing test says what to write.
class TaskNotDone : public std::logic_error {
public:
    TaskNotDone(std::string_view id, std::string_view title);
    const std::string& id() const noexcept { return id_; }

private:
    std::string id_;
};

// Logs "task ID is not done yet: TITLE" to stderr (a server thread that dies of it still says
// why) and throws TaskNotDone.
[[noreturn]] void task_not_done(std::string_view id, std::string_view title);

}  // namespace course
