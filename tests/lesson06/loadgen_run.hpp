#pragma once
// Runs 06-loadgen as a process and reads its RESULT line, for the suites that drive it
// (loadgen_test.cpp: the lesson servers; peers_test.cpp: the third-party peers).

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace lesson06::testing {

struct Outcome {
    int exit_code = -1;
    std::string stdout_text;                    // and, after it, what 06-loadgen said on stderr
    std::map<std::string, std::string> result;  // from the RESULT line

    std::string operator[](const std::string& key) const {
        const auto it = result.find(key);
        return it == result.end() ? "(absent)" : it->second;
    }
};

// build/bin/06-loadgen ARGS...; a failure of the test if it has not finished within `limit`.
Outcome run_loadgen(std::vector<std::string> args, std::chrono::seconds limit = std::chrono::seconds(30));

}  // namespace lesson06::testing
