#pragma once
// The completion handler to give asio::co_spawn for a coroutine nobody waits for.
// asio::detached would drop an exception that escapes the coroutine without a word; this
// logs it ("WHAT: internal error: ...") and lets the server go on with its other connections.
//
//   asio::co_spawn(io, session->run(), course::report_exceptions(log, "session"));

#include "common/logger.hpp"

#include <exception>
#include <string>
#include <utility>

namespace course {

inline auto report_exceptions(Logger& log, std::string what) {
    return [&log, what = std::move(what)](const std::exception_ptr& error) {
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            log.info(what, ": internal error: ", e.what());
        }
    };
}

}  // namespace course
