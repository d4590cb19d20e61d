#include "job.hpp"

namespace lesson03::three_ways {

std::string_view style_name(Style style) noexcept {
    switch (style) {
    case Style::blocking: return "blocking";
    case Style::handlers: return "handlers";
    case Style::coroutine: return "coroutine";
    }
    return "unknown";
}

std::optional<Style> parse_style(std::string_view name) noexcept {
    for (const Style style : {Style::blocking, Style::handlers, Style::coroutine}) {
        if (style_name(style) == name) return style;
    }
    return std::nullopt;
}

std::string request_for(Style style, std::size_t k) {
    return "three-ways " + std::string(style_name(style)) + " job " + std::to_string(k);
}

bool is_reply(const JobPlan& plan, const asio::ip::udp::endpoint& from, std::string_view bytes,
              std::string_view request) noexcept {
    return from == plan.echo && bytes == request;
}

}  // namespace lesson03::three_ways
