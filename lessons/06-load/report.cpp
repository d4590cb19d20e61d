#include "report.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>

namespace lesson06 {

void Report::add(std::string key, std::string value, bool numeric) {
    fields_.push_back({std::move(key), std::move(value), numeric});
}

void Report::add(std::string key, double value, int decimals) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(decimals) << value;
    add(std::move(key), out.str(), true);
}

std::string Report::human() const {
    std::size_t width = 0;
    for (const auto& field : fields_) width = std::max(width, field.key.size());
    std::string out;
    for (const auto& field : fields_) {
        out += "  " + field.key + std::string(width + 2 - field.key.size(), ' ') + field.value + "\n";
    }
    return out;
}

std::string Report::result_line() const {
    std::string out = "RESULT";
    for (const auto& field : fields_) {
        std::string value = field.value;
        for (char& c : value) {
            if (c == ' ' || c == '\n' || c == '\t') c = '_';
        }
        out += " " + field.key + "=" + (value.empty() ? "-" : value);
    }
    return out;
}

std::string Report::json() const {
    std::string out = "{";
    for (const auto& field : fields_) {
        if (out.size() > 1) out += ',';
        out += '"' + field.key + "\":";
        if (field.numeric) {
            out += field.value;
            continue;
        }
        out += '"';
        for (const char c : field.value) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                out += escaped;
            } else {
                out += c;
            }
        }
        out += '"';
    }
    return out + "}";
}

const std::string* Report::find(std::string_view key) const {
    for (const auto& field : fields_) {
        if (field.key == key) return &field.value;
    }
    return nullptr;
}

std::string micros(std::uint64_t nanos) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << static_cast<double>(nanos) / 1000.0;
    return out.str();
}

}  // namespace lesson06
