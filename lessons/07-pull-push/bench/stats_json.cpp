#include "bench/stats_json.hpp"

namespace lesson07 {

namespace {

constexpr int max_depth = 4;

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    StatsJson run() {
        StatsJson out;
        if (object("", 1, out)) {
            blanks();
            if (at_ != text_.size()) fail("unexpected bytes after the object");
        }
        if (!error_.empty()) {
            out.values.clear();
            out.error = error_ + " at byte " + std::to_string(at_);
        }
        return out;
    }

private:
    bool fail(std::string reason) {
        if (error_.empty()) error_ = std::move(reason);
        return false;
    }
    void blanks() {
        while (at_ < text_.size() &&
               (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\r' || text_[at_] == '\n'))
            ++at_;
    }
    bool expect(char c) {
        blanks();
        if (at_ == text_.size() || text_[at_] != c) return fail(std::string("expected '") + c + "'");
        ++at_;
        return true;
    }
    bool name(std::string& out) {
        if (!expect('"')) return false;
        const std::size_t start = at_;
        while (at_ < text_.size() && text_[at_] != '"') {
            const auto c = static_cast<unsigned char>(text_[at_]);
            if (c < 0x20 || c >= 0x7F || c == '\\') return fail("a name must be plain ASCII without escapes");
            ++at_;
        }
        if (at_ == text_.size()) return fail("unterminated name");
        out.assign(text_.substr(start, at_ - start));
        ++at_;
        return true;
    }
    bool number(std::uint64_t& out) {
        const std::size_t start = at_;
        out = 0;
        while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
            const unsigned digit = static_cast<unsigned>(text_[at_] - '0');
            if (out > (UINT64_MAX - digit) / 10) return fail("number too large");
            out = out * 10 + digit;
            ++at_;
        }
        if (at_ == start) return fail("expected an unsigned integer or an object");
        if (at_ - start > 1 && text_[start] == '0') return fail("leading zero");
        if (at_ < text_.size() && (text_[at_] == '.' || text_[at_] == 'e' || text_[at_] == 'E'))
            return fail("not an integer");
        return true;
    }
    bool object(const std::string& prefix, int depth, StatsJson& out) {
        if (depth > max_depth) return fail("nested too deeply");
        if (!expect('{')) return false;
        blanks();
        if (at_ < text_.size() && text_[at_] == '}') {
            ++at_;
            return true;
        }
        for (;;) {
            std::string key;
            if (!name(key) || !expect(':')) return false;
            const std::string full = prefix.empty() ? key : prefix + "." + key;
            blanks();
            if (at_ < text_.size() && text_[at_] == '{') {
                if (!object(full, depth + 1, out)) return false;
            } else {
                std::uint64_t value = 0;
                if (!number(value)) return false;
                if (!out.values.emplace(full, value).second) return fail("duplicate name '" + full + "'");
            }
            blanks();
            if (at_ < text_.size() && text_[at_] == ',') {
                ++at_;
                continue;
            }
            return expect('}');
        }
    }

    std::string_view text_;
    std::size_t at_ = 0;
    std::string error_;
};

}  // namespace

std::uint64_t StatsJson::get(std::string_view name) const {
    const auto it = values.find(name);
    return it == values.end() ? 0 : it->second;
}

StatsJson parse_stats_json(std::string_view text) { return Parser(text).run(); }

}  // namespace lesson07
