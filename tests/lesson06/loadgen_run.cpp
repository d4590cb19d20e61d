#include "loadgen_run.hpp"

#include "tests/support/child_process.hpp"

#include <sstream>

namespace lesson06::testing {

Outcome run_loadgen(std::vector<std::string> args, std::chrono::seconds limit) {
    args.insert(args.begin(), course::testing::bin_path("06-loadgen"));
    course::testing::ChildProcess loadgen(args);
    Outcome outcome;
    auto text = loadgen.read_all_stdout(limit);
    EXPECT_TRUE(text) << "06-loadgen did not finish within its own --timeout";
    outcome.stdout_text = text.value_or("");
    outcome.exit_code = loadgen.wait(std::chrono::seconds(5)).value_or(-1);
    // What the load generator said on stderr (a sanitizer report, an error) goes with the output.
    outcome.stdout_text += "\n---- 06-loadgen stderr ----\n" + loadgen.stderr_text();
    std::istringstream lines(outcome.stdout_text);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.starts_with("RESULT ")) continue;
        std::istringstream fields(line.substr(7));
        std::string field;
        while (fields >> field) {
            const auto eq = field.find('=');
            if (eq != std::string::npos) outcome.result[field.substr(0, eq)] = field.substr(eq + 1);
        }
    }
    return outcome;
}

}  // namespace lesson06::testing
