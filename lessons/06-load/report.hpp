#pragma once
// The result of a run as ordered key/value pairs, printed three ways: aligned lines for people,
// one "RESULT key=value ..." line for scripts (always the last line of stdout), and a JSON
// object for --json. Values are numbers or short words; text values are JSON-escaped.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lesson06 {

class Report {
public:
    void add(std::string key, std::string value, bool numeric);
    void add(std::string key, std::string_view text) { add(std::move(key), std::string(text), false); }
    void add(std::string key, const char* text) { add(std::move(key), std::string(text), false); }
    void add(std::string key, std::uint64_t value) { add(std::move(key), std::to_string(value), true); }
    void add(std::string key, double value, int decimals);

    std::string human() const;        // "  key .......... value" lines
    std::string result_line() const;  // "RESULT key=value ..." (spaces in values become '_')
    std::string json() const;         // {"key":value,...}
    const std::string* find(std::string_view key) const;

private:
    struct Field {
        std::string key;
        std::string value;
        bool numeric;
    };
    std::vector<Field> fields_;
};

// Nanoseconds as microseconds with one decimal ("123.4").
std::string micros(std::uint64_t nanos);

}  // namespace lesson06
